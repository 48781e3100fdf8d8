// Domain-separation labels. Each signed message and each AEAD associated data starts with one
// of these (see canonical.ts), so a signature or ciphertext made for one purpose can never be
// accepted for another, and a future format can change the version part without ambiguity.
// Changing any of these strings breaks every existing vault: they are part of the format.

/** Associated data of an encrypted secret value (envelope.ts). */
export const VALUE_AD = 'secrets/v1/value'
/** Signature over a secret version row. */
export const VERSION_SIG = 'secrets/v1/version'
/** Signature over a secret row (name, scope, metadata). */
export const SECRET_SIG = 'secrets/v1/secret'
/** Signature over a tombstone (a removed secret). */
export const TOMBSTONE_SIG = 'secrets/v1/tombstone'
/** Signature over a membership change. */
export const MEMBER_SIG = 'secrets/v1/member'
/** Signature over a permission rule change. */
export const RULE_SIG = 'secrets/v1/rule'
/** Signature over an entry of the vault's append-only log. */
export const LOG_SIG = 'secrets/v1/log'
/** Hash prefix of a recipient's fingerprint (not a signature). */
export const FINGERPRINT = 'secrets/v1/fingerprint'
/** Signature over a data key sealed to one reader (who sealed what, for which scope and epoch). */
export const DATA_KEY_SIG = 'secrets/v1/data-key'
/** Hash prefix of a data key's commitment, signed in its row so a swapped sealed copy is caught. */
export const KEY_COMMITMENT = 'secrets/v1/key-commitment'

// Format 2 (vault operations; see docs/FORMAT.md section 6).

/** Hash prefix of an operation's id: BLAKE2b-256 of canonicalEncode(OP_ID, [body]). */
export const OP_ID = 'secrets/v2/op-id'
/** Signature over an operation's body by its author. */
export const OP_SIG = 'secrets/v2/op'
/** Associated data of a value encrypted in a format-2 operation. */
export const VALUE_AD_V2 = 'secrets/v2/value'
/** Hash prefix of a format-2 data key's commitment. */
export const KEY_COMMITMENT_V2 = 'secrets/v2/key-commitment'
