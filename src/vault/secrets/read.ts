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
