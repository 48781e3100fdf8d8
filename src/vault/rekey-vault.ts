import {encryptValue, randomId, wipe} from '../crypto/index.js'
import {denied} from '../errors.js'
import {type EpochRow, type SecretRow, type VersionRow, epochSigned, versionSigned} from './records.js'
import {decryptVersion} from './read-secret.js'
import {stampAfter} from './secret-rows.js'
import type {Session} from './session.js'

export interface RekeyResult {
  epochId: string
  versions: number
  scopes: number
}

/**
 * `rotate --key`: a new key epoch with new data keys for every scope, every stored version
 * (current and history, removed secrets' too) re-encrypted under them and the keys sealed to
 * every reader, in ONE transaction: a crash at any moment leaves the old vault or the new one.
 */
export function rekeyVault(session: Session, now: Date, onProgress?: (done: number, total: number) => void): RekeyResult {
  const {vault, identity, member} = session
  if (member.role !== 'owner' && member.role !== 'maintainer') {
    throw denied(`${member.name} (${member.role}) may not re-key the vault`, 'owners and maintainers can run `secrets rotate --key`')
  }

  return vault.write(() => {
    const latest = session.currentEpoch()
    const unsigned = {id: randomId(), created_at: stampAfter(now, latest?.created_at), author_id: member.id}
    const signed = epochSigned(vault.id, unsigned)
    const epoch: EpochRow = {...unsigned, signature: identity.sign(signed.label, signed.fields)}
    vault.db.prepare('INSERT INTO key_epochs (id, created_at, author_id, signature) VALUES (@id, @created_at, @author_id, @signature)').run(epoch)

    const rows = vault.db
      .prepare(
        `SELECT v.id AS v_id, s.id AS s_id FROM versions v JOIN secrets s ON s.id = v.secret_id ORDER BY v.created_at, v.id`,
      )
      .all() as {v_id: string; s_id: string}[]
    const secretById = new Map<string, SecretRow>()
    const getSecret = vault.db.prepare('SELECT * FROM secrets WHERE id = ?')
    const getVersion = vault.db.prepare('SELECT * FROM versions WHERE id = ?')
    const update = vault.db.prepare(
      'UPDATE versions SET data_key_id = @data_key_id, nonce = @nonce, ciphertext = @ciphertext, signer_id = @signer_id, signature = @signature WHERE id = @id',
    )
    const scopes = new Set<string>()
    rows.forEach((row, index) => {
      let secret = secretById.get(row.s_id)
      if (!secret) {
        secret = getSecret.get(row.s_id) as SecretRow
        secretById.set(row.s_id, secret)
        vault.verifySecret(secret)
      }

      const version = getVersion.get(row.v_id) as VersionRow
      const value = decryptVersion(session, secret, version)
      const {row: dataKey, key} = session.dataKeyForScope(secret.environment, secret.branch, epoch.created_at)
      scopes.add(dataKey.id)
      const {nonce, ciphertext} = encryptValue(
        key,
        {
          vaultId: vault.id, secretId: secret.id, versionId: version.id, name: secret.name,
          environment: secret.environment, branch: secret.branch, epochId: epoch.id, dataKeyId: dataKey.id,
        },
        value,
      )
      wipe(value)
      const next = {...version, data_key_id: dataKey.id, nonce, ciphertext, signer_id: member.id}
      const versionSig = versionSigned(vault.id, secret, next)
      update.run({...next, signature: identity.sign(versionSig.label, versionSig.fields)})
      onProgress?.(index + 1, rows.length)
    })

    // Every scope that had a key keeps one in the new epoch, even with no values yet.
    const oldScopes = vault.db.prepare('SELECT DISTINCT environment, branch FROM data_keys WHERE epoch_id != ?').all(epoch.id) as {environment: string; branch: string}[]
    for (const scope of oldScopes) scopes.add(session.dataKeyForScope(scope.environment, scope.branch, epoch.created_at).row.id)
    return {epochId: epoch.id, versions: rows.length, scopes: scopes.size}
  })
}
