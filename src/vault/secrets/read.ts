import {DecryptionFailed, decryptOpValue} from '../../crypto/index.js'
import {integrity} from '../../errors.js'
import {describeSecret} from '../../scope.js'
import type {SecretRecord} from '../access/history.js'
import {openKey} from '../keys/key-material.js'
import {RESTORE_HINT} from '../store/verified-ops.js'
import type {VaultSession} from '../session.js'
import {requireRight} from './rights.js'

/**
 * The current value of a secret: the caller must be allowed to read it today, the key must open
 * to its commitment, and the ciphertext must decrypt in its own operation's context. Never a
 * wrong value: any mismatch is an integrity error naming the secret.
 */
export function readCurrentValue(session: VaultSession, secret: SecretRecord): Uint8Array {
  requireRight(session, 'read', secret)
  // A copy that lacks a revocation this computer saw elsewhere (a branch cut before it) judges
  // the revoked member's work as if nothing happened: their values are not handed out from here.
  const revoked = session.revokedElsewhereBehind(secret.current)
  if (revoked) {
    throw integrity(
      `the current value of ${describeSecret(secret)} was written by ${revoked.name}, or by a member they added, and this computer saw ${revoked.name} revoked in another history of this vault, which this copy lacks`,
      'merge the branch that holds the revocation (e.g. git merge main), or read it there',
    )
  }

  return decryptVersion(session, secret.current)
}

export function decryptVersion(session: VaultSession, index: number): Uint8Array {
  const history = session.history
  const op = history.version(index)
  const {data} = op
  const what = describeSecret(data)
  const keyIndex = typeof data.key === 'string' ? history.indexOf(data.key)! : index
  const key = openKey(session, keyIndex, what)
  const ctx = {
    vaultId: session.vaultId, author: op.author!, parents: op.parents,
    name: data.name, environment: data.environment, branch: data.branch, key: typeof data.key === 'string' ? data.key : 'inline',
  }
  try {
    return decryptOpValue(key, ctx, data.nonce, data.ciphertext)
  } catch (error) {
    if (error instanceof DecryptionFailed) throw integrity(`integrity check failed for ${what}: the value does not decrypt in its place`, RESTORE_HINT)
    throw error
  }
}
