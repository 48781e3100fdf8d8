// A damaged vault file never gives a wrong value, a crash or a stack trace: each read returns
// the right value or fails with the integrity code (exit 5). Files that are no vault at all are
// refused with a clear error and left exactly as they are. 1,000+ random cases run in the soak
// (test/soak/tamper.soak.ts); here, a sample of each kind.
import {execFileSync} from 'node:child_process'
import {mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import Database from 'better-sqlite3'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {seeded} from '../helpers/spawn-cli.js'
import {TAMPER_KINDS, type TamperLab, install, readInProcess, readWithCli, tamperCase, tamperLab} from '../helpers/tamper-cases.js'

let lab: TamperLab

beforeAll(async () => {
  lab = await tamperLab()
}, 120_000)

afterAll(() => lab?.repo.cleanup())

describe('random damage to a vault file', () => {
  it.each(TAMPER_KINDS)('%s: every read gives the right value or an integrity error', async (kind) => {
    const random = seeded(4242 + TAMPER_KINDS.indexOf(kind))
    const outcomes = {same: 0, refused: 0}
    for (let i = 0; i < 12; i++) {
      const damage = tamperCase(lab, kind, random)
      install(lab, damage.bytes)
      outcomes[readInProcess(lab, `case ${i} (${damage.what})`)]++
    }

    // The real CLI, `get` and `run`, on one more case of this kind.
    const damage = tamperCase(lab, kind, random)
    install(lab, damage.bytes)
    await readWithCli(lab, damage.what)
    // Every row is read (an operation, or the vault id): a deleted one is always noticed. (A
    // duplicated row can be harmless: a second meta row under a new key is never read.)
    if (kind === 'delete-row') expect(outcomes.same).toBe(0)
    install(lab, lab.original)
  }, 120_000)
})

describe('a header that lies about the format', () => {
  it('a format-2 vault whose schema version says format 1 is refused as damaged, not sent to `secrets upgrade`', async () => {
    const bytes = Buffer.from(lab.original)
    // user_version, at offset 60 of the SQLite header.
    bytes.writeUInt32BE(1, 60)
    install(lab, bytes)
    const result = await lab.repo.run(lab.alice, ['get', 'PLAIN'])
    expect(result.code).toBe(5)
    expect(result.stderr).toMatch(/^error: the vault \S+ is refused: its schema has /)
    install(lab, lab.original)
  }, 60_000)
})

describe('files that are no vault', () => {
  let dir: string
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'secrets-not-a-vault-'))
  })
  afterAll(() => rmSync(dir, {recursive: true, force: true}))

  function foreignDatabase(name: string, wal: boolean): string {
    const path = join(dir, name)
    const db = new Database(path)
    if (wal) db.pragma('journal_mode = WAL')
    db.exec("CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('keep me')")
    db.close()
    return path
  }

  const files: Array<[string, () => string, RegExp]> = [
    ['an empty file', () => (writeFileSync(join(dir, 'empty.db'), ''), join(dir, 'empty.db')), /is an empty file$/],
    ['a text file', () => (writeFileSync(join(dir, 'notes.txt'), 'DB_PASSWORD=hunter2\n'.repeat(20)), join(dir, 'notes.txt')), /is not an sqlite database$/],
    ['another program\'s database', () => foreignDatabase('other.db', false), /is an sqlite database of another program$/],
    ['another program\'s database in WAL mode', () => foreignDatabase('other-wal.db', true), /is an sqlite database of another program$/],
  ]

  // A reader and a writer on each (the writers taking turns: add, run, rotate --key, list).
  const writers = [['add', 'NEW'], ['run', '--', 'true'], ['rotate', '--key'], ['list']]

  it.each(files)('%s: a clear integrity error from every command, and the file left exactly as it was', async (name, make, reason) => {
    const path = make()
    const before = readFileSync(path)
    const neighbours = readdirSync(dir).sort()
    for (const args of [['get', 'DB_PASSWORD'], writers[files.findIndex((f) => f[0] === name)]!]) {
      const result = await lab.repo.run(lab.alice, [args[0]!, '--vault', path, ...args.slice(1)], {input: 'a-value'})
      expect(result.code, `${args[0]}: ${result.stderr}`).toBe(5)
      const [error, hint, ...rest] = result.stderr.split('\n')
      expect(error).toMatch(/^error: not a secrets vault: /)
      expect(error!.slice('error: not a secrets vault: '.length)).toMatch(reason)
      expect(hint).toMatch(/^hint: /)
      expect(rest).toEqual([''])
    }

    expect(readFileSync(path).equals(before)).toBe(true)
    // No journal, -wal or -shm made beside it either.
    expect(readdirSync(dir).sort()).toEqual(neighbours)
  }, 60_000)

  it('another program\'s database still opens and holds its data', () => {
    const path = join(dir, 'other.db')
    expect(execFileSync('sqlite3', [path, 'SELECT body FROM notes'], {encoding: 'utf8'}).trim()).toBe('keep me')
  })
})
