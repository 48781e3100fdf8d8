// This computer's judged state of a vault (src/vault/store/judged-cache.ts) lets `get`, `run`,
// `list` and `check` skip judging a large vault whose file has not changed. A hostile member
// with push access (mallory, a developer who may read) attacks it after alice's computer has
// judged and kept the state: every change she makes to the file is judged as it would be
// without the cache, and a state she made on her own computer, or altered, is worth nothing
// on alice's. Each case compares alice's command with her cache to the same command on a
// computer that never judged the vault (`fresh`), and checks the file is left as it was.
import {copyFileSync, existsSync, mkdtempSync, readFileSync, statSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {deserialize, serialize} from 'node:v8'
import {createHmac} from 'node:crypto'

import Database from 'better-sqlite3'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {ExitCode} from '../../src/errors.js'
import type {HistorySnapshot} from '../../src/vault/access/history.js'
import {judgedStatePath} from '../../src/vault/store/judged-cache.js'
import {verifiedKeyPath} from '../../src/vault/store/private-cache.js'
import type {CliResult} from '../helpers/cli.js'
import {teamWithLargeVault} from '../helpers/large-vault.js'
import type {Team} from '../helpers/team.js'

let team: Team
let vaultId: string

beforeEach(async () => {
  const made = await teamWithLargeVault('read')
  team = made.team
  vaultId = made.vaultId
  // Alice's computer judges the vault and keeps the state; the second read restores it.
  expect(await team.value('alice', ['DB_PASSWORD'])).toBe('db-password-two')
  expect(existsSync(statePath('alice'))).toBe(true)
}, 60_000)

afterEach(() => team.cleanup())

function statePath(name: string): string {
  return judgedStatePath(join(team.people.get(name)!.home, '.cache'), vaultId)
}

/** The same command on alice's computer (her cache) and on one that never saw the vault. */
async function bothWays(args: string[]): Promise<{cached: CliResult; fresh: CliResult}> {
  const cached = await team.run('alice', args)
  // A config and a cache directory of its own: another computer.
  const fresh = await team.run('alice', args, {fresh: true, env: {XDG_CACHE_HOME: mkdtempSync(join(team.repo.root, 'cache-'))}})
  return {cached, fresh}
}

/** What a user sees, less the note a computer that never saw the vault prints about pinning it. */
function seen(result: CliResult): {code: number; stdout: string; stderr: string} {
  return {code: result.code, stdout: result.stdout, stderr: result.stderr.replace(/^note: first use of this vault.*\n/m, '')}
}

function rows(): {id: string; body: Buffer}[] {
  const db = new Database(team.repo.vaultPath, {readonly: true})
  try {
    return db.prepare('SELECT id, body FROM ops').all() as {id: string; body: Buffer}[]
  } finally {
    db.close()
  }
}

describe('the judged state of a vault, against a member with push access', () => {
  it('is alice’s alone (0600 in a 0700 directory) and is what her next commands read', async () => {
    expect(statSync(statePath('alice')).mode & 0o777).toBe(0o600)
    expect(statSync(join(statePath('alice'), '..')).mode & 0o777).toBe(0o700)
    const kept = readFileSync(statePath('alice'))
    for (const args of [['get', 'DB_PASSWORD'], ['list', '--json'], ['run', '--', 'true'], ['check']]) {
      const {cached, fresh} = await bothWays(args)
      expect(seen(cached), args.join(' ')).toEqual(seen(fresh))
    }

    // Nothing changed: the state was read, not judged and written again.
    expect(readFileSync(statePath('alice')).equals(kept)).toBe(true)
  })

  it('a row mallory deleted is refused as without it (exit 5), the file unchanged', async () => {
    const victim = rows().find((r) => r.body.toString().includes('"SECRET_0123"'))!
    const db = new Database(team.repo.vaultPath)
    db.prepare('DELETE FROM ops WHERE id = ?').run(victim.id)
    db.close()
    const before = team.repo.vaultBytes()
    for (const args of [['get', 'DB_PASSWORD'], ['list'], ['run', '--', 'true']]) {
      const {cached, fresh} = await bothWays(args)
      expect(cached.code, args.join(' ')).toBe(ExitCode.INTEGRITY)
      expect(seen(cached), args.join(' ')).toEqual(seen(fresh))
    }

    expect(team.repo.vaultBytes().equals(before)).toBe(true)
  })

  it('a version mallory forged with her own key (she may only read) is judged and ignored as without it', async () => {
    const forger = await team.forger('mallory')
    forger.writeValue({name: 'DB_PASSWORD', environment: '*', branch: '*'}, 'mallorys-password', {to: ['user:alice', 'user:mallory']})
    const {cached, fresh} = await bothWays(['get', 'DB_PASSWORD'])
    expect(cached.stdout).toBe('db-password-two')
    expect(seen(cached)).toEqual(seen(fresh))
  })

  it('a state mallory judged on her own computer, then altered to bring back the old password, is ignored', async () => {
    // Mallory's computer judges the same file and keeps the state under her own key.
    expect(await team.value('mallory', ['DB_PASSWORD'])).toBe('db-password-two')
    const hers = readFileSync(statePath('mallory'))
    // Her state says DB_PASSWORD's current version is the first one, signed again with her key.
    const payload = hers.subarray(8 + 32)
    const entry = deserialize(payload) as {build: string; digest: string; snapshot: HistorySnapshot}
    const table = entry.snapshot.secrets
    const at = table.names.indexOf('DB_PASSWORD')
    const versions = table.versions.subarray(table.versionStart[at]!, table.versionStart[at + 1]!)
    expect(versions.length).toBe(2)
    table.current[at] = versions[0]!
    const forged = serialize(entry)
    const key = readFileSync(verifiedKeyPath(join(team.people.get('mallory')!.home, '.config')))
    const mac = createHmac('sha256', key).update('secrets judged state\0').update(vaultId).update('\0').update(forged).digest()
    const planted = Buffer.concat([hers.subarray(0, 8), mac, forged])
    // With her own key her forged state is believed by her own computer: the format is right.
    writeFileSync(statePath('mallory'), planted)
    expect(await team.value('mallory', ['DB_PASSWORD'])).toBe('db-password-one')
    // Planted on alice's computer (a shared CI cache, a copied home directory): ignored.
    writeFileSync(statePath('alice'), planted)
    expect(await team.value('alice', ['DB_PASSWORD'])).toBe('db-password-two')
    expect(readFileSync(statePath('alice')).equals(planted)).toBe(false)
  })

  it('a rolled-back copy of the vault is refused by the pins as without it', async () => {
    const before = join(team.repo.root, 'before.db')
    copyFileSync(team.repo.vaultPath, before)
    await team.ok('alice', ['rotate', 'DB_PASSWORD'], {input: 'db-password-three'})
    expect(await team.value('alice', ['DB_PASSWORD'])).toBe('db-password-three')
    // Mallory pushes the vault as it was: alice's computer judged that very file before.
    copyFileSync(before, team.repo.vaultPath)
    const result = await team.run('alice', ['get', 'DB_PASSWORD'])
    expect(result.code).toBe(ExitCode.INTEGRITY)
    expect(result.stdout).toBe('')
  })
})
