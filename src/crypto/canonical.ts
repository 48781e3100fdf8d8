// The one byte encoding of everything that is signed or bound as associated data. It must be
// injective: two different (label, fields) lists must never give the same bytes, or a
// signature over one could be presented as a signature over the other (["ab","c"] vs
// ["a","bc"], "1" vs 1, null vs ""). So every item is self-delimiting — a type tag and a
// length — and the label is the first item, with its own tag. See docs/FORMAT.md.

export type Field = string | Uint8Array | number | boolean | null

/** Type tags. Part of the format: never renumber. */
export const Tag = {
  LABEL: 0x00,
  STRING: 0x01,
  BYTES: 0x02,
  INTEGER: 0x03,
  BOOLEAN: 0x04,
  NULL: 0x05,
} as const

const MAX_LENGTH = 0xffffffff
const utf8 = new TextEncoder()

// A lone surrogate would be replaced by U+FFFD when encoded, so two different JS strings
// would give the same bytes; refuse them instead of silently merging them.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

function encodeString(what: string, value: string): Uint8Array {
  if (LONE_SURROGATE.test(value)) throw new TypeError(`canonical encoding: ${what} is not well-formed unicode`)
  return utf8.encode(value)
}

function item(tag: number, body: Uint8Array): Uint8Array {
  if (body.length > MAX_LENGTH) throw new RangeError('canonical encoding: field too long')
  const out = new Uint8Array(5 + body.length)
  out[0] = tag
  new DataView(out.buffer).setUint32(1, body.length, false)
  out.set(body, 5)
  return out
}

function encodeField(field: Field, index: number): Uint8Array {
  if (field === null) return item(Tag.NULL, new Uint8Array(0))
  if (typeof field === 'string') return item(Tag.STRING, encodeString(`field ${index}`, field))
  if (field instanceof Uint8Array) return item(Tag.BYTES, field)
  if (typeof field === 'boolean') return item(Tag.BOOLEAN, Uint8Array.of(field ? 1 : 0))
  if (typeof field === 'number') {
    // Decimal text rather than a fixed-width binary integer: no endianness or width to agree
    // on, and the safe-integer check keeps floats (whose text form varies) out of signatures.
    if (!Number.isSafeInteger(field)) throw new RangeError(`canonical encoding: field ${index} is not a safe integer`)
    return item(Tag.INTEGER, utf8.encode(String(field)))
  }
  throw new TypeError(`canonical encoding: field ${index} has an unsupported type`)
}

export function canonicalEncode(label: string, fields: readonly Field[]): Uint8Array {
  if (typeof label !== 'string' || label.length === 0) throw new TypeError('canonical encoding: label must be a non-empty string')
  const parts = [item(Tag.LABEL, encodeString('label', label)), ...fields.map(encodeField)]
  const out = new Uint8Array(parts.reduce((n, part) => n + part.length, 0))
  let offset = 0
  for (const part of parts) {
    out.set(part, offset)
    offset += part.length
  }
  return out
}
