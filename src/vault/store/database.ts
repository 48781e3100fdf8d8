// Opening the vault file. Every open checks, in this order and before any statement of ours
// reads a table: that it is an SQLite file with our application id, which format it has, and
// that its schema is exactly ours (schema.ts). The file is data, never code.
import {existsSync, mkdirSync} from 'node:fs'
import {dirname} from 'node:path'

import {SecretsError, integrity} from '../../errors.js'
import {
  type Database, FORMAT1_SCHEMA_VERSIONS, SCHEMA_VERSION, describeObject, schemaDifferences, schemaStatements, sqlite,
} from './schema.js'

export type {Database} from './schema.js'

/** `PRAGMA application_id`: "SCRT", so `file` and sqlite tools can tell a vault from any database. */
export const APPLICATION_ID = 0x53_43_52_54

export interface VaultFile {
  db: Database
  path: string
  vaultId: string
  /** 1 or 2. */
  format: number
  schemaVersion: number
}

/** 16 random bytes in hex, as `enable` makes them. */
export const VAULT_ID = /^[0-9a-f]{32}$/

export const UPGRADE_HINT = 'an owner runs `secrets upgrade` once (on the main branch, after merging open branches), then commits .secrets/vault.db'

/**
 * Opens an existing vault. A format-1 vault is refused (UPGRADE_NEEDED) unless `format1` is
 * set (upgrade, diff and merge read it); a newer one always.
 */
export function openVaultFile(path: string, options: {readonly?: boolean; format1?: boolean} = {}): VaultFile {
  if (!existsSync(path)) throw new SecretsError('NO_VAULT', `no vault at ${path}`, 'run `secrets enable` in the repository first')
  let db: Database
  try {
    db = new (sqlite())(path, {fileMustExist: true, readonly: options.readonly ?? false})
  } catch (error) {
    throw integrity(`not a readable vault: ${path} (${(error as Error).message.toLowerCase()})`)
  }

  try {
    const file = inspect(db, path, options.format1 ?? false)
    configure(db, options.readonly ?? false)
    return file
  } catch (error) {
    db.close()
    throw error
  }
}

function inspect(db: Database, path: string, format1: boolean): VaultFile {
  let appId: number
  let version: number
  try {
    // Functions and virtual tables named by a schema must not run with our privileges.
    db.pragma('trusted_schema = OFF')
    appId = db.pragma('application_id', {simple: true}) as number
    version = db.pragma('user_version', {simple: true}) as number
  } catch (error) {
    throw integrity(`not a readable vault: ${path} (${(error as Error).message.toLowerCase()})`)
  }

  if (appId !== APPLICATION_ID) throw integrity(`not a secrets vault: ${path}`)
  if (version > SCHEMA_VERSION) {
    throw new SecretsError('ERROR', `the vault ${path} has schema ${version}, newer than this secrets understands (${SCHEMA_VERSION})`, 'upgrade secrets')
  }

  const isFormat1 = FORMAT1_SCHEMA_VERSIONS.includes(version)
  if (!isFormat1 && version !== SCHEMA_VERSION) throw integrity(`not a secrets vault: ${path} (schema ${version})`)
  if (isFormat1 && !format1) throw new SecretsError('UPGRADE_NEEDED', `the vault ${path} is in format 1, which this secrets no longer writes`, UPGRADE_HINT)
  guardSchema(db, path, version)

  const row = db.prepare(`SELECT value FROM meta WHERE key = 'vault_id'`).get() as {value: string} | undefined
  if (!row) throw integrity(`the vault ${path} has no id`)
  // The id names files on this computer (pins): nothing but what `enable` makes.
  if (!VAULT_ID.test(row.value)) throw integrity(`the vault ${path} has an id secrets never makes`, 'restore it from git (git checkout -- .secrets/vault.db)')
  return {db, path, vaultId: row.value, format: isFormat1 ? 1 : 2, schemaVersion: version}
}

/** Refuses a file whose schema holds anything our statements did not make. */
export function guardSchema(db: Database, path: string, version: number): void {
  let differences: ReturnType<typeof schemaDifferences>
  try {
    differences = schemaDifferences(db, version)
  } catch (error) {
    throw integrity(`not a readable vault: ${path} (${(error as Error).message.toLowerCase()})`)
  }

  const {extra, missing} = differences
  if (extra.length === 0 && missing.length === 0) return
  const what = [...extra.map((o) => `an unexpected ${describeObject(o)}`), ...missing.map((o) => `no ${describeObject(o)} as secrets makes it`)]
  throw integrity(
    `the vault ${path} is refused: its schema has ${what.slice(0, 3).join(', ')}${what.length > 3 ? ` and ${what.length - 3} more` : ''}`,
    'a vault holds data only; restore it from a commit you trust (git log -p .secrets/vault.db shows schema changes)',
  )
}

/** Creates a new, empty format-2 vault file with its id. */
export function createVaultFile(path: string, vaultId: string): VaultFile {
  mkdirSync(dirname(path), {recursive: true})
  const db = new (sqlite())(path)
  db.pragma('trusted_schema = OFF')
  configure(db, false)
  db.pragma(`application_id = ${APPLICATION_ID}`)
  db.transaction(() => {
    db.exec(schemaStatements(SCHEMA_VERSION))
    db.prepare(`INSERT INTO meta (key, value) VALUES ('vault_id', ?)`).run(vaultId)
    db.pragma(`user_version = ${SCHEMA_VERSION}`)
  })()
  return {db, path, vaultId, format: 2, schemaVersion: SCHEMA_VERSION}
}

function configure(db: Database, readonly: boolean): void {
  // A committed file must stand alone: no -wal/-shm beside it, the journal gone after commit.
  if (!readonly) db.pragma('journal_mode = DELETE')
  db.pragma('busy_timeout = 5000')
  db.pragma('foreign_keys = ON')
}
