// The public API of src/crypto. Call `await loadSodium()` once before anything else here.
import {randomBytes} from './primitives.js'

export {loadSodium} from './sodium.js'
export {Identity, IDENTITY_HRP} from './identity.js'
export {Recipient, RECIPIENT_HRP} from './recipient.js'
export {
  type ValueContext, valueAssociatedData, encryptValue, decryptValue, generateDataKey,
  type OpValueContext, opValueAssociatedData, encryptOpValue, decryptOpValue,
} from './envelope.js'
export {type Field, canonicalEncode} from './canonical.js'
export {type Json, CanonicalJsonError, canonicalJson, encodeCanonicalJson, decodeCanonicalJson} from './canonical-json.js'
export {keyCommitment, matchesCommitment, COMMITMENT_BYTES} from './key-commitment.js'
export * from './labels.js'
export {DecryptionFailed, InvalidKeyText} from './errors.js'
export {randomBytes, wipe, hash, constantTimeEqual, KEY_BYTES, NONCE_BYTES, SEED_BYTES} from './primitives.js'

/**
 * A random id: 16 random bytes as lower-case hex (vault ids; format-1 row ids). Random rather
 * than a counter so that copies of a vault changed on different branches never collide.
 */
export function randomId(): string {
  return Buffer.from(randomBytes(16)).toString('hex')
}

/** Lower-case hex. */
export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex')
}

export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64')
}

/** Strict: only the canonical base64 spelling of some bytes (padded, no whitespace). */
export function fromBase64(text: string): Uint8Array | undefined {
  if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(text)) return undefined
  const bytes = Buffer.from(text, 'base64')
  return bytes.toString('base64') === text ? new Uint8Array(bytes) : undefined
}
