// Red team against the judged-state cache, in process (src/vault/load-history.ts,
// loadJudgedHistory): what the state is filed under must be the bytes that were judged. Each
// test asserts the secure behaviour; a failing test is a finding.
import {closeSync, mkdtempSync, openSync, readFileSync, renameSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import Database from 'better-sqlite3'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import type {History} from '../../src/vault/access/history.js'
import {loadHistory, loadJudgedHistory} from '../../src/vault/load-history.js'
import {summarize} from '../../src/vault/secrets/summary.js'
import {openVaultFile} from '../../src/vault/store/database.js'
import {type JudgedCache, openJudgedCache} from '../../src/vault/store/judged-cache.js'
import {NOW, bytes, secret, tempVault} from '../helpers/vault.js'

let vault: Awaited<ReturnType<typeof tempVault>>
let dirs: {cacheDir: string; configDir: string; projects: string[]}
let home: string
/** The file before DB_PASSWORD was rotated. */
let before: Buffer
/** The file now. */
let after: Buffer

beforeEach(async () => {
  vault = await tempVault()
  const store = vault.store()
  for (const name of ['API_TOKEN', 'DB_PASSWORD', 'SENTRY_DSN']) await store.add(secret(name), async () => bytes(`${name.toLowerCase()}-value`))
  store.close()
  before = readFileSync(vault.path)
  const again = vault.store()
  await again.rotate({name: 'DB_PASSWORD'}, async () => bytes('db-password-rotated'))
  again.close()
  after = readFileSync(vault.path)
  home = mkdtempSync(join(tmpdir(), 'secrets-judged-redteam-'))
  dirs = {cacheDir: join(home, 'cache'), configDir: join(home, 'config'), projects: [vault.dir]}
})

afterEach(() => {
  vault.cleanup()
  rmSync(home, {recursive: true, force: true})
})

function vaultId(): string {
  const file = openVaultFile(vault.path, {readonly: true})
  file.db.close()
  return file.vaultId
}

function cache(): JudgedCache {
  return openJudgedCache(dirs, vaultId())!
}

function open(through: JudgedCache = cache()): {history: History; restored: boolean; close: () => void} {
  const pinned = openSync(vault.path, 'r')
  const file = openVaultFile(vault.path)
  try {
    const loaded = loadJudgedHistory(file, pinned, through, {record: () => undefined, minBytes: 0})
    return {...loaded, close: () => file.db.close()}
  } finally {
    closeSync(pinned)
  }
}

function judgedFresh(): History {
  const file = openVaultFile(vault.path, {readonly: true})
  try {
    return loadHistory(file.db, file.vaultId)
  } finally {
    file.db.close()
  }
}

const summaries = (history: History) => history.secrets().map((s) => summarize(history, s, NOW))

function currentVersionId(history: History): string {
  const record = history.secret({name: 'DB_PASSWORD', environment: '*', branch: '*'})!
  return history.version(record.current).id
}

function replaceFile(content: Buffer): void {
  const temp = `${vault.path}.new`
  writeFileSync(temp, content)
  renameSync(temp, vault.path)
}

describe('red team: loadJudgedHistory', () => {
  it('an in-place overwrite of the file (cp, not a rename) between hashing and judging does not file one file’s judgement under the other’s hash', () => {
    // A program that ignores SQLite's locks (cp, an editor, a sync tool writing in place)
    // overwrites the file while secrets reads it: after it was hashed, before it was judged.
    const racing: JudgedCache = (() => {
      const inner = cache()
      let raced = false
      return {
        read(digest) {
          if (!raced) {
            raced = true
            writeFileSync(vault.path, before)
          }

          return inner.read(digest)
        },
        write: (digest, snapshot) => inner.write(digest, snapshot),
      }
    })()
    try {
      open(racing).close()
    } catch {
      // Refusing the mixed file is fine; keeping a state for it is what matters.
    }

    // The file is back as it was hashed (the newer one), unchanged from then on.
    replaceFile(after)
    const next = open()
    try {
      const fresh = judgedFresh()
      if (next.restored) {
        expect(currentVersionId(next.history)).toBe(currentVersionId(fresh))
        expect(summaries(next.history)).toEqual(summaries(fresh))
        expect(next.history.heads).toEqual(fresh.heads)
      }
    } finally {
      next.close()
    }
  })

  it('a damaged id index (lookups by id disagree with the table scan) is judged the same restored as in full', () => {
    open().close()
    // Point the id index of `ops` at an index built over the same rows in reverse order (then
    // forget that table): a scan of the table (the full path) sees every row intact; a lookup by
    // id (the lazy path) lands on another row.
    const db = new Database(vault.path)
    db.unsafeMode(true)
    db.exec('CREATE TABLE t2 (id TEXT PRIMARY KEY, body BLOB NOT NULL, signature BLOB NOT NULL) STRICT')
    db.exec('INSERT INTO t2 SELECT id, body, signature FROM ops ORDER BY rowid DESC')
    const root = (name: string) => (db.prepare('SELECT rootpage FROM sqlite_schema WHERE name = ?').get(name) as {rootpage: number}).rootpage
    const other = root('sqlite_autoindex_t2_1')
    db.pragma('writable_schema = ON')
    db.prepare(`UPDATE sqlite_schema SET rootpage = ? WHERE name = 'sqlite_autoindex_ops_1'`).run(other)
    db.prepare(`DELETE FROM sqlite_schema WHERE tbl_name = 't2'`).run()
    db.pragma('writable_schema = OFF')
    db.close()
    // Control: the damage is what it should be.
    const check = new Database(vault.path, {readonly: true})
    const scan = check.prepare('SELECT id, body FROM ops').all() as {id: string; body: Buffer}[]
    const looked = check.prepare('SELECT body FROM ops WHERE id = ?').get(scan[0]!.id) as {body: Buffer} | undefined
    check.close()
    expect(looked?.body.equals(scan[0]!.body)).toBe(false)

    let full: History | undefined
    let fullError: unknown
    try {
      full = judgedFresh()
    } catch (error) {
      fullError = error
    }

    // This computer judges the damaged file once (in full) and keeps its state.
    if (!fullError) open().close()
    let restoredAnswer: string | undefined
    let restoredError: unknown
    let restored = false
    try {
      const next = open()
      restored = next.restored
      try {
        // Every operation's fields, as `log` or a value read would ask for them.
        for (const op of next.history.ops) void op.data
        restoredAnswer = currentVersionId(next.history)
      } finally {
        next.close()
      }
    } catch (error) {
      restoredError = error
    }

    // The same verdict either way: both read it, or both refuse it.
    expect({restored, refused: restoredError !== undefined}).toEqual({restored, refused: fullError !== undefined})
    if (full) expect(restoredAnswer).toBe(currentVersionId(full))
  })
})
