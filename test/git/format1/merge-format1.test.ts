// The merge driver on format-1 vaults (branches not upgraded yet): copies of a vault made by the
// last format-1 release (test/fixtures/format1), diverged as two branches would diverge them.
// This secrets cannot write format 1, so the sides are changed with SQL, row by row: the merge
// reads rows and never checks their signatures (`secrets upgrade` does, and is the check that
// rows came through the merge byte for byte).
import {copyFileSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import Database from 'better-sqlite3'
import {afterEach, beforeAll, beforeEach, describe, expect, it} from 'vitest'

import {Identity, loadSodium} from '../../../src/crypto/index.js'
import {SecretsError} from '../../../src/errors.js'
import type {Format1MergeReport} from '../../../src/git/format1/merge-format1.js'
import {mergeMessages} from '../../../src/git/merge-messages.js'
import {mergeVaultFiles} from '../../../src/git/merge-vaults.js'
import {renderVaultText} from '../../../src/git/vault-text.js'
import {SCHEMA_VERSION} from '../../../src/vault/store/schema.js'
import {upgradeVault} from '../../../src/vault/upgrade/upgrade-vault.js'

const FIXTURE = join(import.meta.dirname, '../../fixtures/format1/vault.db')
/** alice, the fixture's owner (test/fixtures/format1/make-fixture.sh). */
const ALICE = 'SECRETS-IDENTITY-15XS6RGDP5XS6RGDP5XS6RGDP5XS6RGDP5XS6RGDP5XS6RGDP5XSS0JD39M'

// Row ids in the fixture.
const DB_PASSWORD = 'ec0f98c587d1aba4bd22f13690308cd7'
const DEPLOY_TOKEN = 'cdc03555b4eb5408557cd31233dbdca5'
const DB_PASSWORD_V2 = '008f89c8649bea81b6023de5851c2f1f'
const OLD_KEY_TOMBSTONE = '7276b7abf1a99bd5538c01227d5ac8ac'
const BOB = '97c117a257133479f5a22d7283357254'
const EPOCH_2 = 'f0a93c9a48ca8b0346e34ecf955fb23c'
const STAR_KEY_EPOCH_2 = '030fd9030181509db4040adef428e5e7'

type Row = Record<string, unknown>

let dir: string
let base: string
let ours: string
let theirs: string

beforeAll(() => loadSodium())

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'secrets-merge-format1-'))
  base = join(dir, 'base.db')
  ours = join(dir, 'ours.db')
  theirs = join(dir, 'theirs.db')
  for (const copy of [base, ours, theirs]) copyFileSync(FIXTURE, copy)
})

afterEach(() => rmSync(dir, {recursive: true, force: true}))

function merge(): Format1MergeReport {
  const report = mergeVaultFiles({base, ours, theirs, path: '.secrets/vault.db'})
  if (report.format !== 1) throw new Error('expected a format-1 merge')
  return report
}

function edit(path: string, work: (db: Database.Database) => void): void {
  const db = new Database(path)
  try {
    work(db)
  } finally {
    db.close()
  }
}

function rows(path: string, sql: string, ...params: unknown[]): Row[] {
  const db = new Database(path, {readonly: true})
  try {
    return db.prepare(sql).all(...params) as Row[]
  } finally {
    db.close()
  }
}

/** A new row: a copy of row `id` of `table` with some columns changed (a new id at least). */
function copyRow(path: string, table: string, id: string, changes: Row & {id: string}): void {
  edit(path, (db) => {
    const row = db.prepare(`SELECT * FROM ${table} WHERE id = ?`).get(id) as Row
    const next = {...row, ...changes}
    const columns = Object.keys(next)
    db.prepare(`INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`).run(...columns.map((c) => next[c]))
  })
}

/** A new version of DB_PASSWORD on one side, as `rotate` would have added it. */
const newVersion = (path: string, id: string, createdAt: string, secretId = DB_PASSWORD) =>
  copyRow(path, 'versions', DB_PASSWORD_V2, {id, secret_id: secretId, created_at: createdAt})

function refusal(work: () => unknown): SecretsError {
  try {
    work()
  } catch (error) {
    if (error instanceof SecretsError) return error
    throw error
  }

  throw new Error('expected the merge to be refused')
}

describe('mergeVaultFiles on format 1: the union of both sides, row by row', () => {
  it('keeps the rows each side added, and says nothing', () => {
    newVersion(ours, 'ours-version', '2026-11-05T10:00:00.000Z')
    copyRow(theirs, 'secrets', DEPLOY_TOKEN, {id: 'theirs-secret', name: 'B_TOKEN'})
    newVersion(theirs, 'theirs-version', '2026-11-06T10:00:00.000Z', 'theirs-secret')

    const report = merge()

    expect(report).toMatchObject({format: 1, schema: 2, withBase: true, fromTheirs: {secrets: 1, versions: 1}, replacedByTheirs: {}, rowConflicts: [], keptDeletions: 0})
    expect(mergeMessages(report)).toEqual([])
    expect(rows(ours, `SELECT id FROM versions WHERE id IN ('ours-version', 'theirs-version') ORDER BY id`)).toEqual([{id: 'ours-version'}, {id: 'theirs-version'}])
    const text = renderVaultText(ours)
    expect(text).toContain('  B_TOKEN  environment production  branch *')
    expect(text).toContain('    version 3  2026-11-05T10:00:00.000Z by user:bob  key epoch 2 (re-encrypted by user:alice)  current')
  })

  it('keeps both versions when both sides added one to the same secret; the newer is current, and it is reported', () => {
    newVersion(ours, 'ours-version', '2026-11-05T10:00:00.000Z')
    newVersion(theirs, 'theirs-version', '2026-11-06T10:00:00.000Z')

    const report = merge()

    expect(report.changedOnBothSides).toEqual([{name: 'DB_PASSWORD', environment: '*', branch: '*'}])
    expect(mergeMessages(report)).toEqual(['DB_PASSWORD (environment *, branch *) was changed on both sides; kept both versions, the newer is current'])
    const text = renderVaultText(ours)
    expect(text.filter((l) => l.startsWith('    version 3 ') || l.startsWith('    version 4 '))).toEqual([
      '    version 3  2026-11-05T10:00:00.000Z by user:bob  key epoch 2 (re-encrypted by user:alice)',
      '    version 4  2026-11-06T10:00:00.000Z by user:bob  key epoch 2 (re-encrypted by user:alice)  current',
    ])
  })

  it('reports a secret each side added with the same name and scope', () => {
    copyRow(ours, 'secrets', DEPLOY_TOKEN, {id: 'ours-same', name: 'SAME'})
    copyRow(theirs, 'secrets', DEPLOY_TOKEN, {id: 'theirs-same', name: 'SAME'})
    const report = merge()
    expect(report.addedOnBothSides).toEqual([{name: 'SAME', environment: 'production', branch: '*'}])
    expect(mergeMessages(report)).toEqual(['SAME (environment production, branch *) was added on both sides as two secrets; kept both, check it with `secrets list`'])
  })

  it.each([
    ['ours removed it, theirs rotated it', 'ours', 'theirs'],
    ['theirs removed it, ours rotated it', 'theirs', 'ours'],
  ] as const)('%s: it stays removed, its versions kept, and that is reported', (_, removing, rotating) => {
    const side = {ours, theirs}
    copyRow(side[removing], 'tombstones', OLD_KEY_TOMBSTONE, {id: 'new-tombstone', secret_id: DB_PASSWORD, created_at: '2026-11-05T10:00:00.000Z'})
    newVersion(side[rotating], 'new-version', '2026-11-06T10:00:00.000Z')

    const report = merge()

    expect(report.removedAndChanged).toEqual([{name: 'DB_PASSWORD', environment: '*', branch: '*'}])
    expect(report.changedOnBothSides).toEqual([])
    expect(mergeMessages(report)).toEqual(['DB_PASSWORD (environment *, branch *) was removed on one side and changed on the other; it stays removed, its versions are kept'])
    expect(renderVaultText(ours)).toContain('  DB_PASSWORD  environment *  branch *  REMOVED')
    expect(rows(ours, `SELECT id FROM versions WHERE id = 'new-version'`)).toHaveLength(1)
  })

  it('keeps a row one side deleted (a union deletes nothing), and every row still verifies as its author signed it', () => {
    edit(theirs, (db) => db.prepare('DELETE FROM tombstones WHERE id = ?').run(OLD_KEY_TOMBSTONE))

    const report = merge()

    expect(report.keptDeletions).toBe(1)
    expect(mergeMessages(report)).toEqual(['1 row deleted on one side was kept (a vault merges by union)'])
    expect(rows(ours, 'SELECT id FROM tombstones')).toEqual([{id: OLD_KEY_TOMBSTONE}])
    // `secrets upgrade` checks every row's signature and decrypts every value as alice.
    const check = upgradeVault(ours, {identity: () => Identity.parse(ALICE), now: new Date('2026-12-01T00:00:00Z'), dryRun: true})
    // carol was revoked: two members are carried over.
    expect(check).toMatchObject({already: false, dryRun: true, members: 2, secrets: 3, versions: 5, removed: 1})
  })

  it('takes a row changed in place on their side only, and keeps ours (reported) when both changed it differently', () => {
    edit(theirs, (db) => db.prepare(`UPDATE secrets SET description = 'theirs' WHERE id IN (?, ?)`).run(DB_PASSWORD, DEPLOY_TOKEN))
    edit(ours, (db) => db.prepare(`UPDATE secrets SET description = 'ours' WHERE id = ?`).run(DEPLOY_TOKEN))

    const report = merge()

    expect(rows(ours, 'SELECT id, description FROM secrets WHERE id IN (?, ?) ORDER BY name', DB_PASSWORD, DEPLOY_TOKEN)).toEqual([
      {id: DB_PASSWORD, description: 'theirs'},
      {id: DEPLOY_TOKEN, description: 'ours'},
    ])
    expect(report.replacedByTheirs).toEqual({secrets: 1})
    expect(report.rowConflicts).toEqual([{table: 'secrets', id: DEPLOY_TOKEN}])
    expect(mergeMessages(report)).toEqual([`row ${DEPLOY_TOKEN} of table secrets was changed differently on both sides; kept ours`])
  })

  /** A re-key on one side, as `rotate --key` left it: a new epoch, a new * key, the * versions moved to it. */
  function rekey(path: string, epoch: string, createdAt: string): void {
    copyRow(path, 'key_epochs', EPOCH_2, {id: epoch, created_at: createdAt})
    copyRow(path, 'data_keys', STAR_KEY_EPOCH_2, {id: `${epoch}-key`, epoch_id: epoch, created_at: createdAt})
    edit(path, (db) => db.prepare('UPDATE versions SET data_key_id = ? WHERE data_key_id = ?').run(`${epoch}-key`, STAR_KEY_EPOCH_2))
  }

  it('both sides re-keyed: each version keeps the copy under the newer key epoch', () => {
    rekey(ours, 'epoch-ours', '2026-11-05T10:00:00.000Z')
    rekey(theirs, 'epoch-theirs', '2026-11-06T10:00:00.000Z')

    const report = merge()

    // DB_PASSWORD's two versions and OLD_KEY's one were under the * key.
    expect(report.decided).toEqual({'versions: newer key epoch': 3})
    expect(report.replacedByTheirs).toEqual({versions: 3})
    expect(report.rowConflicts).toEqual([])
    expect(rows(ours, 'SELECT DISTINCT data_key_id FROM versions WHERE secret_id = ?', DB_PASSWORD)).toEqual([{data_key_id: 'epoch-theirs-key'}])
  })

  it('a re-key on one side and a new version on the other: the new value under the older key is reported', () => {
    rekey(ours, 'epoch-3', '2026-11-05T10:00:00.000Z')
    newVersion(theirs, 'theirs-version', '2026-11-06T10:00:00.000Z')

    const report = merge()

    expect(report.underOlderKey).toEqual([{name: 'DB_PASSWORD', environment: '*', branch: '*'}])
    expect(mergeMessages(report)).toEqual([
      "DB_PASSWORD (environment *, branch *) has a value under an older key than the other side's re-key; run `secrets rotate --key` if that re-key was to shut someone out",
    ])
    // Ours moved the versions both had; theirs did not touch them: ours stands.
    expect(rows(ours, 'SELECT data_key_id FROM versions WHERE id = ?', DB_PASSWORD_V2)).toEqual([{data_key_id: 'epoch-3-key'}])
  })

  it('reports a member added on one side while the other re-keyed (no key of the newest epoch is sealed to them)', () => {
    rekey(ours, 'epoch-3', '2026-11-05T10:00:00.000Z')
    copyRow(theirs, 'members', BOB, {id: 'dave-id', name: 'user:dave', created_at: '2026-11-06T10:00:00.000Z'})

    const report = merge()

    expect(report.membersWithoutNewestKey).toEqual(['user:dave'])
    expect(mergeMessages(report)).toContain('user:dave was added on one side while the other re-keyed the vault; they cannot read its values until `secrets rotate --key`')
  })

  it('merges with no base (a file git calls added on both sides) by the union alone', () => {
    newVersion(theirs, 'theirs-version', '2026-11-06T10:00:00.000Z')
    writeFileSync(base, '')
    const report = merge()
    expect(report.withBase).toBe(false)
    expect(rows(ours, `SELECT id FROM versions WHERE id = 'theirs-version'`)).toHaveLength(1)
  })

  it('brings a side in the older format-1 schema forward on a private copy, leaving their file as it was', () => {
    newVersion(theirs, 'theirs-version', '2026-11-06T10:00:00.000Z')
    // Their file as the first format-1 release wrote it: no sharing tables, schema 1.
    edit(theirs, (db) => {
      db.exec('DROP TABLE exposures; DROP TABLE log')
      db.pragma('user_version = 1')
    })
    const before = readFileSync(theirs)

    const report = merge()

    expect(report.schema).toBe(2)
    expect(rows(ours, `SELECT id FROM versions WHERE id = 'theirs-version'`)).toHaveLength(1)
    expect(readFileSync(theirs).equals(before)).toBe(true)
  })

  it('writes a vault that keeps journal_mode DELETE, and leaves no temporary file beside it', () => {
    newVersion(theirs, 'theirs-version', '2026-11-06T10:00:00.000Z')
    merge()
    const db = new Database(ours, {readonly: true})
    try {
      expect(db.pragma('journal_mode', {simple: true})).toBe('delete')
      expect(db.pragma('integrity_check', {simple: true})).toBe('ok')
      expect(db.pragma('foreign_key_check')).toEqual([])
    } finally {
      db.close()
    }

    expect(readdirSync(dir).sort()).toEqual(['base.db', 'ours.db', 'theirs.db'])
  })
})

describe('mergeVaultFiles on format 1 refuses, leaving OURS as it was', () => {
  function expectRefused(code: SecretsError['code'], message: string | RegExp): void {
    newVersion(ours, 'ours-version', '2026-11-05T10:00:00.000Z')
    const before = readFileSync(ours)
    const error = refusal(merge)
    expect(error.code).toBe(code)
    if (typeof message === 'string') expect(error.message).toBe(message)
    else expect(error.message).toMatch(message)
    expect(readFileSync(ours).equals(before)).toBe(true)
    expect(readdirSync(dir).sort()).toEqual(['base.db', 'ours.db', 'theirs.db'])
  }

  it('two different vaults', () => {
    edit(theirs, (db) => db.exec(`UPDATE meta SET value = '0123456789abcdef0123456789abcdef' WHERE key = 'vault_id'`))
    expectRefused('CONFLICT', 'secrets cannot merge .secrets/vault.db: the two sides are different vaults (e04aa28f… and 01234567…)')
  })

  it('a side that is not a vault', () => {
    writeFileSync(theirs, 'not a vault')
    expectRefused('CONFLICT', 'secrets cannot merge .secrets/vault.db: their side is not a vault (not an SQLite file)')
  })

  it('a side with a schema newer than this secrets knows', () => {
    edit(theirs, (db) => db.pragma(`user_version = ${SCHEMA_VERSION + 1}`))
    expectRefused('ERROR', `secrets cannot merge .secrets/vault.db: their side has schema ${SCHEMA_VERSION + 1}, newer than this secrets understands (${SCHEMA_VERSION}); upgrade secrets`)
  })

  it.each([
    ['their side', () => theirs],
    ['our side', () => ours],
  ])('%s whose schema has a trigger (named by side and by the file git gave, not a private copy)', (side, path) => {
    edit(path(), (db) => db.exec('CREATE TRIGGER forget AFTER INSERT ON versions BEGIN DELETE FROM versions WHERE id = NEW.id; END'))
    expectRefused('INTEGRITY', `secrets cannot merge .secrets/vault.db: ${side}: the vault ${path()} is refused: its schema has an unexpected trigger forget on versions`)
  })

  it('their side with a table this secrets does not know (format 1 no longer merges tables it has no code for)', () => {
    edit(theirs, (db) => db.exec('CREATE TABLE extra_marks (id TEXT PRIMARY KEY) STRICT'))
    expectRefused('INTEGRITY', `secrets cannot merge .secrets/vault.db: their side: the vault ${theirs} is refused: its schema has an unexpected index sqlite_autoindex_extra_marks_1 on extra_marks, an unexpected table extra_marks`)
  })

  it('a union that would leave rows without the rows they refer to', () => {
    // Written by a tool that does not enforce foreign keys (SQLite's default).
    edit(theirs, (db) => {
      db.pragma('foreign_keys = OFF')
      db.prepare(`INSERT INTO versions SELECT 'orphan-version', 'no-such-secret', data_key_id, nonce, ciphertext, created_at, author_id, signer_id, signature FROM versions WHERE id = ?`).run(DB_PASSWORD_V2)
    })
    expectRefused('INTEGRITY', 'secrets cannot merge .secrets/vault.db: the union leaves 1 rows without the rows they refer to (first in versions)')
  })
})
