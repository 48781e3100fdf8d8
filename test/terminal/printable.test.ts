import {describe, expect, it} from 'vitest'

import {printable, printableLines} from '../../src/terminal/printable.js'

describe('printable', () => {
  it('writes every terminal control as a visible escape: C0, DEL, C1 and bidirectional overrides', () => {
    expect(printable('a\u001b]52;c;aGk=\u0007b')).toBe('a\\u001b]52;c;aGk=\\u0007b')
    expect(printable('x\u009b2Ky\u007f')).toBe('x\\u009b2Ky\\u007f')
    expect(printable('\u202eevil\u2066\u2069')).toBe('\\u202eevil\\u2066\\u2069')
    expect(printable('one\r\ntwo')).toBe('one\\u000d\\u000atwo')
  })

  it('leaves ordinary text, unicode included, as it is', () => {
    const text = 'DB_PASSWORD (environment production/*, branch main) — café ✓ 日本'
    expect(printable(text)).toBe(text)
  })

  it('printableLines keeps the line breaks we compose and escapes the rest', () => {
    expect(printableLines('first\nsecond \u001b[2K\rthird')).toBe('first\nsecond \\u001b[2K\\u000dthird')
  })
})
