// Numbered forward migrations; `user_version` is the schema version.
// Every row that a branch can add carries a random id and a timestamp (never a counter), so
// two copies of the vault changed on different branches merge by the union of their rows.

export const MIGRATIONS: readonly string[] = [
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

export const SCHEMA_VERSION = MIGRATIONS.length

