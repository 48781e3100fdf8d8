// Opening a vault through this computer's judged-state cache, on a real SQLite file: the first
// open judges and keeps the state, the next restores it, any change to the file judges afresh,
// and an operation read from a restored state is checked against what was judged.
import {closeSync, mkdtempSync, openSync, readFileSync, renameSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import Database from 'better-sqlite3'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {ExitCode, SecretsError} from '../../src/errors.js'
import type {History} from '../../src/vault/access/history.js'
import {loadHistory, loadJudgedHistory} from '../../src/vault/load-history.js'
import {summarize} from '../../src/vault/secrets/summary.js'
import {openVaultFile} from '../../src/vault/store/database.js'
import {type JudgedCache, judgedStatePath, openJudgedCache} from '../../src/vault/store/judged-cache.js'
import {NOW, bytes, secret, tempVault} from '../helpers/vault.js'

let vault: Awaited<ReturnType<typeof tempVault>>
let dirs: {cacheDir: string; configDir: string; projects: string[]}
let home: string

beforeEach(async () => {
  vault = await tempVault()
  const store = vault.store()
  for (const name of ['API_TOKEN', 'DB_PASSWORD', 'SENTRY_DSN']) await store.add(secret(name), async () => bytes(`${name.toLowerCase()}-value`))
  await store.rotate({name: 'DB_PASSWORD'}, async () => bytes('db-password-rotated'))
  store.close()
  home = mkdtempSync(join(tmpdir(), 'secrets-judged-'))
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
  const opened = openJudgedCache(dirs, vaultId())
  expect(opened).toBeDefined()
  return opened!
}

/** Opens the vault as a reading command does, through the cache; the file stays open for lazy reads. */
function open(): {history: History; restored: boolean; close: () => void} {
  // As VaultSession.open: the file pinned before SQLite opens its path.
  const pinned = openSync(vault.path, 'r')
  const file = openVaultFile(vault.path)
  try {
    const loaded = loadJudgedHistory(file, pinned, cache(), {record: () => undefined, minBytes: 0})
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

function rowOf(kind: string, name: string): {id: string; body: Buffer; signature: Buffer} {
  const db = new Database(vault.path, {readonly: true})
  try {
    const rows = db.prepare('SELECT id, body, signature FROM ops').all() as {id: string; body: Buffer; signature: Buffer}[]
    return rows.filter((r) => {
      const op = JSON.parse(r.body.toString()) as {kind: string; data: {name?: string}}
      return op.kind === kind && op.data.name === name
    }).at(-1)!
  } finally {
    db.close()
  }
}

function sql(statement: string, ...params: unknown[]): void {
  const db = new Database(vault.path)
  db.prepare(statement).run(...params)
  db.close()
}

describe('loadJudgedHistory', () => {
  it('judges and keeps the state on first open, restores it on the next, with the same answers', () => {
    const first = open()
    expect(first.restored).toBe(false)
    first.close()
    const second = open()
    expect(second.restored).toBe(true)
    expect(summaries(second.history)).toEqual(summaries(judgedFresh()))
    const db = second.history.secret({name: 'DB_PASSWORD', environment: '*', branch: '*'})!
    expect(second.history.version(db.current).id).toBe(rowOf('secret.set', 'DB_PASSWORD').id)
    second.close()
  })

  it('judges afresh when any byte of the file changed: a row added, or removed', async () => {
    open().close()
    const store = vault.store()
    await store.add(secret('NEW_ONE'), async () => bytes('new-one-value'))
    store.close()
    const afterAdd = open()
    expect(afterAdd.restored).toBe(false)
    expect(afterAdd.history.secret({name: 'NEW_ONE', environment: '*', branch: '*'})).toBeDefined()
    afterAdd.close()
    expect(open().restored).toBe(true)

    // A deleted row: judged in full, which refuses the vault as it always did.
    sql('DELETE FROM ops WHERE id = ?', rowOf('secret.set', 'API_TOKEN').id)
    const thrown = (() => {
      try {
        open()
      } catch (error) {
        return error
      }
    })()
    expect(thrown).toBeInstanceOf(SecretsError)
    expect((thrown as SecretsError).exit).toBe(ExitCode.INTEGRITY)
  })

  it('checks a row read after the state was restored: bytes replaced, signature replaced or row gone are refused', () => {
    open().close()
    const row = rowOf('secret.set', 'SENTRY_DSN')
    const cases: [string, () => void, RegExp][] = [
      ['bytes', () => sql('UPDATE ops SET body = ? WHERE id = ?', Buffer.from(row.body.toString().replace('"secret.set"', '"secret.sat"')), row.id), /its bytes do not match its id/],
      ['signature', () => sql('UPDATE ops SET signature = ? WHERE id = ?', Buffer.alloc(64, 1), row.id), /it is not the operation this computer judged/],
      ['gone', () => sql('DELETE FROM ops WHERE id = ?', row.id), /is no longer in the vault file/],
    ]
    for (const [what, change, message] of cases) {
      const restored = open()
      expect(restored.restored, what).toBe(true)
      // The file changes after the state was restored (a checkout while a command runs).
      const original = readFileSync(vault.path)
      change()
      const secretRecord = restored.history.secret({name: 'SENTRY_DSN', environment: '*', branch: '*'})!
      let thrown: unknown
      try {
        void restored.history.version(secretRecord.current).data
      } catch (error) {
        thrown = error
      }

      expect(thrown, what).toBeInstanceOf(SecretsError)
      expect((thrown as SecretsError).exit, what).toBe(ExitCode.INTEGRITY)
      expect((thrown as Error).message, what).toMatch(message)
      restored.close()
      writeFileSync(vault.path, original)
    }
  })

  it('ignores a state written under another computer’s key, or altered, and judges the file itself', () => {
    open().close()
    const path = judgedStatePath(dirs.cacheDir, vaultId())
    const kept = readFileSync(path)
    // Another computer's key: the same file, judged there, is not vouched for here.
    const elsewhere = {cacheDir: join(home, 'cache-2'), configDir: join(home, 'config-2'), projects: [vault.dir]}
    const pinned = openSync(vault.path, 'r')
    const file = openVaultFile(vault.path)
    loadJudgedHistory(file, pinned, openJudgedCache(elsewhere, file.vaultId)!, {record: () => undefined, minBytes: 0})
    file.db.close()
    closeSync(pinned)
    writeFileSync(path, readFileSync(judgedStatePath(elsewhere.cacheDir, file.vaultId)))
    expect(open().restored).toBe(false)
    // One bit of the kept state flipped.
    const flipped = Buffer.from(kept)
    flipped[flipped.length - 10]! ^= 1
    writeFileSync(path, flipped)
    expect(open().restored).toBe(false)
    // Restored again once this computer wrote it again.
    expect(open().restored).toBe(true)
  })

  it('keeps nothing when a checkout replaces the file while SQLite has the old one open: the next open judges the new file', async () => {
    open().close()
    // The file as a checkout brings it: one more secret, written as a new file over the path.
    const before = readFileSync(vault.path)
    const store = vault.store()
    await store.add(secret('ARRIVED'), async () => bytes('arrived-value'))
    store.close()
    const after = readFileSync(vault.path)
    writeFileSync(vault.path, before)
    const kept = readFileSync(judgedStatePath(dirs.cacheDir, vaultId()))
    const pinned = openSync(vault.path, 'r')
    const file = openVaultFile(vault.path)
    // SQLite has the old file open; the checkout puts the new one at the path.
    const replacement = `${vault.path}.new`
    writeFileSync(replacement, after)
    renameSync(replacement, vault.path)
    const loaded = loadJudgedHistory(file, pinned, cache(), {record: () => undefined, minBytes: 0})
    file.db.close()
    closeSync(pinned)
    expect(loaded.restored).toBe(false)
    expect(loaded.history.secret({name: 'ARRIVED', environment: '*', branch: '*'})).toBeUndefined()
    expect(readFileSync(judgedStatePath(dirs.cacheDir, vaultId())).equals(kept)).toBe(true)
    const next = open()
    expect(next.restored).toBe(false)
    expect(next.history.secret({name: 'ARRIVED', environment: '*', branch: '*'})).toBeDefined()
    next.close()
  })

  it('judges small vaults in full, keeping nothing', () => {
    const pinned = openSync(vault.path, 'r')
    const file = openVaultFile(vault.path)
    const loaded = loadJudgedHistory(file, pinned, cache(), {record: () => undefined})
    file.db.close()
    closeSync(pinned)
    expect(loaded.restored).toBe(false)
    expect(() => readFileSync(judgedStatePath(dirs.cacheDir, file.vaultId))).toThrow(/ENOENT/)
  })
})
