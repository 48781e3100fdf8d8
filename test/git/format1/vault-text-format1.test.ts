// The textconv text of a format-1 vault (old commits, branches not upgraded yet): what `git
// diff` and `git log -p` show of it. Names, scopes, versions and authors; never a value. The
// vault is the fixture made by the last format-1 release (test/fixtures/format1).
import {copyFileSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import Database from 'better-sqlite3'
import {afterEach, beforeAll, beforeEach, describe, expect, it} from 'vitest'

import {loadSodium} from '../../../src/crypto/index.js'
import {renderVaultText} from '../../../src/git/vault-text.js'

const FIXTURE = join(import.meta.dirname, '../../fixtures/format1/vault.db')
/** Every value make-fixture.sh stored. */
const VALUES = ['db-password-v1', 'db-password-v2', 'prod-token-value', 'kube: config', 'old-value-123']

let dir: string
let path: string

// Fingerprints need libsodium, as the diff-text command loads it.
beforeAll(() => loadSodium())

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'secrets-text-format1-'))
  path = join(dir, 'vault.db')
  copyFileSync(FIXTURE, path)
})

afterEach(() => rmSync(dir, {recursive: true, force: true}))

function edit(work: (db: Database.Database) => void): void {
  const db = new Database(path)
  try {
    work(db)
  } finally {
    db.close()
  }
}

const FIXTURE_TEXT = [
  'vault e04aa28fba45f7402d81ce3864683530',
  'schema 2',
  'created 2026-11-01T10:00:00.000Z',
  '',
  'members (3)',
  '  user:bob  user  developer  fingerprint 2040:34b6:6d52:0e8e  added 2026-11-01T10:00:00.000Z by user:alice',
  '  user:alice  user  owner  fingerprint 19a7:ca93:99f7:52d1  added 2026-11-01T10:00:00.000Z by user:alice',
  '  user:carol  user  reporter  fingerprint 66b1:2df4:6903:956f  added 2026-11-01T10:00:00.001Z by user:alice',
  '',
  'key epochs (2)',
  '  epoch 1  2026-11-01T10:00:00.000Z by user:alice',
  '    data key environment * branch *  sealed to user:alice, user:bob',
  '    data key environment production branch *  sealed to user:alice, user:bob, user:carol',
  '    data key environment review/* branch *  sealed to user:alice, user:bob',
  '  epoch 2  2026-11-04T10:00:00.001Z by user:alice',
  '    data key environment * branch *  sealed to user:alice, user:bob',
  '    data key environment production branch *  sealed to user:alice, user:bob',
  '    data key environment review/* branch *  sealed to user:alice, user:bob',
  '',
  'secrets (4)',
  '  DB_PASSWORD  environment *  branch *',
  '    description "main database"',
  '    flags none',
  '    rotation every 30 days',
  '    created 2026-11-01T10:00:00.000Z by user:alice',
  '    version 1  2026-11-01T10:00:00.000Z by user:alice  key epoch 2',
  '    version 2  2026-11-02T10:00:00.000Z by user:bob  key epoch 2 (re-encrypted by user:alice)  current',
  '  DEPLOY_TOKEN  environment production  branch *',
  '    flags variable protected',
  '    created 2026-11-01T10:00:00.000Z by user:alice',
  '    version 1  2026-11-01T10:00:00.000Z by user:alice  key epoch 2  current',
  '  KUBECONFIG  environment review/*  branch *',
  '    flags variable file',
  '    created 2026-11-01T10:00:00.000Z by user:alice',
  '    version 1  2026-11-01T10:00:00.000Z by user:alice  key epoch 2  current',
  '  OLD_KEY  environment *  branch *  REMOVED',
  '    flags none',
  '    created 2026-11-01T10:00:00.000Z by user:alice',
  '    version 1  2026-11-01T10:00:00.000Z by user:alice  key epoch 2  current',
  '    removed 2026-11-03T10:00:00.000Z by user:alice',
  '',
  // The sharing tables of schema 2 are shown by their row counts, as they always were.
  'other tables',
  '  exposures: 1 row',
  '  log: 5 rows',
]

describe('renderVaultText on a format-1 vault', () => {
  it('shows the vault, members, key epochs and every secret with its versions and authors', () => {
    expect(renderVaultText(path)).toEqual(FIXTURE_TEXT)
  })

  it('never shows a value, nonce, ciphertext, sealed key, commitment or signature, in hex or base64', () => {
    const output = renderVaultText(path).join('\n')
    for (const value of VALUES) expect(output).not.toContain(value)
    const db = new Database(path, {readonly: true})
    const blobs: Buffer[] = []
    for (const [table, columns] of Object.entries({
      members: ['signature'], key_epochs: ['signature'], data_keys: ['commitment', 'signature'], sealed_keys: ['sealed'],
      secrets: ['signature'], versions: ['nonce', 'ciphertext', 'signature'], tombstones: ['signature'], log: ['signature'], exposures: ['signature'],
    })) {
      for (const row of db.prepare(`SELECT ${columns.join(', ')} FROM ${table}`).all() as Record<string, Buffer>[]) blobs.push(...Object.values(row))
    }

    db.close()
    expect(blobs.length).toBeGreaterThan(40)
    for (const blob of blobs) {
      for (const encoding of ['hex', 'base64', 'base64url'] as const) expect(output).not.toContain(blob.toString(encoding).slice(0, 16))
    }
  })

  it('is stable: the same file renders the same lines, and so does a copy (git hands over temporary copies)', () => {
    const copy = join(dir, 'copy.db')
    copyFileSync(path, copy)
    expect(renderVaultText(path)).toEqual(renderVaultText(path))
    expect(renderVaultText(copy)).toEqual(renderVaultText(path))
  })

  it('shows a new version as the lines that changed, and no others', () => {
    const before = renderVaultText(path)
    edit((db) =>
      db.exec(
        `INSERT INTO versions SELECT 'new-version', secret_id, data_key_id, nonce, ciphertext, '2026-11-05T10:00:00.000Z', author_id, author_id, signature FROM versions WHERE id = '008f89c8649bea81b6023de5851c2f1f'`,
      ),
    )
    const after = renderVaultText(path)
    expect(after.filter((l) => !before.includes(l))).toEqual([
      '    version 2  2026-11-02T10:00:00.000Z by user:bob  key epoch 2 (re-encrypted by user:alice)',
      '    version 3  2026-11-05T10:00:00.000Z by user:bob  key epoch 2  current',
    ])
    expect(before.filter((l) => !after.includes(l))).toEqual(['    version 2  2026-11-02T10:00:00.000Z by user:bob  key epoch 2 (re-encrypted by user:alice)  current'])
  })

  it('renders the first format-1 schema (no sharing tables) too', () => {
    edit((db) => {
      db.exec('DROP TABLE exposures; DROP TABLE log')
      db.pragma('user_version = 1')
    })
    expect(renderVaultText(path)).toEqual([...FIXTURE_TEXT.slice(0, 1), 'schema 1', ...FIXTURE_TEXT.slice(2, -4)])
  })

  it('adds what is in the schema that secrets did not make, with its SQL (every command refuses that file)', () => {
    edit((db) => db.exec("CREATE TRIGGER forget AFTER INSERT ON versions BEGIN DELETE FROM versions WHERE id = NEW.id; END; CREATE TABLE zz_marks (id TEXT) STRICT; INSERT INTO zz_marks VALUES ('a'), ('b')"))
    expect(renderVaultText(path)).toEqual([
      ...FIXTURE_TEXT,
      '  zz_marks: 2 rows',
      '',
      'schema NOT as secrets makes it (every command refuses this file):',
      '  unexpected table zz_marks: CREATE TABLE zz_marks (id TEXT) STRICT',
      '  unexpected trigger forget on versions: CREATE TRIGGER forget AFTER INSERT ON versions BEGIN DELETE FROM versions WHERE id = NEW.id; END',
    ])
  })
})

describe('renderVaultText on files that are not vaults', () => {
  it('prints nothing for a missing, empty, text or foreign SQLite file', () => {
    const empty = join(dir, 'empty')
    writeFileSync(empty, '')
    const text = join(dir, 'text')
    writeFileSync(text, 'hello\n')
    const other = join(dir, 'other.db')
    const db = new Database(other)
    db.exec('CREATE TABLE versions (id TEXT)')
    db.close()
    for (const file of ['/dev/null', join(dir, 'missing'), empty, text, other]) expect(renderVaultText(file)).toEqual([])
  })
})
