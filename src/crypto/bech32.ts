// Bech32 (BIP-173) for the printed forms of identities and recipients: a human-readable
// prefix says what the string is, and the BCH checksum catches typos (any single wrong
// character, and any 4 within the lengths we use, is detected). Written from the BIP; it is an
// encoding, not cryptography.
//
// Two deliberate differences from BIP-173, both as age does:
// - no 90-character limit on the whole string (the BIP's limit exists for the error-detection
//   guarantee at that length; our strings are shorter anyway, and longer payloads stay legal);
// - this module works on bytes (8-bit groups regrouped to 5-bit words), not segwit programs.
// Case follows the BIP: decoding accepts all-lower or all-upper and rejects mixed case, and the
// checksum is over the lower-case form, so 'SECRETS-IDENTITY-1…' and its lower case decode alike.
// Error messages never quote the input: it may be a pasted secret.

const CHARSET = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l'
const GENERATOR = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3]
const CHECKSUM_LENGTH = 6
const MAX_HRP_LENGTH = 83

const CHARSET_REVERSE = new Map<string, number>([...CHARSET].map((c, i) => [c, i]))

/** Why a string is not valid bech32. `checksum` is the typo case; callers word it for users. */
export type Bech32Problem = 'checksum' | 'format'

export class Bech32Error extends Error {
  readonly problem: Bech32Problem
  constructor(problem: Bech32Problem, message: string) {
    super(message)
    this.name = 'Bech32Error'
    this.problem = problem
  }
}

function polymod(values: number[]): number {
  let chk = 1
  for (const value of values) {
    const top = chk >>> 25
    chk = ((chk & 0x1ffffff) << 5) ^ value
    for (let i = 0; i < 5; i++) {
      if ((top >>> i) & 1) chk ^= GENERATOR[i] as number
    }
  }
  return chk >>> 0
}

function hrpExpand(hrp: string): number[] {
  const high: number[] = []
  const low: number[] = []
  for (let i = 0; i < hrp.length; i++) {
    const c = hrp.charCodeAt(i)
    high.push(c >>> 5)
    low.push(c & 31)
  }
  return [...high, 0, ...low]
}

function createChecksum(hrp: string, words: number[]): number[] {
  const mod = polymod([...hrpExpand(hrp), ...words, 0, 0, 0, 0, 0, 0]) ^ 1
  const out: number[] = []
  for (let i = 0; i < CHECKSUM_LENGTH; i++) out.push((mod >>> (5 * (5 - i))) & 31)
  return out
}

function checkHrp(hrp: string): void {
  if (hrp.length < 1 || hrp.length > MAX_HRP_LENGTH) {
    throw new Bech32Error('format', `human-readable part must be 1 to ${MAX_HRP_LENGTH} characters`)
  }
  for (let i = 0; i < hrp.length; i++) {
    const c = hrp.charCodeAt(i)
    if (c < 33 || c > 126) throw new Bech32Error('format', `invalid character in human-readable part at position ${i}`)
  }
}

/**
 * Encode 5-bit words. The output has the case of `hrp` (which must not be mixed case): pass an
 * upper-case prefix to get an upper-case string.
 */
export function encodeWords(hrp: string, words: readonly number[]): string {
  checkHrp(hrp)
  const lower = hrp.toLowerCase()
  const upper = hrp.toUpperCase()
  if (hrp !== lower && hrp !== upper) throw new Bech32Error('format', 'mixed-case human-readable part')
  for (const word of words) {
    if (!Number.isInteger(word) || word < 0 || word > 31) throw new RangeError('bech32 words must be 0..31')
  }
  const all = [...words, ...createChecksum(lower, [...words])]
  const text = `${lower}1${all.map((w) => CHARSET[w]).join('')}`
  return hrp === lower ? text : text.toUpperCase()
}

/** Decode to 5-bit words. The returned hrp keeps the case it was written in. */
export function decodeWords(text: string): {hrp: string; words: number[]} {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c < 33 || c > 126) throw new Bech32Error('format', `invalid character at position ${i}`)
  }
  const lower = text.toLowerCase()
  if (text !== lower && text !== text.toUpperCase()) throw new Bech32Error('format', 'mixed case')
  const separator = lower.lastIndexOf('1')
  if (separator === -1) throw new Bech32Error('format', 'no separator')
  if (separator === 0) throw new Bech32Error('format', 'empty human-readable part')
  if (separator > MAX_HRP_LENGTH) throw new Bech32Error('format', 'human-readable part too long')
  if (lower.length - separator - 1 < CHECKSUM_LENGTH) throw new Bech32Error('format', 'too short for a checksum')
  const words: number[] = []
  for (let i = separator + 1; i < lower.length; i++) {
    const word = CHARSET_REVERSE.get(lower.charAt(i))
    if (word === undefined) throw new Bech32Error('format', `invalid character at position ${i}`)
    words.push(word)
  }
  const hrpLower = lower.slice(0, separator)
  if (polymod([...hrpExpand(hrpLower), ...words]) !== 1) {
    throw new Bech32Error('checksum', 'checksum mismatch')
  }
  return {hrp: text.slice(0, separator), words: words.slice(0, -CHECKSUM_LENGTH)}
}

/** Regroup bits (BIP-173 convertbits). Without `pad`, leftover bits must be fewer than `from` and zero. */
function convertBits(data: readonly number[], from: number, to: number, pad: boolean): number[] {
  let acc = 0
  let bits = 0
  const out: number[] = []
  const maxv = (1 << to) - 1
  for (const value of data) {
    acc = (acc << from) | value
    bits += from
    while (bits >= to) {
      bits -= to
      out.push((acc >>> bits) & maxv)
    }
    acc &= (1 << bits) - 1
  }
  if (pad) {
    if (bits > 0) out.push((acc << (to - bits)) & maxv)
  } else if (bits >= from || ((acc << (to - bits)) & maxv) !== 0) {
    // Non-canonical padding: two strings must never decode to the same bytes.
    throw new Bech32Error('format', 'invalid padding')
  }
  return out
}

/** Bytes to 5-bit words, zero-padded (for callers that mix in non-byte words, like segwit). */
export function toWords(bytes: Uint8Array): number[] {
  return convertBits([...bytes], 8, 5, true)
}

/** 5-bit words to bytes; rejects non-zero or over-long padding. */
export function fromWords(words: readonly number[]): Uint8Array {
  return Uint8Array.from(convertBits(words, 5, 8, false))
}

export function encode(hrp: string, bytes: Uint8Array): string {
  return encodeWords(hrp, toWords(bytes))
}

export function decode(text: string): {hrp: string; bytes: Uint8Array} {
  const {hrp, words} = decodeWords(text)
  return {hrp, bytes: fromWords(words)}
}
