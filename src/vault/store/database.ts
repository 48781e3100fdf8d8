// Opening the vault file. Every open checks, in this order and before any statement of ours
// reads a table: that it is an SQLite file with our application id, which format it has, and
// that its schema is exactly ours (schema.ts). The file is data, never code.
import {closeSync, existsSync, lstatSync, mkdirSync, openSync, readSync, statSync} from 'node:fs'
import {dirname} from 'node:path'

import {type Env, SECRETS_LOCK_TIMEOUT} from '../../env.js'
import {SecretsError, integrity, usage} from '../../errors.js'
import {busyError} from './lock-holder.js'
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
export function openVaultFile(path: string, options: {readonly?: boolean; format1?: boolean; lockTimeoutMs?: number} = {}): VaultFile {
  if (!existsSync(path)) throw new SecretsError('NO_VAULT', `no vault at ${path}`, 'run `secrets enable` in the repository first')
  // Before SQLite sees the file: a file that is no vault is refused without SQLite ever
  // touching it (it would roll back a journal beside it, or make -wal/-shm files for it).
  checkHeader(path)
  refuseLinkedFiles(path)
  const timeout = options.lockTimeoutMs ?? lockTimeoutMs()
  let db: Database
  try {
    // `timeout` is SQLite's busy timeout, in force from the first statement (the checks below
    // read the file too, and wait like any reader for a writer to commit).
    db = new (sqlite())(path, {fileMustExist: true, readonly: options.readonly ?? false, timeout})
  } catch (error) {
    throw storeFailure(error, path, timeout) ?? integrity(`not a readable vault: ${path} (${(error as Error).message.toLowerCase()})`)
  }

  try {
    const file = inspect(db, path, options.format1 ?? false, timeout)
    configure(db, options.readonly ?? false)
    return file
  } catch (error) {
    db.close()
    throw storeFailure(error, path, timeout) ?? error
  }
}

/**
 * SQLite follows symlinks: a clone that commits `vault.db` or `vault.db-journal` as one would
 * have our writes, or a "hot journal" rolled back, land in a file outside the repository.
 * Neither is ever a link when secrets made it; `--vault` takes the real path.
 */
function refuseLinkedFiles(path: string): void {
  for (const file of [path, `${path}-journal`, `${path}-wal`, `${path}-shm`]) {
    if (lstatSync(file, {throwIfNoEntry: false})?.isSymbolicLink()) {
      throw usage(`refusing to open ${file}: it is a symlink`, file === path ? 'pass the real file with --vault' : 'remove it (secrets never makes one) and check where it came from')
    }
  }
}

/** The bounded wait for another process's lock: SECRETS_LOCK_TIMEOUT seconds, default 10. */
export function lockTimeoutMs(env: Env = process.env): number {
  const text = env[SECRETS_LOCK_TIMEOUT]?.trim()
  if (!text) return DEFAULT_LOCK_TIMEOUT_MS
  const seconds = Number(text)
  if (!/^\d+(\.\d+)?$/.test(text) || seconds > 3600) throw usage(`${SECRETS_LOCK_TIMEOUT} must be a number of seconds from 0 to 3600: ${JSON.stringify(text.slice(0, 20))}`)
  return Math.round(seconds * 1000)
}

const DEFAULT_LOCK_TIMEOUT_MS = 10_000

/**
 * SQLite's failures in our terms: a lock held past the wait is BUSY (naming who holds it), a
 * damaged file is an integrity failure. Undefined for anything else (a bug: reported as is).
 */
export function storeFailure(error: unknown, path: string, waitedMs: number = lockTimeoutMs()): SecretsError | undefined {
  if (error instanceof SecretsError) return error
  const code = (error as {code?: unknown})?.code
  if (typeof code !== 'string' || !code.startsWith('SQLITE_')) return undefined
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return busyError(path, waitedMs)
  if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB' || code === 'SQLITE_FORMAT') {
    return integrity(`the vault ${path} is damaged: ${(error as Error).message.toLowerCase()}`, DAMAGED_HINT)
  }

  return undefined
}

export const DAMAGED_HINT = 'the file was changed outside secrets; restore it from git (git checkout -- .secrets/vault.db)'

const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1')

/**
 * Reads the 100-byte SQLite header ourselves: an empty file, a text file, another SQLite
 * database (application id not ours) or one in WAL mode, which this tool never writes, is
 * refused here, left exactly as it is.
 */
function checkHeader(path: string): void {
  let header: Buffer
  let size: number
  try {
    size = statSync(path).size
    const fd = openSync(path, 'r')
    try {
      header = Buffer.alloc(100)
      readSync(fd, header, 0, 100, 0)
    } finally {
      closeSync(fd)
    }
  } catch (error) {
    throw integrity(`not a readable vault: ${path} (${(error as Error).message.toLowerCase()})`)
  }

  if (size === 0) throw integrity(`not a secrets vault: ${path} is an empty file`, NOT_A_VAULT_HINT)
  if (size < 100 || !header.subarray(0, 16).equals(SQLITE_MAGIC)) throw integrity(`not a secrets vault: ${path} is not an sqlite database`, NOT_A_VAULT_HINT)
  if (header.readUInt32BE(68) !== APPLICATION_ID) throw integrity(`not a secrets vault: ${path} is an sqlite database of another program`, NOT_A_VAULT_HINT)
  // Bytes 18 and 19: 1 for a rollback journal, 2 for WAL.
  if (header[18] !== 1 || header[19] !== 1) throw integrity(`the vault ${path} is damaged: its header asks for a journal mode secrets never writes`, DAMAGED_HINT)
}

const NOT_A_VAULT_HINT = 'check --vault or SECRETS_VAULT; a vault is made by `secrets enable`, and restored with git checkout -- .secrets/vault.db'

function inspect(db: Database, path: string, format1: boolean, timeout: number): VaultFile {
  let appId: number
  let version: number
  try {
    // Functions and virtual tables named by a schema must not run with our privileges.
    db.pragma('trusted_schema = OFF')
    appId = db.pragma('application_id', {simple: true}) as number
    version = db.pragma('user_version', {simple: true}) as number
  } catch (error) {
    throw storeFailure(error, path, timeout) ?? integrity(`not a readable vault: ${path} (${(error as Error).message.toLowerCase()})`)
  }

  if (appId !== APPLICATION_ID) throw integrity(`not a secrets vault: ${path}`)
  if (version > SCHEMA_VERSION) {
    throw new SecretsError('ERROR', `the vault ${path} has schema ${version}, newer than this secrets understands (${SCHEMA_VERSION})`, 'upgrade secrets')
  }

  const isFormat1 = FORMAT1_SCHEMA_VERSIONS.includes(version)
  if (!isFormat1 && version !== SCHEMA_VERSION) throw integrity(`not a secrets vault: ${path} (schema ${version})`)
  // The schema first: a format-2 file whose version field was changed to 1 is damaged, not old.
  guardSchema(db, path, version)
  if (isFormat1 && !format1) throw new SecretsError('UPGRADE_NEEDED', `the vault ${path} is in format 1, which this secrets no longer writes`, UPGRADE_HINT)

  const rows = db.prepare(`SELECT value FROM meta WHERE key = 'vault_id'`).all() as Array<{value: string}>
  // Two rows can only come from a damaged index (the key is unique): which one is meant is unknown.
  if (rows.length > 1) throw integrity(`the vault ${path} is damaged: it has ${rows.length} ids`, DAMAGED_HINT)
  const row = rows[0]
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
  const db = new (sqlite())(path, {timeout: lockTimeoutMs()})
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
  // Not WAL (which would let readers run beside a writer): WAL keeps committed pages in a
  // -wal file until a checkpoint, so the committed vault.db alone would not hold them. Writers
  // take the lock up front instead (session.ts: BEGIN IMMEDIATE) and everyone waits, bounded
  // by the busy timeout set when the file was opened.
  if (!readonly) db.pragma('journal_mode = DELETE')
  db.pragma('foreign_keys = ON')
}
