// Git as people use it: `enable` installs the drivers, two branches change the vault, `git
// merge` merges the two histories with no conflict, and `git diff`/`git log -p` show names,
// never values. A branch written by a member revoked meanwhile merges too, without counting.
import {execFileSync, spawnSync} from 'node:child_process'
import {existsSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {ATTRIBUTES_LINE, shellQuote} from '../../src/git/integration.js'
import {BIN, type Person, TempRepo} from '../helpers/cli.js'

let repo: TempRepo
let alice: Person

/** Tests that spawn the CLI twenty-odd times (git runs it too, for every diff and merge): room on a busy machine. */
const SLOW = 90_000

beforeEach(() => {
  repo = new TempRepo()
  alice = repo.person('alice')
})

afterEach(() => repo.cleanup())

/** git in the repository, with the person's environment (the drivers run inside it). */
function git(...args: string[]): string {
  return execFileSync('git', args, {cwd: repo.dir, env: repo.envFor(alice), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe']})
}

function config(key: string): string | undefined {
  const result = spawnSync('git', ['config', '--local', '--get', key], {cwd: repo.dir, encoding: 'utf8'})
  return result.status === 0 ? result.stdout.replace(/\n$/, '') : undefined
}

/** `secrets` as a person types it (alice unless `as` says otherwise), at a given time (SECRETS_NOW); it must succeed. */
function secrets(args: string[], options: {input?: string; at?: string; as?: Person} = {}): string {
  const result = repo.run(options.as ?? alice, args, {input: options.input, env: options.at ? {SECRETS_NOW: options.at} : {}})
  expect(result.stderr).not.toMatch(/^error:/m)
  expect(result.code).toBe(0)
  return result.stdout
}

/** `git merge` as alice: the merge driver runs inside it. */
function gitMerge(branch: string) {
  return spawnSync('git', ['merge', '--no-edit', branch], {cwd: repo.dir, env: repo.envFor(alice), encoding: 'utf8'})
}

/** The identity text in a person's identity file (SECRETS_KEYCHAIN=off keeps it there). */
function identityText(person: Person): string {
  return readFileSync(join(person.home, '.config', 'secrets', 'identity'), 'utf8').split('\n').find((l) => l.startsWith('SECRETS-IDENTITY-'))!
}

interface Listed {
  name: string
  conflict: boolean
  exposed: boolean
}

const listed = (name: string) => (JSON.parse(secrets(['list', '--json'])) as Listed[]).find((s) => s.name === name)

function enableAndCommit(): void {
  secrets(['enable'], {at: '2026-11-21T10:00:00Z'})
  secrets(['add', 'DB_PASSWORD', '--description', 'main database'], {input: 'base-password-123', at: '2026-11-21T10:01:00Z'})
  git('add', '.gitattributes', '.secrets')
  git('commit', '-q', '-m', 'enable secrets')
}

describe('enable', () => {
  it('installs the attributes and the drivers for this installation, and a second enable changes nothing', () => {
    writeFileSync(join(repo.dir, '.gitattributes'), '*.png binary')
    const first = repo.run(alice, ['enable'])
    expect(first.code).toBe(0)
    expect(first.stderr).toContain("set up git's diff and merge drivers")

    const secretsCommand = `${shellQuote(process.execPath)} ${shellQuote(BIN)}`
    expect(readFileSync(join(repo.dir, '.gitattributes'), 'utf8')).toBe(`*.png binary\n${ATTRIBUTES_LINE}\n`)
    expect(config('diff.secrets.textconv')).toBe(`${secretsCommand} diff-text`)
    expect(config('merge.secrets.name')).toBe('secrets vault merge')
    expect(config('merge.secrets.driver')).toBe(`${secretsCommand} merge-driver %O %A %B %P`)

    const files = ['.gitattributes', '.git/config', '.secrets/vault.db'].map((f) => join(repo.dir, f))
    const before = files.map((f) => readFileSync(f))
    const again = repo.run(alice, ['enable'])
    expect(again.code).toBe(0)
    expect(again.stderr).toContain('already enabled')
    expect(again.stderr).toContain('(nothing changed)')
    files.forEach((f, i) => expect(readFileSync(f).equals(before[i]!)).toBe(true))
  })

  it('sets up the drivers in a clone of a repository whose vault exists (git config is not cloned)', () => {
    enableAndCommit()
    git('config', '--remove-section', 'merge.secrets')
    git('config', '--remove-section', 'diff.secrets')
    const again = repo.run(alice, ['enable'])
    expect(again.code).toBe(0)
    expect(again.stderr).toContain("already enabled: ")
    expect(again.stderr).toContain("set up git's diff and merge drivers for it in this clone")
    expect(config('merge.secrets.driver')).toMatch(/ merge-driver %O %A %B %P$/)
  })

  it('is undone by disable: the attributes line and both config sections go', () => {
    secrets(['enable'])
    secrets(['disable', '--force'])
    expect(existsSync(join(repo.dir, '.gitattributes'))).toBe(false)
    expect(config('diff.secrets.textconv')).toBeUndefined()
    expect(config('merge.secrets.driver')).toBeUndefined()
    expect(config('merge.secrets.name')).toBeUndefined()
  })
})

describe('git merge of two branches that changed the vault', () => {
  /**
   * Alice again, on a second computer: every computer pins the history it has seen and refuses
   * a vault that lost any of it, so one computer that wrote on branch a and then works on
   * branch b (which lacks a's operations) is refused until the branches are merged.
   */
  let aliceElsewhere: Person

  beforeEach(() => {
    enableAndCommit()
    aliceElsewhere = repo.person('alice-elsewhere', {SECRETS_IDENTITY: identityText(alice)})
    git('checkout', '-q', '-b', 'a')
    secrets(['add', 'A_TOKEN'], {input: 'value-of-a-token', at: '2026-11-22T10:00:00Z'})
    secrets(['rotate', 'DB_PASSWORD'], {input: 'password-from-a', at: '2026-11-22T11:00:00Z'})
    git('commit', '-q', '-am', 'a: A_TOKEN')
    git('checkout', '-q', '-b', 'b', 'main')
    secrets(['add', 'B_TOKEN', '--environment', 'production'], {input: 'value-of-b-token', at: '2026-11-22T10:30:00Z', as: aliceElsewhere})
    secrets(['rotate', 'DB_PASSWORD'], {input: 'password-from-b', at: '2026-11-22T12:00:00Z', as: aliceElsewhere})
    git('commit', '-q', '-am', 'b: B_TOKEN')
    git('checkout', '-q', 'a')
  }, SLOW)

  it('merges with no conflict for git, keeps both secrets and both new versions, and reports the secret both changed', {timeout: SLOW}, () => {
    const merge = gitMerge('b')
    expect(merge.status).toBe(0)
    expect(merge.stderr).toContain(
      'secrets: DB_PASSWORD (environment *, branch *) was changed on both sides; both versions are kept and one is current until someone rotates it (`secrets list` shows CONFLICT)',
    )
    // git's own "CONFLICT (content): …" goes to stdout.
    expect(merge.stdout).not.toContain('CONFLICT')
    expect(git('status', '--porcelain')).toBe('')
    expect(git('log', '-1', '--format=%P').trim().split(' ')).toHaveLength(2)

    expect(secrets(['get', 'A_TOKEN'])).toBe('value-of-a-token')
    expect(secrets(['get', 'B_TOKEN', '--environment', 'production'])).toBe('value-of-b-token')
    // Which of the two is current is decided by the history, not by the clocks: either, never lost.
    expect(['password-from-a', 'password-from-b']).toContain(secrets(['get', 'DB_PASSWORD']))
    expect(listed('DB_PASSWORD')?.conflict).toBe(true)
    const history = JSON.parse(secrets(['list', '--history', 'DB_PASSWORD', '--json'])) as {versions: Array<{createdAt: string; concurrent: boolean}>}
    expect(history.versions.map((v) => v.createdAt).sort()).toEqual(['2026-11-21T10:01:00.000Z', '2026-11-22T11:00:00.000Z', '2026-11-22T12:00:00.000Z'])
    expect(history.versions.map((v) => v.concurrent)).toEqual([false, true, true])

    // The merge commit against a's side: b's secret and the conflict appear as text, no value does.
    const diff = git('diff', 'HEAD~1', '--', '.secrets/vault.db')
    expect(diff).toContain('+  B_TOKEN  environment production, branch *')
    expect(diff).toContain('-  DB_PASSWORD  environment *, branch *')
    expect(diff).toContain('+  DB_PASSWORD  environment *, branch *  CONFLICT')
    expect(diff).toMatch(/^\+ {4}version 3 {2}2026-11-22T1[12]:00:00\.000Z by user:alice@example\.com {2}key [0-9a-f]{12}/m)
    expect(diff).not.toMatch(/Binary files/)

    const log = git('log', '-p', '--format=commit %s')
    expect(log).toContain('+  A_TOKEN  environment *, branch *')
    expect(log).toContain('+  DB_PASSWORD  environment *, branch *')
    expect(log).toContain('+    description "main database"')
    for (const value of ['base-password-123', 'value-of-a-token', 'value-of-b-token', 'password-from-a', 'password-from-b']) {
      expect(log).not.toContain(value)
      expect(diff).not.toContain(value)
    }

    // A rotation after the merge settles it.
    secrets(['rotate', 'DB_PASSWORD'], {input: 'password-after-merge', at: '2026-11-23T10:00:00Z'})
    expect(listed('DB_PASSWORD')?.conflict).toBe(false)
    expect(secrets(['get', 'DB_PASSWORD'])).toBe('password-after-merge')
  })

  it('gives git a conflict, and leaves our vault, when the other branch holds a different vault', {timeout: SLOW}, () => {
    git('checkout', '-q', 'b')
    secrets(['disable', '--force'], {as: aliceElsewhere})
    secrets(['enable'], {as: aliceElsewhere})
    git('add', '-A')
    git('commit', '-q', '-m', 'b: a new vault')
    git('checkout', '-q', 'a')
    const ours = repo.vaultBytes()

    const merge = gitMerge('b')

    expect(merge.status).not.toBe(0)
    expect(merge.stderr).toMatch(/^error: secrets cannot merge \.secrets\/vault\.db: the two sides are different vaults \(.*\)$/m)
    expect(merge.stdout).toContain('CONFLICT')
    expect(repo.vaultBytes().equals(ours)).toBe(true)
  })
})

describe('git merge of a branch written by a member revoked on main meanwhile', () => {
  it("merges, says that the revoked member's operation no longer counts, and the owner's value stays current", {timeout: SLOW}, () => {
    const bob = repo.person('bob')
    const bobRecipient = (JSON.parse(repo.run(bob, ['identity', '--json']).stdout) as {recipient: string}).recipient
    enableAndCommit()
    secrets(['permit', 'user:bob', '--recipient', bobRecipient, '--role', 'developer', '--scopes', 'read,create,update'], {at: '2026-11-21T10:02:00Z'})
    git('commit', '-q', '-am', 'permit bob')
    // Bob's branch forks here; on main, alice then revokes him and commits that.
    git('branch', 'bob-branch')
    secrets(['permit', 'user:bob', '--revoke'], {at: '2026-11-22T09:00:00Z'})
    git('commit', '-q', '-am', 'revoke bob')

    // On his branch the revocation is not there: bob's own client lets him write, as it must.
    git('checkout', '-q', 'bob-branch')
    secrets(['rotate', 'DB_PASSWORD'], {input: 'password-from-revoked-bob', at: '2026-11-22T10:00:00Z', as: bob})
    git('commit', '-q', '-am', 'bob: rotate DB_PASSWORD')
    git('checkout', '-q', 'main')

    const merge = gitMerge('bob-branch')

    expect(merge.status).toBe(0)
    expect(merge.stdout).not.toContain('CONFLICT')
    expect(merge.stderr).toMatch(
      /^secrets: operation [0-9a-f]{12} \(set DB_PASSWORD \(environment \*, branch \*\), by user:bob\) no longer counts: user:bob wrote it in a history that had not seen their revocation by user:alice@example\.com \([0-9a-f]{12}\)$/m,
    )
    expect(git('status', '--porcelain')).toBe('')
    expect(secrets(['get', 'DB_PASSWORD'])).toBe('base-password-123')
    expect(listed('DB_PASSWORD')?.conflict).toBe(false)
    // The diff of the merge shows the operation that does not count, never bob's value.
    const diff = git('diff', 'HEAD~1', '--', '.secrets/vault.db')
    expect(diff).toContain('+operations that do not count (1)')
    expect(diff).not.toContain('password-from-revoked-bob')
  })
})
