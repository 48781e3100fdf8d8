// The text `git diff` and `git log -p` show for a vault (the `diff.secrets.textconv` driver):
// stable, line-oriented, sorted, so a change reads as a few changed lines. Metadata only:
// never a value, nonce, ciphertext, sealed key, commitment or signature. Needs no identity.
import {Recipient} from '../../crypto/recipient.js'
import type {Database} from '../../vault/store/database.js'
import {quoteId, tableNames} from '../vault-file.js'
import {printable} from '../../terminal/printable.js'

/** The tables this renderer knows; any other table is shown by its row count. */
const KNOWN_TABLES = new Set(['meta', 'members', 'key_epochs', 'data_keys', 'sealed_keys', 'secrets', 'versions', 'tombstones'])

type Row = Record<string, unknown>

/** The lines for an open format-1 vault file. */
export function renderFormat1(db: Database): string[] {
  return render(db)
}

function render(db: Database): string[] {
  const tables = new Set(tableNames(db))
  const rows = (table: string, order: string): Row[] => (tables.has(table) ? (db.prepare(`SELECT * FROM ${quoteId(table)} ORDER BY ${order}`).all() as Row[]) : [])
  const out: string[] = []

  const meta = new Map(rows('meta', 'key').map((r) => [str(r.key), str(r.value)]))
  out.push(`vault ${clean(meta.get('vault_id') ?? '(no id)')}`, `schema ${String(db.pragma('user_version', {simple: true}))}`)
  if (meta.has('created_at')) out.push(`created ${clean(meta.get('created_at')!)}`)
  for (const key of [...meta.keys()].filter((k) => k !== 'vault_id' && k !== 'created_at')) out.push(`meta ${clean(key)}`)

  const members = rows('members', 'created_at, id')
  const names = new Map(members.map((m) => [str(m.id), clean(str(m.name))]))
  const who = (id: unknown) => names.get(str(id)) ?? `unknown member ${clean(str(id).slice(0, 8))}`
  out.push('', `members (${members.length})`)
  for (const m of members) {
    const limits = m.environment === '*' && m.branch === '*' ? '' : `  environment ${clean(str(m.environment))} branch ${clean(str(m.branch))}`
    out.push(`  ${who(m.id)}  ${clean(str(m.kind))}  ${clean(str(m.role))}  fingerprint ${fingerprint(m.recipient)}${limits}  added ${clean(str(m.created_at))} by ${who(m.author_id)}`)
  }

  // Epochs are numbered by their order, as versions are: the numbers are derived, never stored.
  const epochs = rows('key_epochs', 'created_at, id')
  const epochNumber = new Map(epochs.map((e, i) => [str(e.id), i + 1]))
  const dataKeys = rows('data_keys', 'environment, branch, created_at, id')
  const epochOfKey = new Map(dataKeys.map((k) => [str(k.id), epochNumber.get(str(k.epoch_id))]))
  const readers = new Map<string, string[]>()
  for (const s of rows('sealed_keys', 'id')) {
    const list = readers.get(str(s.data_key_id)) ?? []
    list.push(who(s.member_id))
    readers.set(str(s.data_key_id), list)
  }

  out.push('', `key epochs (${epochs.length})`)
  for (const e of epochs) {
    out.push(`  epoch ${epochNumber.get(str(e.id))}  ${clean(str(e.created_at))} by ${who(e.author_id)}`)
    for (const k of dataKeys.filter((d) => d.epoch_id === e.id)) {
      const sealedTo = (readers.get(str(k.id)) ?? []).sort()
      out.push(`    data key environment ${clean(str(k.environment))} branch ${clean(str(k.branch))}  sealed to ${sealedTo.length > 0 ? sealedTo.join(', ') : 'nobody'}`)
    }
  }

  const secrets = rows('secrets', 'name, environment, branch, created_at, id')
  const versions = group(rows('versions', 'created_at, id'), 'secret_id')
  const tombstones = group(rows('tombstones', 'created_at, id'), 'secret_id')
  out.push('', `secrets (${secrets.length})`)
  for (const s of secrets) {
    const removed = tombstones.get(str(s.id)) ?? []
    out.push(`  ${clean(str(s.name))}  environment ${clean(str(s.environment))}  branch ${clean(str(s.branch))}${removed.length > 0 ? '  REMOVED' : ''}`)
    if (s.description !== null && s.description !== undefined) out.push(`    description ${printable(JSON.stringify(str(s.description)))}`)
    out.push(`    flags ${flags(s)}`)
    if (s.rotation_days !== null && s.rotation_days !== undefined) out.push(`    rotation every ${str(s.rotation_days)} days`)
    if (s.ref !== null && s.ref !== undefined) out.push(`    ref ${clean(str(s.ref))}`)
    out.push(`    created ${clean(str(s.created_at))} by ${who(s.author_id)}`)
    const list = versions.get(str(s.id)) ?? []
    list.forEach((v, i) => {
      const epoch = epochOfKey.get(str(v.data_key_id))
      const reencrypted = v.signer_id !== v.author_id ? ` (re-encrypted by ${who(v.signer_id)})` : ''
      const current = i === list.length - 1 ? '  current' : ''
      out.push(`    version ${i + 1}  ${clean(str(v.created_at))} by ${who(v.author_id)}  key epoch ${epoch ?? '?'}${reencrypted}${current}`)
    })
    for (const t of removed) out.push(`    removed ${clean(str(t.created_at))} by ${who(t.author_id)}`)
  }

  // Tables added by later schema versions: their row counts at least, so a change shows.
  const others = [...tables].filter((t) => !KNOWN_TABLES.has(t))
  if (others.length > 0) {
    out.push('', 'other tables')
    for (const table of others) {
      const {n} = db.prepare(`SELECT count(*) AS n FROM ${quoteId(table)}`).get() as {n: number}
      out.push(`  ${clean(table)}: ${n} ${n === 1 ? 'row' : 'rows'}`)
    }
  }

  return out
}

function flags(s: Row): string {
  const set = (['variable', 'file', 'protected'] as const).filter((f) => s[f] === 1)
  return set.length > 0 ? set.join(' ') : 'none'
}

function fingerprint(recipient: unknown): string {
  try {
    return Recipient.parse(str(recipient)).fingerprint
  } catch {
    return '(invalid recipient)'
  }
}

function group(rows: Row[], key: string): Map<string, Row[]> {
  const map = new Map<string, Row[]>()
  for (const row of rows) {
    const k = str(row[key])
    const list = map.get(k) ?? []
    list.push(row)
    map.set(k, list)
  }

  return map
}

function str(value: unknown): string {
  if (value === null || value === undefined) return ''
  if (Buffer.isBuffer(value)) return `(${value.length} bytes)`
  return String(value)
}

/** One line stays one line: control characters (C0, C1, DEL, bidi) in names or scopes are escaped. */
const clean = printable
