// The merge driver over real vault files built in-process: the base, then two copies changed
// as two branches would change them, merged into OURS as git would ask.
import {copyFileSync, readFileSync, readdirSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import Database from 'better-sqlite3'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {Identity} from '../../src/crypto/identity.js'
import {SecretsError} from '../../src/errors.js'
import {mergeMessages} from '../../src/git/merge-messages.js'
import {mergeVaultFiles} from '../../src/git/merge-vaults.js'
import {MIGRATIONS, SCHEMA_VERSION} from '../../src/vault/migrations.js'
import {SqliteStore} from '../../src/vault/sqlite-store.js'
import {NOW, bytes, secret, tempVault, text} from '../helpers/vault.js'

let v: Awaited<ReturnType<typeof tempVault>>
let ownerText: string
let base: string
let ours: string
let theirs: string

const later = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000)

beforeEach(async () => {
  v = await tempVault()
  ownerText = v.owner.toSecretText()
  await withStore(v.path, NOW, (s) => s.add(secret('DB_PASSWORD', {description: 'main database'}), async () => bytes('base-password')))
  base = join(v.dir, 'base.db')
  ours = join(v.dir, 'ours.db')
  theirs = join(v.dir, 'theirs.db')
  for (const copy of [base, ours, theirs]) copyFileSync(v.path, copy)
})

afterEach(() => v.cleanup())

/** A store on one side's file at a given time, closed after `work`. */
async function withStore<T>(path: string, now: Date, work: (store: SqliteStore) => T | Promise<T>): Promise<T> {
  const store = SqliteStore.open(path, {now, maxValueBytes: 10_000, identity: () => Identity.parse(ownerText), defaultBranch: () => 'main'})
  try {
    return await work(store)
  } finally {
    store.close()
  }
}

const valueOf = (path: string, name: string, environment = '*') =>
  withStore(path, later(60), (s) => text(s.valueOf({name, environment, branch: '*'})))

const merge = () => mergeVaultFiles({base, ours, theirs, path: '.secrets/vault.db'})

describe('mergeVaultFiles', () => {
  it('keeps the secrets each side added (the union), and says nothing', async () => {
    await withStore(ours, later(1), (s) => s.add(secret('A_TOKEN'), async () => bytes('value-of-a')))
    await withStore(theirs, later(2), (s) => s.add(secret('B_TOKEN', {environment: 'production'}), async () => bytes('value-of-b')))

    const report = merge()

    expect(report.fromTheirs).toMatchObject({secrets: 1, versions: 1, data_keys: 1, sealed_keys: 1})
    expect(report.rowConflicts).toEqual([])
    expect(mergeMessages(report)).toEqual([])
    const names = await withStore(ours, later(60), (s) => s.list().map((x) => `${x.name}/${x.environment}`))
    expect(names).toEqual(['A_TOKEN/*', 'B_TOKEN/production', 'DB_PASSWORD/*'])
    expect(await valueOf(ours, 'A_TOKEN')).toBe('value-of-a')
    expect(await valueOf(ours, 'B_TOKEN', 'production')).toBe('value-of-b')
    expect(await valueOf(ours, 'DB_PASSWORD')).toBe('base-password')
  })

  it('keeps both versions when both sides rotated the same secret; the newer is current, and it is reported', async () => {
    await withStore(ours, later(5), (s) => s.rotate({name: 'DB_PASSWORD'}, async () => bytes('ours-password')))
    await withStore(theirs, later(10), (s) => s.rotate({name: 'DB_PASSWORD'}, async () => bytes('theirs-password')))

    const report = merge()

    expect(report.changedOnBothSides).toEqual([{name: 'DB_PASSWORD', environment: '*', branch: '*'}])
    expect(mergeMessages(report)).toEqual([
      'DB_PASSWORD (environment *, branch *) was changed on both sides; kept both versions, the newer is current',
    ])
    const history = await withStore(ours, later(60), (s) => s.history({name: 'DB_PASSWORD'}).versions)
    expect(history.map((h) => [h.version, h.createdAt, h.current])).toEqual([
      [1, NOW.toISOString(), false],
      [2, later(5).toISOString(), false],
      [3, later(10).toISOString(), true],
    ])
    expect(await valueOf(ours, 'DB_PASSWORD')).toBe('theirs-password')
  })

  it('makes our newer version current when ours is the newer one', async () => {
    await withStore(ours, later(10), (s) => s.rotate({name: 'DB_PASSWORD'}, async () => bytes('ours-password')))
    await withStore(theirs, later(5), (s) => s.rotate({name: 'DB_PASSWORD'}, async () => bytes('theirs-password')))
    expect(merge().changedOnBothSides).toHaveLength(1)
    expect(await valueOf(ours, 'DB_PASSWORD')).toBe('ours-password')
  })

  describe('a re-key (rotate --key) on one side, a new secret on the other', () => {
    it.each([
      ['ours re-keyed', 'ours', 'theirs'],
      ['theirs re-keyed', 'theirs', 'ours'],
    ] as const)('%s: every value decrypts after the merge', async (_, rekeyed, adding) => {
      const files = {ours, theirs}
      await withStore(files[rekeyed], later(1), (s) => s.rekey())
      await withStore(files[adding], later(2), (s) => s.add(secret('NEW_TOKEN'), async () => bytes('new-token-value')))

      const report = merge()

      expect(await valueOf(ours, 'DB_PASSWORD')).toBe('base-password')
      expect(await valueOf(ours, 'NEW_TOKEN')).toBe('new-token-value')
      // The re-keyed copy of the base's version wins over the untouched one.
      const epochs = readRows(ours, `SELECT k.epoch_id AS epoch FROM versions v JOIN data_keys k ON k.id = v.data_key_id JOIN secrets s ON s.id = v.secret_id WHERE s.name = 'DB_PASSWORD'`)
      const newest = readRows(ours, 'SELECT id FROM key_epochs ORDER BY created_at DESC, id DESC LIMIT 1')[0]!.id
      expect(epochs).toEqual([{epoch: newest}])
      // The new value is still under the old key: said, with what to do.
      expect(report.underOlderKey).toEqual([{name: 'NEW_TOKEN', environment: '*', branch: '*'}])
      expect(mergeMessages(report)).toEqual([
        "NEW_TOKEN (environment *, branch *) has a value under an older key than the other side's re-key; run `secrets rotate --key` if that re-key was to shut someone out",
      ])
      // And a re-key after the merge brings every value under one key.
      await withStore(ours, later(30), (s) => s.rekey())
      expect(await valueOf(ours, 'NEW_TOKEN')).toBe('new-token-value')
    })

    it('both sides re-keyed: the copy under the newer epoch is kept, and everything decrypts', async () => {
      await withStore(ours, later(1), (s) => s.rekey())
      await withStore(theirs, later(2), (s) => s.rekey())

      const report = merge()

      expect(report.decided).toEqual({'versions: newer key epoch': 1})
      expect(report.replacedByTheirs).toEqual({versions: 1})
      expect(report.rowConflicts).toEqual([])
      expect(await valueOf(ours, 'DB_PASSWORD')).toBe('base-password')
    })
  })

  it('reports a member added on one side while the other re-keyed (no key of the new epoch is sealed to them)', async () => {
    await withStore(ours, later(1), (s) => s.rekey())
    // A member row as `permit` would add it on their side (the merge reads rows, not signatures).
    const db = new Database(theirs)
    const owner = db.prepare('SELECT id FROM members').get() as {id: string}
    const bob = Identity.generate()
    db.prepare(
      `INSERT INTO members (id, name, kind, recipient, role, environment, branch, created_at, author_id, signature)
       VALUES ('bob-id', 'user:bob', 'user', ?, 'developer', '*', '*', ?, ?, x'00')`,
    ).run(bob.recipient.toString(), later(2).toISOString(), owner.id)
    db.close()

    const report = merge()

    expect(report.membersWithoutNewestKey).toEqual(['user:bob'])
    expect(mergeMessages(report)).toContain(
      'user:bob was added on one side while the other re-keyed the vault; they cannot read its values until `secrets rotate --key`',
    )
  })

  it('reports a secret each side added with the same name and scope', async () => {
    await withStore(ours, later(1), (s) => s.add(secret('SAME'), async () => bytes('ours-same')))
    await withStore(theirs, later(2), (s) => s.add(secret('SAME'), async () => bytes('theirs-same')))
    expect(merge().addedOnBothSides).toEqual([{name: 'SAME', environment: '*', branch: '*'}])
    // After the merge they are one secret: listed once, the newer value current, removed as one.
    await withStore(ours, later(3), (s) => {
      expect(s.list().filter((x) => x.name === 'SAME')).toHaveLength(1)
      expect(new TextDecoder().decode(s.reveal({name: 'SAME'}).value)).toBe('theirs-same')
      s.remove({name: 'SAME'})
      expect(s.list().filter((x) => x.name === 'SAME')).toHaveLength(0)
    })
  })

  it('reports a secret removed on one side and rotated on the other', async () => {
    await withStore(ours, later(1), (s) => s.remove({name: 'DB_PASSWORD'}))
    await withStore(theirs, later(2), (s) => s.rotate({name: 'DB_PASSWORD'}, async () => bytes('theirs-password')))
    const report = merge()
    expect(report.removedAndChanged).toEqual([{name: 'DB_PASSWORD', environment: '*', branch: '*'}])
    expect(report.changedOnBothSides).toEqual([])
  })

  it('merges with no base (a file git calls added on both sides) by the union alone', async () => {
    await withStore(theirs, later(2), (s) => s.add(secret('B_TOKEN'), async () => bytes('value-of-b')))
    writeFileSync(base, '')
    const report = merge()
    expect(report.withBase).toBe(false)
    expect(await valueOf(ours, 'B_TOKEN')).toBe('value-of-b')
  })

  it('refuses two different vaults, leaving ours as it was', async () => {
    const other = await tempVault()
    try {
      const before = readFileSync(ours)
      const error = catchError(() => mergeVaultFiles({base, ours, theirs: other.path, path: '.secrets/vault.db'}))
      expect(error).toBeInstanceOf(SecretsError)
      expect(error.message).toMatch(/^secrets cannot merge \.secrets\/vault\.db: the two sides are different vaults \([0-9a-f]{8}… and [0-9a-f]{8}…\)$/)
      expect(readFileSync(ours).equals(before)).toBe(true)
    } finally {
      other.cleanup()
    }
  })

  it('refuses a side in a newer format than this secrets knows', () => {
    const db = new Database(theirs)
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`)
    db.close()
    expect(catchError(merge).message).toBe(
      `secrets cannot merge .secrets/vault.db: their side has format ${SCHEMA_VERSION + 1}, newer than this secrets understands (${SCHEMA_VERSION}); upgrade secrets`,
    )
  })

  it('refuses a side that is not a vault', () => {
    writeFileSync(theirs, 'not a vault')
    expect(catchError(merge).message).toBe('secrets cannot merge .secrets/vault.db: their side is not a vault (not an SQLite file)')
  })

  it.skipIf(SCHEMA_VERSION < 2 || /ALTER/i.test(MIGRATIONS.at(-1)!))('brings a side in an older format forward first', async () => {
    await withStore(theirs, later(2), (s) => s.add(secret('B_TOKEN'), async () => bytes('value-of-b')))
    // Their file as the previous release wrote it: without the last migration's tables.
    const db = new Database(theirs)
    for (const [, table] of MIGRATIONS.at(-1)!.matchAll(/CREATE TABLE (\w+)/g)) db.exec(`DROP TABLE ${table}`)
    db.pragma(`user_version = ${SCHEMA_VERSION - 1}`)
    db.close()

    const report = merge()

    expect(report.schema).toBe(SCHEMA_VERSION)
    expect(await valueOf(ours, 'B_TOKEN')).toBe('value-of-b')
  })

  it('writes a vault that keeps journal_mode DELETE, and leaves no temporary file beside it', async () => {
    await withStore(theirs, later(2), (s) => s.add(secret('B_TOKEN'), async () => bytes('value-of-b')))
    merge()
    const db = new Database(ours, {readonly: true})
    expect(db.pragma('journal_mode', {simple: true})).toBe('delete')
    expect(db.pragma('integrity_check', {simple: true})).toBe('ok')
    expect(db.pragma('foreign_key_check')).toEqual([])
    db.close()
    expect(readdirSync(v.dir).sort()).toEqual(['base.db', 'ours.db', 'theirs.db', 'vault.db'])
  })

  it('merges a table it has no code for (one a later migration adds) by its id', () => {
    for (const [file, id] of [[ours, 'row-ours'], [theirs, 'row-theirs']] as const) {
      const db = new Database(file)
      db.exec('CREATE TABLE IF NOT EXISTS extra_marks (id TEXT PRIMARY KEY, created_at TEXT NOT NULL) STRICT')
      db.prepare('INSERT INTO extra_marks VALUES (?, ?)').run(id, NOW.toISOString())
      db.close()
    }

    const report = merge()

    expect(report.fromTheirs).toEqual({extra_marks: 1})
    expect(readRows(ours, 'SELECT id FROM extra_marks ORDER BY id')).toEqual([{id: 'row-ours'}, {id: 'row-theirs'}])
  })

  it('takes a row changed in place on their side only, and keeps ours when both changed it differently', () => {
    for (const file of [base, ours, theirs]) {
      const db = new Database(file)
      db.exec("CREATE TABLE extra_marks (id TEXT PRIMARY KEY, note TEXT NOT NULL) STRICT; INSERT INTO extra_marks VALUES ('one', 'base'), ('two', 'base')")
      db.close()
    }

    const edit = (file: string, sql: string) => {
      const db = new Database(file)
      db.exec(sql)
      db.close()
    }

    edit(theirs, "UPDATE extra_marks SET note = 'theirs' WHERE id IN ('one', 'two')")
    edit(ours, "UPDATE extra_marks SET note = 'ours' WHERE id = 'two'")

    const report = merge()

    expect(readRows(ours, 'SELECT id, note FROM extra_marks ORDER BY id')).toEqual([{id: 'one', note: 'theirs'}, {id: 'two', note: 'ours'}])
    expect(report.rowConflicts).toEqual([{table: 'extra_marks', id: 'two'}])
    expect(mergeMessages(report)).toEqual(['row two of table extra_marks was changed differently on both sides; kept ours'])
  })
})

function readRows(path: string, sql: string): Array<Record<string, string>> {
  const db = new Database(path, {readonly: true})
  try {
    return db.prepare(sql).all() as Array<Record<string, string>>
  } finally {
    db.close()
  }
}

function catchError(work: () => unknown): Error {
  try {
    work()
  } catch (error) {
    return error as Error
  }

  throw new Error('expected an error')
}
