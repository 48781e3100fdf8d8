// A secret's life as a user lives it: rotate, history, reminders, check, re-key, disable.
import {existsSync, readdirSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import Database from 'better-sqlite3'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {loadSodium} from '../../src/crypto/sodium.js'
import {ExitCode} from '../../src/errors.js'
import {git, type Person, TempRepo} from '../helpers/cli.js'
import {historyOfFile} from '../helpers/forge.js'

let repo: TempRepo
let alice: Person

beforeEach(async () => {
  repo = new TempRepo()
  alice = repo.person('alice')
  expect((await repo.run(alice, ['enable'])).code).toBe(0)
})

afterEach(() => repo.cleanup())

const DAY = 24 * 60 * 60 * 1000
const inDays = (days: number) => new Date(Date.now() + days * DAY).toISOString()

describe('rotate', () => {
  it('rotating twice gives three versions in the history and the newest value from get', async () => {
    await repo.run(alice, ['add', 'DB_PASSWORD'], {input: 'first-value-1'})
    expect((await repo.run(alice, ['rotate', 'DB_PASSWORD'], {input: 'second-value-2'})).stderr).toContain('version 2')
    expect((await repo.run(alice, ['rotate', 'DB_PASSWORD'], {input: 'third-value-3'})).stderr).toContain('version 3')
    expect((await repo.run(alice, ['get', 'DB_PASSWORD'])).stdout).toBe('third-value-3')

    const history = JSON.parse((await repo.run(alice, ['list', '--history', 'DB_PASSWORD', '--json'])).stdout) as {
      versions: Array<{version: number; createdAt: string; author: string; current: boolean}>
    }
    expect(history.versions.map((v) => [v.version, v.author, v.current])).toEqual([
      [1, 'user:alice@example.com', false],
      [2, 'user:alice@example.com', false],
      [3, 'user:alice@example.com', true],
    ])
    const human = await repo.run(alice, ['list', '--history', 'DB_PASSWORD'])
    expect(human.stdout).toMatch(/^3\s+\S+ \S+\s+user:alice@example.com\s+current$/m)
    for (const value of ['first-value-1', 'second-value-2', 'third-value-3']) {
      expect(human.stdout).not.toContain(value)
      expect(repo.vaultBytes().includes(Buffer.from(value))).toBe(false)
    }
  })

  it('keeps versions in order even with a frozen clock', async () => {
    const frozen = {SECRETS_NOW: '2026-06-01T00:00:00Z'}
    await repo.run(alice, ['add', 'TOKEN'], {input: 'value-one-1', env: frozen})
    await repo.run(alice, ['rotate', 'TOKEN'], {input: 'value-two-2', env: frozen})
    await repo.run(alice, ['rotate', 'TOKEN'], {input: 'value-three-3', env: frozen})
    expect((await repo.run(alice, ['get', 'TOKEN'])).stdout).toBe('value-three-3')
  })

  it('generates a URL-safe value of the asked length', async () => {
    await repo.run(alice, ['add', 'API_KEY'], {input: 'initial-value-1'})
    const rotated = await repo.run(alice, ['rotate', 'API_KEY', '--generate', '--length', '48'])
    expect(rotated.code).toBe(0)
    expect(rotated.stdout).toBe('')
    const value = (await repo.run(alice, ['get', 'API_KEY'])).stdout
    expect(value).toMatch(/^[A-Za-z0-9_-]{48}$/)
    await repo.run(alice, ['rotate', 'API_KEY', '--generate'])
    expect((await repo.run(alice, ['get', 'API_KEY'])).stdout).toMatch(/^[A-Za-z0-9_-]{32}$/)
  })

  it.each([
    [['rotate', 'MISSING'], 'x-value-123', ExitCode.NOT_FOUND, /secret not found: MISSING/],
    [['rotate', 'TOKEN', '--generate', '--length', '4'], '', ExitCode.USAGE, /--length must be a whole number from 8 to 4096: 4/],
    [['rotate', 'TOKEN'], '', ExitCode.USAGE, /the value is empty/],
    [['rotate'], '', ExitCode.USAGE, /which secret\?/],
    [['rotate', 'TOKEN', '--key'], '', ExitCode.USAGE, /takes no secret name/],
    [['rotate', 'TOKEN', '--length', '9'], '', ExitCode.USAGE, /--generate/],
  ])('refuses %j with one line and the vault unchanged', async (args, input, code, message) => {
    await repo.run(alice, ['add', 'TOKEN'], {input: 'token-value-1'})
    const before = repo.vaultBytes()
    const result = await repo.run(alice, args, {input})
    expect(result.code).toBe(code)
    expect(result.stderr).toMatch(message)
    expect(repo.vaultBytes().equals(before)).toBe(true)
  })
})

describe('rotation reminders', () => {
  it('says OK now, OVERDUE 30 days ahead, and check fails only then', async () => {
    await repo.run(alice, ['add', 'DEPLOY_KEY', '--rotation-days', '7'], {input: 'deploy-key-value'})
    const now = JSON.parse((await repo.run(alice, ['list', '--json'])).stdout) as Array<{rotation: {status: string}}>
    expect(now[0]!.rotation.status).toBe('OK')
    expect((await repo.run(alice, ['list'])).stdout).toMatch(/DEPLOY_KEY .* OK \(/)

    const later = {SECRETS_NOW: inDays(30)}
    const overdue = JSON.parse((await repo.run(alice, ['list', '--json'], {env: later})).stdout) as Array<{rotation: {status: string}}>
    expect(overdue[0]!.rotation.status).toBe('OVERDUE')
    expect((await repo.run(alice, ['list', '--json'], {env: {SECRETS_NOW: inDays(3)}})).stdout).toContain('"APPROACHING"')

    const failed = await repo.run(alice, ['check'], {env: later})
    expect(failed.code).toBe(ExitCode.CHECK_FAILED)
    expect(failed.stderr).toMatch(/^overdue: DEPLOY_KEY \(environment \*, branch \*\) was due on \d{4}-\d{2}-\d{2}$/m)
    const passed = await repo.run(alice, ['check'])
    expect(passed.code).toBe(0)
    expect(passed.stderr).toContain('ok: no secret is overdue for rotation or exposed')
  })

  it('restarts the reminder when the value is rotated', async () => {
    const then = {SECRETS_NOW: inDays(30)}
    await repo.run(alice, ['add', 'DEPLOY_KEY', '--rotation-days', '7'], {input: 'deploy-key-value'})
    expect((await repo.run(alice, ['check'], {env: then})).code).toBe(ExitCode.CHECK_FAILED)
    await repo.run(alice, ['rotate', 'DEPLOY_KEY'], {input: 'deploy-key-value-2', env: then})
    expect((await repo.run(alice, ['check'], {env: then})).code).toBe(0)
  })

  it('warns once per overdue secret that a run injects', async () => {
    await repo.run(alice, ['add', 'OLD_KEY', '--variable', '--rotation-days', '7'], {input: 'old-key-value-1'})
    await repo.run(alice, ['add', 'FRESH_KEY', '--variable'], {input: 'fresh-key-value'})
    const result = await repo.run(alice, ['run', '--', 'true'], {env: {SECRETS_NOW: inDays(10)}})
    expect(result.code).toBe(0)
    expect(result.stderr).toMatch(/^warning: OLD_KEY \(environment \*, branch \*\) is overdue for rotation since \d{4}-\d{2}-\d{2}: run `secrets rotate OLD_KEY`\n$/)
  })

  it('gives check --json the lists', async () => {
    await repo.run(alice, ['add', 'A_KEY', '--rotation-days', '7'], {input: 'a-key-value-1'})
    const result = await repo.run(alice, ['check', '--json'], {env: {SECRETS_NOW: inDays(8)}})
    expect(result.code).toBe(ExitCode.CHECK_FAILED)
    expect(JSON.parse(result.stdout)).toMatchObject({ok: false, overdue: [{name: 'A_KEY'}], exposed: [], approaching: []})
  })
})

describe('rotate --key', () => {
  it('makes a new key for every scope; values written afterwards use it, stored ones keep theirs and still read back', async () => {
    const values: Record<string, string> = {}
    for (const [name, env] of [['A', '*'], ['B', 'production'], ['C', 'staging']] as const) {
      values[name] = `value-of-${name}-1234`
      await repo.run(alice, ['add', name, '--environment', env], {input: values[name]})
    }

    await repo.run(alice, ['rotate', 'A'], {input: 'value-of-A-v2'})
    values.A = 'value-of-A-v2'
    await loadSodium()
    const before = historyOfFile(repo.vaultPath)
    const keyOf = (history: typeof before, scope: {environment: string; branch: string}) => history.op(history.currentKey(scope)!).id

    const result = await repo.run(alice, ['rotate', '--key', '--json'])
    expect(result.code).toBe(0)
    expect(JSON.parse(result.stdout)).toEqual({scopes: 3, skipped: 0})
    const after = historyOfFile(repo.vaultPath)
    for (const scope of [{environment: '*', branch: '*'}, {environment: 'production', branch: '*'}, {environment: 'staging', branch: '*'}]) {
      expect(keyOf(after, scope)).not.toBe(keyOf(before, scope))
    }

    // The history is append-only: every earlier operation, ciphertexts included, is still there.
    expect(after.ops.slice(0, before.ops.length).map((op) => op.id)).toEqual(before.ops.map((op) => op.id))
    expect((await repo.run(alice, ['get', 'A'])).stdout).toBe(values.A)
    expect((await repo.run(alice, ['get', 'B', '--environment', 'production'])).stdout).toBe(values.B)
    expect((await repo.run(alice, ['get', 'C', '--environment', 'staging'])).stdout).toBe(values.C)
    const history = JSON.parse((await repo.run(alice, ['list', '--history', 'A', '--json'])).stdout) as {versions: unknown[]}
    expect(history.versions).toHaveLength(2)

    // New values go under the new keys.
    await repo.run(alice, ['add', 'D'], {input: 'value-of-D-1234'})
    await repo.run(alice, ['rotate', 'B', '--environment', 'production'], {input: 'value-of-B-v2'})
    const latest = historyOfFile(repo.vaultPath)
    expect(latest.version(latest.secret({name: 'D', environment: '*', branch: '*'})!.current).data.key).toBe(keyOf(after, {environment: '*', branch: '*'}))
    expect(latest.version(latest.secret({name: 'B', environment: 'production', branch: '*'})!.current).data.key).toBe(keyOf(after, {environment: 'production', branch: '*'}))
    expect((await repo.run(alice, ['get', 'D'])).stdout).toBe('value-of-D-1234')
  })

  it('is refused to a developer, with the vault unchanged', async () => {
    const bob = repo.person('bob')
    const recipient = (JSON.parse((await repo.run(bob, ['identity', '--json'])).stdout) as {recipient: string}).recipient
    await repo.run(alice, ['permit', 'user:bob', '--recipient', recipient, '--role', 'developer', '--scopes', 'read'])
    const before = repo.vaultBytes()
    const result = await repo.run(bob, ['rotate', '--key'])
    expect(result.code).toBe(ExitCode.PERMISSION_DENIED)
    expect(result.stderr).toMatch(/^error: user:bob \(developer\) may not re-key the vault$/m)
    expect(repo.vaultBytes().equals(before)).toBe(true)
  })
})

describe('disable', () => {
  async function enableGitIntegration(): Promise<void> {
    // What `enable` adds for git (written here so disable's clean-up can be checked).
    writeFileSync(join(repo.dir, '.gitattributes'), '*.png binary\n.secrets/vault.db binary diff=secrets merge=secrets\n')
    await git(repo.dir, 'config', 'diff.secrets.textconv', 'secrets diff-text')
    await git(repo.dir, 'config', 'merge.secrets.driver', 'secrets merge-driver %O %A %B')
  }

  it('refuses without a terminal and without --force, deleting nothing', async () => {
    const before = repo.vaultBytes()
    const result = await repo.run(alice, ['disable'])
    expect(result.code).toBe(ExitCode.USAGE)
    expect(result.stderr).toBe('error: refusing to disable the vault without a terminal to confirm on\nhint: pass --force to delete it from a script\n')
    expect(repo.vaultBytes().equals(before)).toBe(true)
  })

  it('with --force deletes the vault and what enable added, and says it cannot be undone', async () => {
    await enableGitIntegration()
    await repo.run(alice, ['add', 'X'], {input: 'x-value-123'})
    const result = await repo.run(alice, ['disable', '--force'])
    expect(result.code).toBe(0)
    expect(result.stderr).toContain('cannot be undone')
    expect(existsSync(join(repo.dir, '.secrets'))).toBe(false)
    // This computer's pin of the vault's history went with it.
    expect(readdirSync(join(alice.home, '.config', 'secrets', 'pins'))).toEqual([])
    expect(readFileSync(join(repo.dir, '.gitattributes'), 'utf8')).toBe('*.png binary\n')
    await expect(git(repo.dir, 'config', '--get', 'merge.secrets.driver')).rejects.toThrow()
    expect((await repo.run(alice, ['list'])).code).toBe(ExitCode.NO_VAULT)
  })

  it('removes the holder record a writer killed mid-write left beside the vault, and lists it', async () => {
    // A pid no process has (above Linux's pid_max), as a kill -9 during a write leaves it.
    const record = join(repo.dir, '.secrets', 'vault.db.4194304999.holder.tmp')
    writeFileSync(record, '{"pid":4194304999,"command":"secrets add","since":"2026-01-01T00:00:00.000Z"}\n')
    const result = await repo.run(alice, ['disable', '--force'])
    expect(result.code).toBe(0)
    expect(result.stderr).toContain('vault.db.4194304999.holder.tmp')
    expect(existsSync(join(repo.dir, '.secrets'))).toBe(false)
  })

  it('asks for the repository name on a terminal and deletes only when it matches', async () => {
    const wrong = await repo.runInTerminal(alice, ['disable'], 'not-the-name\r')
    expect(wrong.stdout).toContain('cannot be undone')
    expect(wrong.stdout).toContain('not confirmed: nothing was deleted')
    expect(existsSync(repo.vaultPath)).toBe(true)
    const right = await repo.runInTerminal(alice, ['disable'], 'repo\r')
    expect(right.code).toBe(0)
    expect(existsSync(repo.vaultPath)).toBe(false)
  })
})
