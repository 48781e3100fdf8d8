// The only SQL over operations: read them all, append one. Rows are never updated or deleted.
import {integrity} from '../../errors.js'
import {DAMAGED_HINT, storeFailure} from './database.js'
import type {Statement} from 'better-sqlite3'

import type {Database} from './schema.js'

export interface StoredOp {
  id: string
  body: Uint8Array
  signature: Uint8Array
}

/** Every operation, as one statement: one consistent snapshot, whatever other processes commit meanwhile. */
export function readOps(db: Database): StoredOp[] {
  let rows: unknown[]
  try {
    rows = db.prepare('SELECT id, body, signature FROM ops').all()
  } catch (error) {
    throw storeFailure(error, db.name) ?? error
  }

  // A damaged page can read as NULLs or other types, whatever the table's constraints say.
  for (const row of rows) {
    const {id, body, signature} = row as Record<string, unknown>
    if (typeof id !== 'string' || !(body instanceof Uint8Array) || !(signature instanceof Uint8Array)) {
      throw integrity(`the vault ${db.name} is damaged: a row of its operations is not one`, DAMAGED_HINT)
    }
  }

  return rows as StoredOp[]
}

export function countOps(db: Database): number {
  try {
    return (db.prepare('SELECT count(*) AS n FROM ops').get() as {n: number}).n
  } catch (error) {
    throw storeFailure(error, db.name) ?? error
  }
}

// Preparing costs ~20 µs, as much as the insert: an import of 10,000 values prepares once.
const inserts = new WeakMap<Database, Statement<[string, Uint8Array, Uint8Array]>>()

/** Call inside a write transaction. */
export function insertOp(db: Database, op: StoredOp): void {
  let insert = inserts.get(db)
  if (!insert) {
    insert = db.prepare<[string, Uint8Array, Uint8Array]>('INSERT INTO ops (id, body, signature) VALUES (?, ?, ?)')
    inserts.set(db, insert)
  }

  insert.run(op.id, op.body, op.signature)
}

/** Adds what `db` lacks (a merge); returns how many were new. */
export function insertMissingOps(db: Database, ops: Iterable<StoredOp>): number {
  const insert = db.prepare('INSERT OR IGNORE INTO ops (id, body, signature) VALUES (?, ?, ?)')
  let added = 0
  for (const op of ops) added += insert.run(op.id, op.body, op.signature).changes
  return added
}
