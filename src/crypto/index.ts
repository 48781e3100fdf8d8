// The public API of src/crypto. Call `await loadSodium()` once before anything else here.
import {randomBytes} from './primitives.js'

export {loadSodium} from './sodium.js'
export {Identity, IDENTITY_HRP} from './identity.js'
export {Recipient, RECIPIENT_HRP} from './recipient.js'
export {type ValueContext, valueAssociatedData, encryptValue, decryptValue, generateDataKey} from './envelope.js'
export {type Field, canonicalEncode} from './canonical.js'
export * from './labels.js'
export {DecryptionFailed, InvalidKeyText} from './errors.js'
export {randomBytes, wipe, hash, KEY_BYTES, NONCE_BYTES, SEED_BYTES} from './primitives.js'

/**
 * A row id: 16 random bytes as lower-case hex. Random rather than a counter so that two
 * copies of a vault changed on different branches merge by union without id collisions.
 */
export function randomId(): string {
  return Buffer.from(randomBytes(16)).toString('hex')
}
