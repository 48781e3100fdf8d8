// The vault file's schema, and the guard that refuses any other. A vault is committed to git
// by people we do not all trust, and SQLite runs what a file's schema says: a trigger
// committed into vault.db would run inside our own transactions. So a file is opened only if
// sqlite_master holds exactly the objects our schema makes, checked before any statement of
// ours touches a table.
//
// `user_version` is the schema version: 1 and 2 are format 1 (rows signed one by one, authority
// by timestamp); 3 is format 2 (a hash-linked history of operations).
import {createRequire} from 'node:module'

import type BetterSqlite3 from 'better-sqlite3'

export type Database = BetterSqlite3.Database

/** `user_version` of a format-2 vault. */
export const SCHEMA_VERSION = 3
/** The schema versions of format 1, which only `secrets upgrade`, diff and merge read. */
export const FORMAT1_SCHEMA_VERSIONS: readonly number[] = [1, 2]

/** Format 2: the operations, and the vault's id (also in every operation, checked on load). */
export const FORMAT2_SCHEMA = `
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;

-- Immutable: rows are only ever inserted. id is the BLAKE2b-256 of body (docs/FORMAT.md 6).
CREATE TABLE ops (
  id        TEXT PRIMARY KEY,
  body      BLOB NOT NULL,
  signature BLOB NOT NULL
) STRICT;
`

/** Format 1's migrations, as format-1 vaults were made: kept to recognise (and upgrade) them. */
export const FORMAT1_MIGRATIONS: readonly string[] = [
  // 1: the vault core
  `
  CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
  ) STRICT;

  -- People and machines; each row is signed by the member who added it (the first owner
  -- signs their own).
  CREATE TABLE members (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('user', 'machine')),
    recipient   TEXT NOT NULL,
    role        TEXT NOT NULL CHECK (role IN ('owner', 'maintainer', 'developer', 'reporter')),
    environment TEXT NOT NULL DEFAULT '*',
    branch      TEXT NOT NULL DEFAULT '*',
    created_at  TEXT NOT NULL,
    author_id   TEXT NOT NULL,
    signature   BLOB NOT NULL
  ) STRICT;

  CREATE TABLE key_epochs (
    id         TEXT PRIMARY KEY,
    created_at TEXT NOT NULL,
    author_id  TEXT NOT NULL REFERENCES members (id),
    signature  BLOB NOT NULL
  ) STRICT;

  -- One data key per scope (environment pattern x branch pattern) and epoch. The commitment
  -- (a hash of the key) is signed, so a sealed copy swapped for a key someone else knows is
  -- refused instead of silently used for new values.
  CREATE TABLE data_keys (
    id          TEXT PRIMARY KEY,
    epoch_id    TEXT NOT NULL REFERENCES key_epochs (id),
    environment TEXT NOT NULL,
    branch      TEXT NOT NULL,
    commitment  BLOB NOT NULL,
    created_at  TEXT NOT NULL,
    author_id   TEXT NOT NULL REFERENCES members (id),
    signature   BLOB NOT NULL
  ) STRICT;

  -- crypto_box_seal(data key, member's X25519 key), one row per reader.
  CREATE TABLE sealed_keys (
    id          TEXT PRIMARY KEY,
    data_key_id TEXT NOT NULL REFERENCES data_keys (id),
    member_id   TEXT NOT NULL REFERENCES members (id),
    sealed      BLOB NOT NULL,
    created_at  TEXT NOT NULL
  ) STRICT;
  CREATE INDEX sealed_keys_by_member ON sealed_keys (member_id);

  CREATE TABLE secrets (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    environment   TEXT NOT NULL,
    branch        TEXT NOT NULL,
    description   TEXT,
    rotation_days INTEGER,
    variable      INTEGER NOT NULL DEFAULT 0,
    file          INTEGER NOT NULL DEFAULT 0,
    protected     INTEGER NOT NULL DEFAULT 0,
    ref           TEXT,
    created_at    TEXT NOT NULL,
    author_id     TEXT NOT NULL REFERENCES members (id),
    signature     BLOB NOT NULL
  ) STRICT;
  CREATE INDEX secrets_by_name ON secrets (name);

  -- Every value a secret has had. The author wrote the value; the signer sealed this
  -- ciphertext (the same member, until a re-key re-encrypts it).
  CREATE TABLE versions (
    id          TEXT PRIMARY KEY,
    secret_id   TEXT NOT NULL REFERENCES secrets (id),
    data_key_id TEXT NOT NULL REFERENCES data_keys (id),
    nonce       BLOB NOT NULL,
    ciphertext  BLOB NOT NULL,
    created_at  TEXT NOT NULL,
    author_id   TEXT NOT NULL REFERENCES members (id),
    signer_id   TEXT NOT NULL REFERENCES members (id),
    signature   BLOB NOT NULL
  ) STRICT;
  CREATE INDEX versions_by_secret ON versions (secret_id);

  CREATE TABLE tombstones (
    id         TEXT PRIMARY KEY,
    secret_id  TEXT NOT NULL REFERENCES secrets (id),
    created_at TEXT NOT NULL,
    author_id  TEXT NOT NULL REFERENCES members (id),
    signature  BLOB NOT NULL
  ) STRICT;
  CREATE INDEX tombstones_by_secret ON tombstones (secret_id);
  `,
  // 2: sharing. Membership and rule changes are a signed, append-only log (clients pin the
  // entries they have seen); exposures mark secrets a revoked reader could decrypt.
  `
  CREATE TABLE log (
    id         TEXT PRIMARY KEY,
    kind       TEXT NOT NULL CHECK (kind IN ('rule.set', 'group.set', 'member.revoke')),
    subject    TEXT NOT NULL,
    data       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    author_id  TEXT NOT NULL REFERENCES members (id),
    signature  BLOB NOT NULL
  ) STRICT;

  CREATE TABLE exposures (
    id         TEXT PRIMARY KEY,
    secret_id  TEXT NOT NULL REFERENCES secrets (id),
    member_id  TEXT NOT NULL REFERENCES members (id),
    created_at TEXT NOT NULL,
    author_id  TEXT NOT NULL REFERENCES members (id),
    signature  BLOB NOT NULL
  ) STRICT;
  CREATE INDEX exposures_by_secret ON exposures (secret_id);
  `,
]

/** The statements that make a file of a schema version from an empty one. */
export function schemaStatements(version: number): string {
  if (version === SCHEMA_VERSION) return FORMAT2_SCHEMA
  if (FORMAT1_SCHEMA_VERSIONS.includes(version)) return FORMAT1_MIGRATIONS.slice(0, version).join('\n')
  throw new Error(`no schema version ${version}`)
}

export interface SchemaObject {
  type: string
  name: string
  tbl_name: string
  sql: string | null
}

const require = createRequire(import.meta.url)
const expected = new Map<number, SchemaObject[]>()

export function sqlite(): typeof BetterSqlite3 {
  return require('better-sqlite3') as typeof BetterSqlite3
}

/** What our statements leave in sqlite_master, as SQLite itself records it. */
export function expectedSchema(version: number): SchemaObject[] {
  let objects = expected.get(version)
  if (!objects) {
    const db = new (sqlite())(':memory:')
    try {
      db.exec(schemaStatements(version))
      objects = readSchema(db)
    } finally {
      db.close()
    }

    expected.set(version, objects)
  }

  return objects
}

export function readSchema(db: Database): SchemaObject[] {
  return db.prepare('SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name').all() as SchemaObject[]
}

/** The objects the file has that the schema does not make, and those it lacks ('+' and '-'). */
export function schemaDifferences(db: Database, version: number): {extra: SchemaObject[]; missing: SchemaObject[]} {
  const key = (o: SchemaObject) => JSON.stringify([o.type, o.name, o.tbl_name, o.sql])
  const found = readSchema(db)
  const want = expectedSchema(version)
  const wanted = new Set(want.map(key))
  const have = new Set(found.map(key))
  return {extra: found.filter((o) => !wanted.has(key(o))), missing: want.filter((o) => !have.has(key(o)))}
}

/** One line naming an unexpected object: `trigger forget_revocations on ops`. */
export function describeObject(o: SchemaObject): string {
  return `${o.type} ${o.name}${o.tbl_name && o.tbl_name !== o.name ? ` on ${o.tbl_name}` : ''}`
}
