// The bytes of a vault operation (format 2): JSON with one spelling for each value, so that
// an operation's id (the hash of its bytes) and its signature cover exactly one meaning.
// Object keys sorted by UTF-16 code units, no whitespace, integers only (safe ones), strings as
// JSON.stringify writes them (lone surrogates escaped, so the text stays well-formed UTF-8).
// Decoding re-encodes and compares: a body in any other spelling is refused, never normalised.

export type Json = null | boolean | number | string | Json[] | {[key: string]: Json}

export class CanonicalJsonError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'CanonicalJsonError'
  }
}

const encoder = new TextEncoder()
const decoder = new TextDecoder('utf-8', {fatal: true})

export function canonicalJson(value: Json): string {
  if (value === null) return 'null'
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false'
    case 'number':
      if (!Number.isSafeInteger(value)) throw new CanonicalJsonError('canonical json: numbers must be safe integers')
      return Object.is(value, -0) ? '0' : String(value)
    case 'string':
      return JSON.stringify(value)
    case 'object': {
      if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
      const proto = Object.getPrototypeOf(value) as unknown
      if (proto !== Object.prototype && proto !== null) throw new CanonicalJsonError('canonical json: only plain objects')
      const keys = Object.keys(value).sort()
      return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key] as Json)}`).join(',')}}`
    }
    default:
      throw new CanonicalJsonError(`canonical json: unsupported ${typeof value}`)
  }
}

export function encodeCanonicalJson(value: Json): Uint8Array {
  return encoder.encode(canonicalJson(value))
}

/** Parses bytes that must be exactly the canonical encoding of what they hold. */
export function decodeCanonicalJson(bytes: Uint8Array): Json {
  let text: string
  let value: Json
  try {
    text = decoder.decode(bytes)
    value = JSON.parse(text) as Json
  } catch {
    throw new CanonicalJsonError('not json')
  }

  // JSON.parse keeps the last of duplicate keys and accepts any spacing or number spelling;
  // the re-encoding differs from the input in every such case.
  let again: string
  try {
    again = canonicalJson(value)
  } catch (error) {
    throw new CanonicalJsonError((error as Error).message)
  }

  if (again !== text) throw new CanonicalJsonError('not in canonical form')
  return value
}
