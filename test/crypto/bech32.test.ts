import {describe, expect, it} from 'vitest'
import {Bech32Error, decode, decodeWords, encode, encodeWords, fromWords, toWords} from '../../src/crypto/bech32.js'

// BIP-173, "Test vectors".
const VALID = [
  'A12UEL5L',
  'a12uel5l',
  'an83characterlonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1tt5tgs',
  'abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw',
  '11qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqc8247j',
  'split1checkupstagehandshakeupstreamerranterredcaperred2y9e3w',
  '?1ezyfcl',
]

const INVALID: [string, string][] = [
  ['\x201nwldj5', 'hrp character out of range'],
  ['\x7f1axkwrx', 'hrp character out of range'],
  ['\x801eym55h', 'hrp character out of range'],
  ['an84characterslonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1569pvx', 'hrp too long'],
  ['pzry9x0s0muk', 'no separator'],
  ['1pzry9x0s0muk', 'empty hrp'],
  ['x1b4n0q5v', 'invalid data character'],
  ['li1dgmt3', 'too short checksum'],
  ['de1lg7wt\xff', 'invalid character in checksum'],
  ['A1G7SGD8', 'checksum calculated with upper-case hrp'],
  ['10a06t8', 'empty hrp'],
  ['1qzzfhee', 'empty hrp'],
  ['a12UEL5L', 'mixed case'],
]

describe('bip-173 valid strings', () => {
  it.each(VALID)('%s', (text) => {
    const {hrp, words} = decodeWords(text)
    expect(encodeWords(hrp, words)).toBe(text)
  })
})

describe('bip-173 invalid strings', () => {
  it.each(INVALID)('%j (%s)', (text) => {
    expect(() => decodeWords(text)).toThrow(Bech32Error)
  })
})

describe('bytes', () => {
  it('encodes the BIP-173 P2WPKH example', () => {
    const program = Buffer.from('751e76e8199196d454941c45d1b3a323f1433bd6', 'hex')
    expect(encodeWords('bc', [0, ...toWords(program)])).toBe('bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4')
    const {words} = decodeWords('BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4')
    expect(Buffer.from(fromWords(words.slice(1))).equals(program)).toBe(true)
  })

  it('round-trips every length from 0 to 70 bytes, past the 90-character limit', () => {
    for (let n = 0; n <= 70; n++) {
      const data = Uint8Array.from({length: n}, (_, i) => (i * 37 + n) & 0xff)
      const text = encode('test', data)
      expect(Buffer.from(decode(text).bytes).equals(Buffer.from(data))).toBe(true)
    }
    expect(encode('test', new Uint8Array(64)).length).toBeGreaterThan(90)
  })

  it('encodes in the case of the hrp and decodes either case', () => {
    const text = encode('UPPER-', Uint8Array.of(1, 2, 3))
    expect(text).toBe(text.toUpperCase())
    expect(decode(text).hrp).toBe('UPPER-')
    expect(decode(text.toLowerCase()).hrp).toBe('upper-')
  })

  it('reports a substituted character as a checksum problem', () => {
    const text = encode('secrets', new Uint8Array(32).fill(7))
    const typo = `${text.slice(0, 20)}${text[20] === 'q' ? 'p' : 'q'}${text.slice(21)}`
    expect(() => decode(typo)).toThrow(expect.objectContaining({problem: 'checksum'}))
  })

  it('rejects non-zero padding bits', () => {
    // One byte is 8 bits = two words with 2 padding bits; set one of them.
    const words = toWords(Uint8Array.of(0xff))
    words[1] = (words[1] as number) | 1
    expect(() => decode(encodeWords('x', words))).toThrow(/padding/)
  })

  it('rejects a whole spare word of padding', () => {
    expect(() => decode(encodeWords('x', [...toWords(Uint8Array.of(1)), 0]))).toThrow(/padding/)
  })

  it('does not quote the input in its errors', () => {
    const secret = 'hunter2hunter2'
    for (const text of [secret, `${secret}1qqqqqqq`, `${secret}1b`]) {
      try {
        decode(text)
        expect.unreachable()
      } catch (error) {
        expect((error as Error).message).not.toContain('hunter')
      }
    }
  })
})
