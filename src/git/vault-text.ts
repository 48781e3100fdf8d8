// The text `git diff` and `git log -p` show for a vault (the `diff.secrets.textconv` driver):
// stable, line-oriented, so a change reads as a few changed lines. Metadata only: never a
// value, nonce, ciphertext, sealed key, commitment or signature. Needs no identity.
//
// The schema comes first: a commit that adds a trigger or a table to vault.db shows it here,
// with its SQL, though every command refuses such a file. A history that fails its integrity
// checks says so and shows what it can.
import {Recipient} from '../crypto/index.js'
import {SecretsError} from '../errors.js'
import {describeScope} from '../scope.js'
import {describeOp} from '../vault/access/describe.js'
import type {History} from '../vault/access/history.js'
import {versionStamp} from '../vault/secrets/summary.js'
import type {Database} from '../vault/store/database.js'
import {historyOf} from '../vault/load-history.js'
import {type StoredOp, readOps} from '../vault/store/op-table.js'
import {shortId} from '../vault/store/operations.js'
import {FORMAT1_SCHEMA_VERSIONS, SCHEMA_VERSION, describeObject, schemaDifferences} from '../vault/store/schema.js'
import {renderFormat1} from './format1/vault-text-format1.js'
import {openReadOnly, tableNames} from './vault-file.js'
import {printable} from '../terminal/printable.js'

/** The lines for the vault file at `path`; none for a file that is not a vault (or is empty). */
export function renderVaultText(path: string): string[] {
  const opened = openReadOnly(path)
  if (!opened.ok) return []
  try {
    const version = opened.db.pragma('user_version', {simple: true}) as number
    const schema = schemaLines(opened.db, version)
    if (FORMAT1_SCHEMA_VERSIONS.includes(version)) return [...renderFormat1(opened.db), ...(schema[0] === 'schema as secrets makes it' ? [] : ['', ...schema])]
    return render(opened.db, version, schema)
  } finally {
    opened.db.close()
  }
}

function schemaLines(db: Database, version: number): string[] {
  if (version !== SCHEMA_VERSION && !FORMAT1_SCHEMA_VERSIONS.includes(version)) return [`schema ${version} (unknown to this secrets)`]
  const {extra, missing} = schemaDifferences(db, version)
  if (extra.length === 0 && missing.length === 0) return ['schema as secrets makes it']
  return [
    'schema NOT as secrets makes it (every command refuses this file):',
    ...extra.map((o) => `  unexpected ${describeObject(o)}: ${clean(o.sql ?? '(no sql)')}`),
    ...missing.map((o) => `  missing ${describeObject(o)}`),
  ]
}

function render(db: Database, version: number, schema: string[]): string[] {
  const meta = tableNames(db).includes('meta') ? (db.prepare(`SELECT value FROM meta WHERE key = 'vault_id'`).get() as {value: string} | undefined) : undefined
  const vaultId = meta?.value ?? '(no id)'
  const out = [`vault ${clean(vaultId)}`, `format 2 (schema ${version})`, ...schema]
  let rows: StoredOp[] = []
  try {
    rows = tableNames(db).includes('ops') ? readOps(db) : []
  } catch {
    return [...out, 'operations: unreadable']
  }

  let history: History
  try {
    history = historyOf(rows, vaultId)
  } catch (error) {
    const message = error instanceof SecretsError ? error.message : (error as Error).message
    return [...out, `operations ${rows.length}`, `INTEGRITY: ${clean(message)}`]
  }

  return [...out, ...renderHistory(history)]
}

export function renderHistory(history: History): string[] {
  const nameOf = (id: string | null) => clean(history.memberName(id))
  const out = [`operations ${history.ops.length}, heads ${history.heads.map(shortId).sort().join(' ')}`]
  const {access} = history

  const members = history.allMembers()
  out.push('', `members (${members.length})`)
  for (const m of members) {
    const limits = m.environment === '*' && m.branch === '*' ? '' : `  limited to ${clean(describeScope(m))}`
    const status = access.isActive(m) ? '' : '  REVOKED'
    out.push(`  ${clean(m.name)}  ${m.kind}  ${m.role}  fingerprint ${fingerprint(m.recipient)}${limits}  added ${m.at} by ${nameOf(m.addedBy)}${status}`)
  }

  out.push('', `rules (${access.rules.length})`)
  for (const r of [...access.rules].sort((a, b) => (a.principal + a.environment + a.branch < b.principal + b.environment + b.branch ? -1 : 1))) {
    out.push(`  ${clean(r.principal)}  ${r.actions.join(',')}  ${clean(describeScope(r))}`)
  }

  const groups = [...access.groups].filter(([, m]) => m.length > 0).sort(([a], [b]) => (a < b ? -1 : 1))
  if (groups.length > 0) {
    out.push('', `groups (${groups.length})`)
    for (const [name, list] of groups) out.push(`  ${clean(name)}: ${list.map(clean).join(', ')}`)
  }

  out.push('', `protected branches ${access.protectedBranchPatterns().map(clean).join(', ') || 'none'}`)

  const scopes = history.keyScopes().sort((a, b) => (describeScope(a) < describeScope(b) ? -1 : 1))
  out.push('', `keys (${scopes.length} scopes)`)
  for (const scope of scopes) {
    const current = history.currentKey(scope)
    out.push(`  ${clean(describeScope(scope))}`)
    history.keysOf(scope).forEach((index, i) => {
      const op = history.op(index)
      const holders = [...history.holders(index)].map(nameOf).sort()
      out.push(`    key ${i + 1}  ${op.at} by ${nameOf(op.author)}  held by ${holders.join(', ') || 'nobody'}${index === current ? '  current' : ''}`)
    })
  }

  const secrets = history.secrets()
  out.push('', `secrets (${secrets.length})`)
  for (const s of secrets) {
    const current = history.version(s.current).data
    const exposure = history.exposure(s)
    const marks = [s.conflict ? 'CONFLICT' : '', exposure.exposed ? `EXPOSED to ${exposure.to.map(clean).join(', ') || 'a mark'}` : ''].filter(Boolean)
    out.push(`  ${clean(s.name)}  ${clean(describeScope(s))}${marks.length > 0 ? `  ${marks.join('  ')}` : ''}`)
    if (current.description !== null) out.push(`    description ${printable(JSON.stringify(current.description))}`)
    const flags = (['variable', 'file', 'protected'] as const).filter((f) => current[f])
    out.push(`    flags ${flags.length > 0 ? flags.join(' ') : 'none'}`)
    if (current.rotation_days !== null) out.push(`    rotation every ${current.rotation_days} days`)
    if (current.ref !== null) out.push(`    ref ${clean(current.ref)}`)
    s.versions.forEach((index, i) => {
      const stamp = versionStamp(history, index)
      const key = history.version(index).data.key
      out.push(`    version ${i + 1}  ${stamp.at} by ${clean(stamp.author)}  ${typeof key === 'string' ? `key ${shortId(key)}` : 'own key'}${index === s.current ? '  current' : ''}`)
    })
  }

  const voided = history.voided()
  if (voided.length > 0) {
    out.push('', `operations that do not count (${voided.length})`)
    for (const v of voided) out.push(`  ${clean(describeOp(v.op, nameOf))}: ${clean(v.reason)}`)
  }

  return out
}

function fingerprint(recipient: string): string {
  try {
    return Recipient.parse(recipient).fingerprint
  } catch {
    return '(invalid recipient)'
  }
}

/** One line stays one line: control characters (C0, C1, DEL, bidi) in names or scopes are escaped. */
const clean = printable
