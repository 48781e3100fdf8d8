import {describe, expect, it} from 'vitest'
import {hash, randomBytes, wipe} from '../../src/crypto/primitives.js'
import {loadSodium} from '../../src/crypto/sodium.js'

describe('sodium loading', () => {
  it('refuses synchronous use before loadSodium, then works', async () => {
    // Run in a fresh module graph so an earlier load in this worker does not hide the error.
    const {vi} = await import('vitest')
    vi.resetModules()
    const fresh = await import('../../src/crypto/sodium.js')
    expect(() => fresh.sodiumSync()).toThrow(/await loadSodium/)
    const a = await fresh.loadSodium()
    expect(await fresh.loadSodium()).toBe(a)
    expect(fresh.sodiumSync()).toBe(a)
  })
})

describe('primitives', () => {
  it('hash is BLAKE2b with the requested length', async () => {
    await loadSodium()
    // RFC 7693 appendix A: BLAKE2b-512("abc").
    expect(Buffer.from(hash(new TextEncoder().encode('abc'), 64)).toString('hex')).toBe(
      'ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d17d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923',
    )
    expect(hash(new Uint8Array(0), 32).length).toBe(32)
  })

  it('wipe zeroes every buffer and skips missing ones', async () => {
    await loadSodium()
    const a = randomBytes(32)
    const b = Uint8Array.of(1, 2, 3)
    wipe(a, undefined, b, null)
    expect(a.every((x) => x === 0)).toBe(true)
    expect(b.every((x) => x === 0)).toBe(true)
  })

  it('randomBytes refuses a bad length', async () => {
    await loadSodium()
    expect(() => randomBytes(-1)).toThrow(RangeError)
    expect(randomBytes(0).length).toBe(0)
  })
})
