// The byte-level reader's pieces, in process: where a path is, and where UTF-8 first goes wrong.
// (Whole files, symlinks and pipes are in hostile-files.test.ts, each in its own process.)
import {describe, expect, it} from 'vitest'

import {firstInvalidUtf8, isInside} from '../../../src/ci/gitlab/ci-files.js'

describe('isInside', () => {
  it('accepts the root and paths below it, nothing beside or above it', () => {
    expect(isInside('/repo', '/repo')).toBe(true)
    expect(isInside('/repo', '/repo/ci/a.yml')).toBe(true)
    expect(isInside('/repo', '/repo/..a/b.yml')).toBe(true)
    expect(isInside('/repo', '/repository/a.yml')).toBe(false)
    expect(isInside('/repo', '/re')).toBe(false)
    expect(isInside('/repo', '/')).toBe(false)
    expect(isInside('/repo', '/other/repo/a.yml')).toBe(false)
  })
})

describe('firstInvalidUtf8', () => {
  const at = (...bytes: number[]) => firstInvalidUtf8(Uint8Array.from(bytes))

  it('passes valid text of every sequence length, to its end', () => {
    const text = Buffer.from('a é € 😀 \u{10FFFF}', 'utf8')
    expect(firstInvalidUtf8(text)).toBe(text.length)
  })

  it('names the first byte of a bad sequence', () => {
    expect(at(0x61, 0x80)).toBe(1) // a lone continuation byte
    expect(at(0x61, 0xc3)).toBe(1) // cut short at the end
    expect(at(0xc3, 0x28)).toBe(0) // a continuation that is not one
    expect(at(0xc0, 0xaf)).toBe(0) // overlong, never valid as a lead
    expect(at(0xe0, 0x80, 0xaf)).toBe(0) // overlong three-byte form
    expect(at(0xf0, 0x82, 0x82, 0xac)).toBe(0) // overlong four-byte form
    expect(at(0xed, 0xa0, 0x80)).toBe(0) // a UTF-16 surrogate
    expect(at(0xf4, 0x90, 0x80, 0x80)).toBe(0) // past U+10FFFF
    expect(at(0xf5, 0x80, 0x80, 0x80)).toBe(0) // a lead byte UTF-8 never uses
    expect(at(0x61, 0x62, 0xe2, 0x82)).toBe(2) // a three-byte sequence cut at the end
  })

  it('agrees with a strict decoder on where the valid prefix ends', () => {
    for (const bytes of [[0x61, 0xef, 0xbf, 0xbf, 0xff], [0xe2, 0x82, 0xac, 0xe2, 0x28, 0xa1], [0xf0, 0x9f, 0x98, 0x80, 0xf0, 0x9f]]) {
      const offset = firstInvalidUtf8(Uint8Array.from(bytes))
      expect(() => new TextDecoder('utf-8', {fatal: true}).decode(Uint8Array.from(bytes.slice(0, offset)))).not.toThrow()
      expect(() => new TextDecoder('utf-8', {fatal: true}).decode(Uint8Array.from(bytes))).toThrow()
    }
  })
})
