// Red team, issue 10: a row duplicated under one id. `id TEXT PRIMARY KEY` is only an index: a
// member who writes the file's bytes can put two rows with the same id in the table (the index
// keeps one entry; `SELECT … FROM ops` scans the table and returns both). SECURITY.md section 8
// promises the integrity code (exit 5) for duplicated rows.
//
// - With the record of verified rows (verified-ops.ts), the second row skips its signature:
//   `known` holds ids, not rows, so a copy with a garbage signature is taken as verified
//   because its twin was. The client then fails later, differently from one without the record.
// - With or without the record, the duplicate reaches Dag.build and ends as "the history has a
//   cycle", exit 1 (ERROR), not the integrity code (this part predates issue 10).
//
// Fixed by refusing a second row with an id already read (integrity, exit 5) in verifiedOps,
// and by keying what was verified before by row (its index), not by id.
import {readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import Database from 'better-sqlite3'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {ExitCode} from '../../src/errors.js'
import {Team} from '../helpers/team.js'

let team: Team

beforeEach(async () => {
  team = await Team.create()
  await team.ok('alice', ['add', 'DB_PASSWORD'], {input: 'db-password-value-1'})
  // Alice's computer verifies and records every row.
  expect(await team.value('alice', ['DB_PASSWORD'])).toBe('db-password-value-1')
})

afterEach(() => team.cleanup())

/** A second row with the id and bytes of alice's secret.set and `signature`, past the unique index. */
function duplicateValueRow(signature: Buffer): void {
  const path = team.repo.vaultPath
  const db = new Database(path)
  const rows = db.prepare('SELECT id, body, signature FROM ops').all() as {id: string; body: Buffer; signature: Buffer}[]
  const row = rows.find((r) => (JSON.parse(r.body.toString()) as {kind: string}).kind === 'secret.set')!
  const other = row.id.slice(0, 63) + (row.id.endsWith('0') ? '1' : '0')
  db.prepare('INSERT INTO ops (id, body, signature) VALUES (?, ?, ?)').run(other, row.body, signature)
  db.pragma('journal_mode = DELETE')
  db.close()
  // The table's cell has the id followed by the body (`{`); the index's has a rowid after it.
  const bytes = readFileSync(path)
  const needle = Buffer.from(other)
  let patched = 0
  for (let at = bytes.indexOf(needle); at !== -1; at = bytes.indexOf(needle, at + 1)) {
    if (bytes[at + 64] === 0x7b) {
      Buffer.from(row.id).copy(bytes, at)
      patched++
    }
  }

  expect(patched).toBe(1)
  writeFileSync(path, bytes)
}

describe('a row duplicated under one id, past the unique index', () => {
  it('is an integrity error on the computer that recorded its twin, even with a garbage signature', async () => {
    duplicateValueRow(Buffer.alloc(64, 7))
    const result = await team.run('alice', ['get', 'DB_PASSWORD'])
    expect(result.code, result.stderr).toBe(ExitCode.INTEGRITY)
    expect(result.stderr).toMatch(/^error: integrity check failed/m)
  })

  it('is an integrity error on a computer without the record, the signature a copy of the valid one', async () => {
    const db = new Database(team.repo.vaultPath, {readonly: true})
    const signature = (db.prepare('SELECT body, signature FROM ops').all() as {body: Buffer; signature: Buffer}[]).find((r) => r.body.includes('"secret.set"'))!.signature
    db.close()
    duplicateValueRow(signature)
    const result = await team.run('alice', ['get', 'DB_PASSWORD'], {env: {XDG_CACHE_HOME: join(team.repo.root, 'no-record')}})
    expect(result.code, result.stderr).toBe(ExitCode.INTEGRITY)
    expect(result.stderr).toMatch(/^error: integrity check failed/m)
  })
})
