// What git hands the drivers: paths to vault files, or to files that are not vaults at all
// (`/dev/null`, an empty temp file for an added or deleted path, a vault from another tool).
// These look at a file without changing it: no migration, no journal, no identity.
import {closeSync, existsSync, openSync, readSync, statSync} from 'node:fs'
import {createRequire} from 'node:module'

import type BetterSqlite3 from 'better-sqlite3'

import {APPLICATION_ID, type Database, VAULT_ID} from '../vault/store/database.js'
import {FORMAT1_SCHEMA_VERSIONS} from '../vault/store/schema.js'

const SQLITE_HEADER = Buffer.from('SQLite format 3\0', 'latin1')

const require = createRequire(import.meta.url)

export type VaultProbe =
  | {kind: 'vault'; vaultId: string; schema: number; format: 1 | 2}
  /** Missing, empty, `/dev/null`, not SQLite, or SQLite that is not a vault. */
  | {kind: 'none'; reason: string}

/** Whether `path` is a vault file, and which one. Never throws for a file that is not one. */
export function probeVaultFile(path: string): VaultProbe {
  const db = openReadOnly(path)
  if (!db.ok) return {kind: 'none', reason: db.reason}
  try {
    const schema = db.db.pragma('user_version', {simple: true}) as number
    const row = tableExists(db.db, 'meta') ? (db.db.prepare(`SELECT value FROM meta WHERE key = 'vault_id'`).get() as {value: string} | undefined) : undefined
    if (!row) return {kind: 'none', reason: 'a vault without an id'}
    if (!VAULT_ID.test(row.value)) return {kind: 'none', reason: 'a vault with an id secrets never makes'}
    return {kind: 'vault', vaultId: row.value, schema, format: FORMAT1_SCHEMA_VERSIONS.includes(schema) ? 1 : 2}
  } finally {
    db.db.close()
  }
}

/**
 * Opens a vault file read-only as it is (any schema version), or says why it is not one.
 * The caller closes it.
 */
export function openReadOnly(path: string): {ok: true; db: Database} | {ok: false; reason: string} {
  if (!existsSync(path)) return {ok: false, reason: 'no such file'}
  const stat = statSync(path)
  if (!stat.isFile() || stat.size === 0) return {ok: false, reason: 'an empty file'}
  if (!startsWithSqliteHeader(path)) return {ok: false, reason: 'not an SQLite file'}
  let db: Database | undefined
  try {
    db = new (require('better-sqlite3') as typeof BetterSqlite3)(path, {readonly: true, fileMustExist: true})
    // Nothing a file's schema names runs with our privileges (the schema guard comes later).
    db.pragma('trusted_schema = OFF')
    if (db.pragma('application_id', {simple: true}) !== APPLICATION_ID) {
      db.close()
      return {ok: false, reason: 'an SQLite file that is not a secrets vault'}
    }

    return {ok: true, db}
  } catch (error) {
    db?.close()
    return {ok: false, reason: `unreadable (${(error as Error).message.toLowerCase()})`}
  }
}

export function tableExists(db: Database, name: string): boolean {
  return db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`).get(name) !== undefined
}

/** Every table the vault has, as sqlite_master lists them (SQLite's own excluded), by name. */
export function tableNames(db: Database, schema = 'main'): string[] {
  const rows = db.prepare(`SELECT name FROM ${quoteId(schema)}.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name`).all() as {name: string}[]
  return rows.map((r) => r.name)
}

/** An SQL identifier, quoted: table names come from the file, not from us. */
export function quoteId(name: string): string {
  return `"${name.replaceAll('"', '""')}"`
}

function startsWithSqliteHeader(path: string): boolean {
  const fd = openSync(path, 'r')
  try {
    const head = Buffer.alloc(SQLITE_HEADER.length)
    const read = readSync(fd, head, 0, head.length, 0)
    return read === head.length && head.equals(SQLITE_HEADER)
  } finally {
    closeSync(fd)
  }
}
