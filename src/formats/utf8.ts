// Values are bytes in the vault and text in every file format. Both directions refuse rather
// than substitute: a replacement character would silently change a secret.
import {usage} from '../errors.js'

// fatal: invalid UTF-8 throws instead of becoming U+FFFD; ignoreBOM: a value that starts with
// U+FEFF keeps it (the default decoder would drop it).
const strictDecoder = new TextDecoder('utf-8', {fatal: true, ignoreBOM: true})
const encoder = new TextEncoder()

// A lone surrogate (possible in JSON's `\ud800` or in a badly decoded file) has no UTF-8 form;
// TextEncoder would write U+FFFD for it.
const LONE_SURROGATE = /\p{Surrogate}/u

/** The value as text, or a usage error naming the secret (never showing the value). */
export function decodeValue(name: string, value: Uint8Array, format: string): string {
  try {
    return strictDecoder.decode(value)
  } catch {
    throw usage(
      `cannot export ${name} as ${format}: its value is not valid utf-8`,
      'text formats can only carry text values; leave binary secrets in the vault or store them base64-encoded',
    )
  }
}

/** The text as UTF-8 bytes; `where` names the position in the file for the error. */
export function encodeValue(where: string, text: string): Uint8Array {
  if (LONE_SURROGATE.test(text)) throw usage(`${where}: the value is not valid unicode (a lone surrogate)`)
  return encoder.encode(text)
}
