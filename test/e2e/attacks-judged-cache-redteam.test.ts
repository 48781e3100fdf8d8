// Red team against the judged-state cache (src/vault/store/judged-cache.ts). mallory (a developer
// who may read and update, with push access) tries to make alice's computer act on a restored
// judgement that differs from what a full judgement of the same file, with the same pins, says.
// Each case compares alice's command through her cache with the same command on the same
// computer state (a copy of her config directory: same pins, same key) but an empty cache.
// Every test asserts the secure behaviour: a failing test is a finding.
import {createHmac} from 'node:crypto'
import {chmodSync, cpSync as copyDir, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, symlinkSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {deserialize, serialize} from 'node:v8'

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
  const made = await teamWithLargeVault('read,update')
  team = made.team
  vaultId = made.vaultId
  await team.commit('many secrets')
}, 120_000)

afterEach(() => team.cleanup())

function home(name: string): string {
  return team.people.get(name)!.home
}

function statePath(name: string): string {
  return judgedStatePath(join(home(name), '.cache'), vaultId)
}

function identityLine(name: string): string {
  return readFileSync(join(home(name), '.config', 'secrets', 'identity'), 'utf8').split('\n').find((l) => l.startsWith('SECRETS-IDENTITY-'))!
}

/** A private copy of alice's config directory (her pins and her cache key), outside any worktree. */
function copyOfConfig(name: string): string {
  const dir = mkdtempSync(join(team.repo.root, `config-copy-${name}-`))
  copyDir(join(home(name), '.config'), dir, {recursive: true})
  chmodSync(join(dir, 'secrets'), 0o700)
  return dir
}

/**
 * The same command through alice's judged state and judged in full, from the same computer
 * state (pins, key): the config directory is copied first, so neither run sees the other's pins.
 */
async function cachedAndFull(args: string[]): Promise<{cached: CliResult; full: CliResult; restored: boolean}> {
  const a = copyOfConfig('alice')
  const b = copyOfConfig('alice')
  const cacheDir = join(home('alice'), '.cache')
  const before = existsSync(statePath('alice')) ? statSync(statePath('alice')).ino : undefined
  const cached = await team.run('alice', args, {env: {XDG_CONFIG_HOME: a, XDG_CACHE_HOME: cacheDir}})
  // A state rewritten is a new file (a rename): the same inode means it was restored, not judged.
  const restored = before !== undefined && statSync(statePath('alice')).ino === before
  const full = await team.run('alice', args, {env: {XDG_CONFIG_HOME: b, XDG_CACHE_HOME: mkdtempSync(join(team.repo.root, 'cache-'))}})
  return {cached, full, restored}
}

function seen(result: CliResult): {code: number; stdout: string; stderr: string} {
  return {code: result.code, stdout: result.stdout, stderr: result.stderr}
}

/** alice reads the vault as it is now, so that her computer keeps its judged state. */
async function aliceJudges(): Promise<void> {
  await team.run('alice', ['list'], {env: {XDG_CACHE_HOME: join(home('alice'), '.cache')}})
  expect(existsSync(statePath('alice'))).toBe(true)
}

/** mallory's own state of the current file, altered so DB_PASSWORD's first version is current, MAC'd under her key. */
async function malloryForgedState(): Promise<{key: Buffer; state: Buffer}> {
  expect((await team.run('mallory', ['get', 'DB_PASSWORD'], {env: {XDG_CACHE_HOME: join(home('mallory'), '.cache')}})).stdout).toBe('db-password-two')
  const hers = readFileSync(statePath('mallory'))
  const entry = deserialize(hers.subarray(8 + 32)) as {build: string; digest: string; snapshot: HistorySnapshot}
  const table = entry.snapshot.secrets
  const at = table.names.indexOf('DB_PASSWORD')
  const versions = table.versions.subarray(table.versionStart[at]!, table.versionStart[at + 1]!)
  table.current[at] = versions[0]!
  const forged = serialize(entry)
  const key = readFileSync(verifiedKeyPath(join(home('mallory'), '.config')))
  const mac = createHmac('sha256', key).update('secrets judged state\0').update(vaultId).update('\0').update(forged).digest()
  return {key, state: Buffer.concat([hers.subarray(0, 8), mac, forged])}
}

/** Plants `key` and `state` under `root`/.ci as a checkout makes files: 0755 directories, 0644 files. */
function plantCiDirs(root: string, planted: {key: Buffer; state: Buffer}): Record<string, string> {
  mkdirSync(join(root, '.ci', 'config', 'secrets'), {recursive: true})
  mkdirSync(join(root, '.ci', 'cache', 'secrets', 'judged'), {recursive: true})
  writeFileSync(join(root, '.ci', 'config', 'secrets', 'verified.key'), planted.key)
  writeFileSync(join(root, '.ci', 'cache', 'secrets', 'judged', `${vaultId}.bin`), planted.state)
  const fix = (dir: string): void => {
    chmodSync(dir, 0o755)
    for (const e of readdirSync(dir, {withFileTypes: true})) {
      if (e.isDirectory()) fix(join(dir, e.name))
      else chmodSync(join(dir, e.name), 0o644)
    }
  }

  fix(join(root, '.ci'))
  return {XDG_CONFIG_HOME: join(root, '.ci', 'config'), XDG_CACHE_HOME: join(root, '.ci', 'cache'), SECRETS_IDENTITY: identityLine('alice')}
}

describe('red team: the judged-state cache', () => {
  it('a branch judged before mallory was revoked on main: restored, it is still refused as judged in full', async () => {
    const base = await team.commit('base')
    // mallory's branch: she rotates DB_PASSWORD there, legitimately (she may update).
    await team.checkout('mallory/work', base)
    await team.ok('mallory', ['rotate', 'DB_PASSWORD'], {input: 'mallorys-value'})
    await team.commit('mallory rotates')
    // alice looks at the branch (a review): her computer keeps the judged state of that file.
    await aliceJudges()
    expect((await team.run('alice', ['get', 'DB_PASSWORD'], {env: {XDG_CACHE_HOME: join(home('alice'), '.cache')}})).stdout).toBe('mallorys-value')
    // On main alice revokes mallory; her computer sees the revocation.
    await team.checkout('main')
    await team.ok('alice', ['permit', 'user:mallory', '--revoke'])
    await team.commit('revoke mallory')
    await team.ok('alice', ['list'], {env: {XDG_CACHE_HOME: join(home('alice'), '.cache')}})
    // Back on mallory's branch: the very bytes alice's computer judged before the revocation.
    await team.checkout('mallory/work')
    // The state file holds one entry per vault id (main's now): a first read of the branch, from
    // a throwaway copy of alice's config, keeps the state of this file again, under her key.
    await team.run('alice', ['list'], {env: {XDG_CONFIG_HOME: copyOfConfig('alice'), XDG_CACHE_HOME: join(home('alice'), '.cache')}})
    for (const args of [['get', 'DB_PASSWORD'], ['run', '--', 'sh', '-c', 'printf %s "$DB_PASSWORD"'], ['list'], ['check']]) {
      const {cached, full, restored} = await cachedAndFull(args)
      expect(restored, args.join(' ')).toBe(true)
      expect(seen(cached), args.join(' ')).toEqual(seen(full))
      expect(cached.stdout, args.join(' ')).not.toContain('mallorys-value')
    }

    const get = await team.run('alice', ['get', 'DB_PASSWORD'], {env: {XDG_CACHE_HOME: join(home('alice'), '.cache')}})
    expect(get.code).toBe(ExitCode.INTEGRITY)
    expect(get.stderr).toMatch(/lacks the revocation of user:mallory/)
  }, 120_000)

  it('an operation mallory forged is warned about on a branch not pinned yet, restored or not', async () => {
    const forger = await team.forger('mallory')
    // mallory may not create: a new secret of hers does not count.
    forger.writeValue({name: 'NEW_FROM_MALLORY', environment: '*', branch: '*'}, 'planted', {to: ['user:alice', 'user:mallory']})
    await team.commit('forged')
    await aliceJudges()
    // Another branch at the same commit: the same bytes, a branch alice's pins have not seen.
    await team.checkout('review', 'HEAD')
    for (const args of [['get', 'DB_PASSWORD'], ['list'], ['get', 'NEW_FROM_MALLORY']]) {
      const {cached, full, restored} = await cachedAndFull(args)
      expect(restored, args.join(' ')).toBe(true)
      expect(seen(cached), args.join(' ')).toEqual(seen(full))
    }
  }, 120_000)

  it('SECRETS_TRUST names an operation a rolled-back copy lacks: refused restored as in full', async () => {
    const old = readFileSync(team.repo.vaultPath)
    const cacheDir = join(home('alice'), '.cache')
    // A CI-like computer (a config of its own, no pins) with a persistent cache judges the old file.
    const ciConfig = mkdtempSync(join(team.repo.root, 'cfg-'))
    const ciEnv = {XDG_CONFIG_HOME: ciConfig, XDG_CACHE_HOME: cacheDir, SECRETS_IDENTITY: identityLine('alice')}
    expect((await team.run('alice', ['get', 'DB_PASSWORD'], {env: ciEnv})).stdout).toBe('db-password-two')
    await team.ok('alice', ['rotate', 'DB_PASSWORD'], {input: 'db-password-three'})
    const heads = (JSON.parse((await team.ok('alice', ['log', '--json'])).stdout) as {heads: string[]}).heads
    // mallory pushes the old file back; the CI job pins the newest head with SECRETS_TRUST.
    writeFileSync(team.repo.vaultPath, old)
    const before = statSync(statePath('alice')).ino
    const trusted = await team.run('alice', ['get', 'DB_PASSWORD'], {env: {...ciEnv, SECRETS_TRUST: heads.join(',')}})
    expect(statSync(statePath('alice')).ino).toBe(before)
    expect(trusted.code).toBe(ExitCode.INTEGRITY)
    expect(trusted.stdout).toBe('')
    expect(trusted.stderr).toMatch(/does not hold the trusted checkpoint/)
  }, 120_000)

  it('a CI checkout without .git (a tarball) with XDG_CONFIG_HOME and XDG_CACHE_HOME in it: mallory’s planted key and state are not used', async () => {
    const planted = await malloryForgedState()
    // She commits both into the repository, where the CI job keeps its config and cache; the
    // job's checkout has no .git (a source tarball, as actions/checkout makes without git).
    const ci = join(team.repo.root, 'ci-build')
    copyDir(team.repo.dir, ci, {recursive: true, filter: (source) => !source.split('/').includes('.git')})
    expect(existsSync(join(ci, '.git'))).toBe(false)
    const env = plantCiDirs(ci, planted)
    const get = await team.repo.run(team.person('alice'), ['get', 'DB_PASSWORD'], {cwd: ci, env})
    expect(get.stdout).toBe('db-password-two')
    const run = await team.repo.run(team.person('alice'), ['run', '--', 'sh', '-c', 'test "$DB_PASSWORD" = db-password-one && echo ROLLED-BACK || echo ok'], {cwd: ci, env})
    expect(run.stdout).not.toContain('ROLLED-BACK')
  }, 120_000)

  it('control: the same planted key and state in a git checkout are not used', async () => {
    const planted = await malloryForgedState()
    const env = plantCiDirs(team.repo.dir, planted)
    const get = await team.repo.run(team.person('alice'), ['get', 'DB_PASSWORD'], {env})
    expect(get.stdout).toBe('db-password-two')
  }, 120_000)

  it('XDG_CONFIG_HOME and XDG_CACHE_HOME are symlinks (outside the checkout) to directories inside a git checkout: mallory’s planted key and state are not used', async () => {
    const planted = await malloryForgedState()
    const inRepo = plantCiDirs(team.repo.dir, planted)
    // The runner links its cache and config into the project directory so that they are kept.
    const links = mkdtempSync(join(team.repo.root, 'runner-home-'))
    symlinkSync(inRepo.XDG_CONFIG_HOME!, join(links, 'config'))
    symlinkSync(inRepo.XDG_CACHE_HOME!, join(links, 'cache'))
    const env = {...inRepo, XDG_CONFIG_HOME: join(links, 'config'), XDG_CACHE_HOME: join(links, 'cache')}
    const get = await team.repo.run(team.person('alice'), ['get', 'DB_PASSWORD'], {env})
    expect(get.stdout).toBe('db-password-two')
  }, 120_000)
})
