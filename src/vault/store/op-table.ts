// The only SQL over operations: read them all, append one. Rows are never updated or deleted.
import type {Database} from './schema.js'

export interface StoredOp {
  id: string
  body: Uint8Array
  signature: Uint8Array
}

export function readOps(db: Database): StoredOp[] {
  return db.prepare('SELECT id, body, signature FROM ops').all() as StoredOp[]
}

export function countOps(db: Database): number {
  return (db.prepare('SELECT count(*) AS n FROM ops').get() as {n: number}).n
}

/** Call inside a write transaction. */
export function insertOp(db: Database, op: StoredOp): void {
  db.prepare('INSERT INTO ops (id, body, signature) VALUES (?, ?, ?)').run(op.id, op.body, op.signature)
}

/** Adds what `db` lacks (a merge); returns how many were new. */
export function insertMissingOps(db: Database, ops: Iterable<StoredOp>): number {
  const insert = db.prepare('INSERT OR IGNORE INTO ops (id, body, signature) VALUES (?, ?, ?)')
  let added = 0
  for (const op of ops) added += insert.run(op.id, op.body, op.signature).changes
  return added
}
