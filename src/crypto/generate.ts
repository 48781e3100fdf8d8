import {randomBytes, wipe} from './primitives.js'

/** RFC 4648's URL-safe alphabet: 64 characters, so one random byte & 63 picks one without bias. */
const URL_SAFE = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'

/** A random value for `rotate --generate`: `length` characters from libsodium's CSPRNG. */
export function generateValue(length: number): Uint8Array {
  const random = randomBytes(length)
  const out = new Uint8Array(length)
  for (let i = 0; i < length; i++) out[i] = URL_SAFE.charCodeAt(random[i]! & 63)
  wipe(random)
  return out
}
