import {decryptValue} from '../crypto/index.js'
import {DecryptionFailed} from '../crypto/errors.js'
import {integrity} from '../errors.js'
import {type SecretRow, type VersionRow, versionSigned} from './records.js'
import {versionsOf} from './secret-rows.js'
import type {Session} from './session.js'
import {RESTORE_HINT, describeSecret} from './vault.js'

export interface RevealedValue {
  secret: SecretRow
  version: VersionRow
  /** 1-based, derived from the versions' order. */
  versionNumber: number
  value: Uint8Array
}

/**
 * Decrypts a secret's current value after checking every signature on the way: the secret's
 * row, the version's row (which covers the ciphertext), and the data key's.
 */
export function readCurrentValue(session: Session, secret: SecretRow): RevealedValue {
  session.require('read', secret)
  const {vault} = session
  const what = describeSecret(secret)
  vault.verifySecret(secret)
  const versions = versionsOf(vault, secret.id)
  const version = versions.at(-1)
  if (!version) throw integrity(`integrity check failed for ${what}: it has no value`, RESTORE_HINT)
  return {secret, version, versionNumber: versions.length, value: decryptVersion(session, secret, version)}
}

export function decryptVersion(session: Session, secret: SecretRow, version: VersionRow): Uint8Array {
  const {vault} = session
  const what = describeSecret(secret)
  vault.verify(what, version.signer_id, versionSigned(vault.id, secret, version), version.signature)
  const first = vault.db.prepare('SELECT id FROM versions WHERE secret_id = ? ORDER BY created_at, id LIMIT 1').get(secret.id) as {id: string}
  vault.checkAuthority(what, version.author_id, first.id === version.id ? 'create' : 'update', secret, version.created_at)
  if (version.signer_id !== version.author_id) {
    // Only a re-key re-signs someone else's version, and only owners and maintainers re-key.
    const signer = vault.member(version.signer_id)
    if (signer?.role !== 'owner' && signer?.role !== 'maintainer') {
      throw integrity(`integrity check failed for ${what}: re-encrypted by ${signer?.name ?? 'an unknown member'}, who may not re-key`, RESTORE_HINT)
    }
  }

  const dataKey = vault.db.prepare('SELECT epoch_id, environment, branch FROM data_keys WHERE id = ?').get(version.data_key_id) as
    | {epoch_id: string; environment: string; branch: string}
    | undefined
  if (!dataKey || dataKey.environment !== secret.environment || dataKey.branch !== secret.branch) {
    throw integrity(`integrity check failed for ${what}: its value is under another scope's key`, RESTORE_HINT)
  }

  const key = session.dataKey(version.data_key_id, what)
  try {
    return decryptValue(
      key,
      {
        vaultId: vault.id, secretId: secret.id, versionId: version.id, name: secret.name,
        environment: secret.environment, branch: secret.branch, epochId: dataKey.epoch_id, dataKeyId: version.data_key_id,
      },
      version.nonce,
      version.ciphertext,
    )
  } catch (error) {
    if (error instanceof DecryptionFailed) {
      throw integrity(`integrity check failed for ${what}: the value does not decrypt in its place`, RESTORE_HINT)
    }

    throw error
  }
}
