// A data key's commitment: a hash of the key, stored (and signed) beside the sealed copies.
// A sealed box anyone can write (crypto_box_seal needs no sender key), so a reader uses an
// opened key only when it matches the commitment its author signed: a box swapped for one
// holding a key someone else knows is refused instead of silently used.
import {canonicalEncode} from './canonical.js'
import {KEY_COMMITMENT_V2} from './labels.js'
import {constantTimeEqual, hash} from './primitives.js'

export const COMMITMENT_BYTES = 32

export function keyCommitment(key: Uint8Array): Uint8Array {
  return hash(canonicalEncode(KEY_COMMITMENT_V2, [key]), COMMITMENT_BYTES)
}

export function matchesCommitment(key: Uint8Array, commitment: Uint8Array): boolean {
  return constantTimeEqual(keyCommitment(key), commitment)
}
