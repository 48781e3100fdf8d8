import {randomId} from '../crypto/index.js'
import type {Session} from './session.js'
import type {Vault} from './vault.js'

/** Signed like every other row: an exposure mark is not to be added or removed quietly. */
const EXPOSURE_SIG = 'secrets/v1/exposure'

export interface ExposureRow {
  id: string
  secret_id: string
  member_id: string
  created_at: string
  author_id: string
  signature: Uint8Array
}

function fields(vaultId: string, e: Omit<ExposureRow, 'signature'>) {
  return [vaultId, e.id, e.secret_id, e.member_id, e.created_at, e.author_id]
}

/** Marks a secret as readable by someone who lost access: exposed until its value is rotated. */
export function markExposed(session: Session, secretId: string, memberId: string, createdAt: string): void {
  const row = {id: randomId(), secret_id: secretId, member_id: memberId, created_at: createdAt, author_id: session.member.id}
  const signature = session.identity.sign(EXPOSURE_SIG, fields(session.vault.id, row))
  session.vault.db
    .prepare('INSERT INTO exposures (id, secret_id, member_id, created_at, author_id, signature) VALUES (@id, @secret_id, @member_id, @created_at, @author_id, @signature)')
    .run({...row, signature})
}

/** A secret is exposed when a mark is newer than its current version. */
export function isExposed(vault: Vault, secretId: string, currentVersionAt: string): boolean {
  const rows = vault.db.prepare('SELECT * FROM exposures WHERE secret_id = ? AND created_at >= ?').all(secretId, currentVersionAt) as ExposureRow[]
  return rows.some((row) => {
    vault.verify('an exposure mark', row.author_id, {label: EXPOSURE_SIG, fields: fields(vault.id, row)}, row.signature)
    return true
  })
}

