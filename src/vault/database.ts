import {existsSync, mkdirSync} from 'node:fs'
import {createRequire} from 'node:module'
import {dirname} from 'node:path'

import type BetterSqlite3 from 'better-sqlite3'

import {SecretsError} from '../errors.js'
import {MIGRATIONS, SCHEMA_VERSION} from './migrations.js'

export type Database = BetterSqlite3.Database

/** `PRAGMA application_id`: "SCRT", so `file` and sqlite tools can tell a vault from any database. */
export const APPLICATION_ID = 0x53_43_52_54

const require = createRequire(import.meta.url)

function sqlite(): typeof BetterSqlite3 {
  return require('better-sqlite3') as typeof BetterSqlite3
}

/** Opens an existing vault, checks it is one, and brings its schema forward. */
export function openDatabase(path: string, options: {readonly?: boolean} = {}): Database {
  if (!existsSync(path)) throw new SecretsError('NO_VAULT', `no vault at ${path}`, 'run `secrets enable` in the repository first')
  let db: Database
  try {
    db = new (sqlite())(path, {fileMustExist: true, readonly: options.readonly ?? false})
    configure(db, options.readonly ?? false)
  } catch (error) {
    throw new SecretsError('INTEGRITY', `not a readable vault: ${path} (${(error as Error).message.toLowerCase()})`)
  }

  const appId = db.pragma('application_id', {simple: true}) as number
  if (appId !== APPLICATION_ID) {
    db.close()
    throw new SecretsError('INTEGRITY', `not a secrets vault: ${path}`)
  }

  const version = db.pragma('user_version', {simple: true}) as number
  if (version > SCHEMA_VERSION) {
    db.close()
    throw new SecretsError('ERROR', `the vault ${path} has format ${version}, newer than this secrets understands (${SCHEMA_VERSION})`, 'upgrade secrets')
  }

  if (version < SCHEMA_VERSION && !options.readonly) migrate(db, version)
  return db
}

/** Creates a new, empty vault file with the current schema. */
export function createDatabase(path: string): Database {
  mkdirSync(dirname(path), {recursive: true})
  const db = new (sqlite())(path)
  configure(db, false)
  db.pragma(`application_id = ${APPLICATION_ID}`)
  migrate(db, 0)
  return db
}

function configure(db: Database, readonly: boolean): void {
  // A committed file must stand alone: no -wal/-shm beside it, the journal gone after commit.
  if (!readonly) db.pragma('journal_mode = DELETE')
  db.pragma('busy_timeout = 5000')
  db.pragma('foreign_keys = ON')
}

function migrate(db: Database, from: number): void {
  db.transaction(() => {
    for (let v = from; v < SCHEMA_VERSION; v++) db.exec(MIGRATIONS[v]!)
    db.pragma(`user_version = ${SCHEMA_VERSION}`)
  })()
}
