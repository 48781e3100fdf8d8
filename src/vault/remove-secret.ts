import {randomId} from '../crypto/index.js'
import {type SecretRow, tombstoneSigned} from './records.js'
import {rowsOfScope} from './secret-rows.js'
import {type SecretSummary, summarize} from './secret-summary.js'
import type {Session} from './session.js'
import {describeSecret} from './vault.js'

/** Removes a secret with a signed tombstone; its versions stay (encrypted) until `disable`. */
export function removeSecret(session: Session, secret: SecretRow, now: Date): SecretSummary {
  const {vault} = session
  session.require('delete', secret)
  vault.verifySecret(secret)
  const summary = summarize(vault, secret, now)
  // Every row of the scope: after a merge one secret can have two (see liveSecrets).
  vault.write(() => {
    for (const row of rowsOfScope(vault, secret)) insertTombstone(session, row, now.toISOString())
  })
  return summary
}

/** Call inside a transaction, checks done. */
export function insertTombstone(session: Session, secret: SecretRow, createdAt: string): void {
  const {vault, identity, member} = session
  const unsigned = {id: randomId(), secret_id: secret.id, created_at: createdAt, author_id: member.id}
  const signed = tombstoneSigned(session.vault.id, secret, unsigned)
  vault.db
    .prepare('INSERT INTO tombstones (id, secret_id, created_at, author_id, signature) VALUES (@id, @secret_id, @created_at, @author_id, @signature)')
    .run({...unsigned, signature: identity.sign(signed.label, signed.fields)})
}
