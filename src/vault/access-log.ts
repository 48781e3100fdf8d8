// The signed log of rule, group and revocation changes. Append-only: a client pins the entries
// it has seen, so a copy of the vault that lost some is refused (pins.ts).
import {LOG_SIG, randomId} from '../crypto/index.js'
import type {Signed} from './records.js'
import type {Session} from './session.js'
import type {Vault} from './vault.js'

export type LogKind = 'rule.set' | 'group.set' | 'member.revoke'

export interface LogRow {
  id: string
  kind: LogKind
  subject: string
  data: string
  created_at: string
  author_id: string
  signature: Uint8Array
}

export function logSigned(vaultId: string, e: Omit<LogRow, 'signature'>): Signed {
  return {label: LOG_SIG, fields: [vaultId, e.id, e.kind, e.subject, e.data, e.created_at, e.author_id]}
}

/** Every entry, oldest first, each signature checked against its author's key. */
export function readLog(vault: Vault): LogRow[] {
  const rows = vault.db.prepare('SELECT * FROM log ORDER BY created_at, id').all() as LogRow[]
  for (const row of rows) vault.verify(`access log entry ${row.kind} ${row.subject}`, row.author_id, logSigned(vault.id, row), row.signature)
  return rows
}

/** Call inside a write transaction. */
export function appendLog(session: Session, kind: LogKind, subject: string, data: object, createdAt: string): LogRow {
  const unsigned = {id: randomId(), kind, subject, data: canonicalJson(data), created_at: createdAt, author_id: session.member.id}
  const signed = logSigned(session.vault.id, unsigned)
  const row: LogRow = {...unsigned, signature: session.identity.sign(signed.label, signed.fields)}
  session.vault.db
    .prepare('INSERT INTO log (id, kind, subject, data, created_at, author_id, signature) VALUES (@id, @kind, @subject, @data, @created_at, @author_id, @signature)')
    .run(row)
  return row
}

/** JSON with sorted keys: the signed bytes do not depend on how an object was built. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v,
  )
}
