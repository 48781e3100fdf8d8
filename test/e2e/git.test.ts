// Git as people use it: `enable` installs the drivers, two branches change the vault, `git
// merge` merges the two histories with no conflict, and `git diff`/`git log -p` show names,
// never values. A branch written by a member revoked meanwhile merges too, without counting.
import {existsSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {ATTRIBUTES_LINE, shellQuote} from '../../src/git/integration.js'
import {BIN, type CliResult, type Person, TempRepo} from '../helpers/cli.js'

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
async function git(...args: string[]): Promise<string> {
  const result = await repo.git(alice, ...args)
  if (result.code !== 0) throw new Error(`git ${args.join(' ')} exited ${result.code}: ${result.stderr.trim()}`)
  return result.stdout
}

async function config(key: string): Promise<string | undefined> {
  const result = await repo.git(alice, 'config', '--local', '--get', key)
  return result.code === 0 ? result.stdout.replace(/\n$/, '') : undefined
}

/** `secrets` as a person types it (alice unless `as` says otherwise), at a given time (SECRETS_NOW); it must succeed. */
async function secrets(args: string[], options: {input?: string; at?: string; as?: Person} = {}): Promise<string> {
  const result = await repo.run(options.as ?? alice, args, {input: options.input, env: options.at ? {SECRETS_NOW: options.at} : {}})
  expect(result.stderr).not.toMatch(/^error:/m)
  expect(result.code).toBe(0)
  return result.stdout
}

/** `git merge` as alice: the merge driver runs inside it. */
function gitMerge(branch: string): Promise<CliResult> {
  return repo.git(alice, 'merge', '--no-edit', branch)
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

const listed = async (name: string) => (JSON.parse(await secrets(['list', '--json'])) as Listed[]).find((s) => s.name === name)

async function enableAndCommit(): Promise<void> {
  await secrets(['enable'], {at: '2026-11-21T10:00:00Z'})
  await secrets(['add', 'DB_PASSWORD', '--description', 'main database'], {input: 'base-password-123', at: '2026-11-21T10:01:00Z'})
  await git('add', '.gitattributes', '.secrets')
  await git('commit', '-q', '-m', 'enable secrets')
}

describe('enable', () => {
  it('installs the attributes and the drivers for this installation, and a second enable changes nothing', async () => {
    writeFileSync(join(repo.dir, '.gitattributes'), '*.png binary')
    const first = await repo.run(alice, ['enable'])
    expect(first.code).toBe(0)
    expect(first.stderr).toContain("set up git's diff and merge drivers")

    const secretsCommand = `${shellQuote(process.execPath)} ${shellQuote(BIN)}`
    expect(readFileSync(join(repo.dir, '.gitattributes'), 'utf8')).toBe(`*.png binary\n${ATTRIBUTES_LINE}\n`)
    expect(await config('diff.secrets.textconv')).toBe(`${secretsCommand} diff-text`)
    expect(await config('merge.secrets.name')).toBe('secrets vault merge')
    expect(await config('merge.secrets.driver')).toBe(`${secretsCommand} merge-driver %O %A %B %P`)

    const files = ['.gitattributes', '.git/config', '.secrets/vault.db'].map((f) => join(repo.dir, f))
    const before = files.map((f) => readFileSync(f))
    const again = await repo.run(alice, ['enable'])
    expect(again.code).toBe(0)
    expect(again.stderr).toContain('already enabled')
    expect(again.stderr).toContain('(nothing changed)')
    files.forEach((f, i) => expect(readFileSync(f).equals(before[i]!)).toBe(true))
  })

  it('sets up the drivers in a clone of a repository whose vault exists (git config is not cloned)', async () => {
    await enableAndCommit()
    await git('config', '--remove-section', 'merge.secrets')
    await git('config', '--remove-section', 'diff.secrets')
    const again = await repo.run(alice, ['enable'])
    expect(again.code).toBe(0)
    expect(again.stderr).toContain("already enabled: ")
    expect(again.stderr).toContain("set up git's diff and merge drivers for it in this clone")
    expect(await config('merge.secrets.driver')).toMatch(/ merge-driver %O %A %B %P$/)
  })

  it('is undone by disable: the attributes line and both config sections go', async () => {
    await secrets(['enable'])
    await secrets(['disable', '--force'])
    expect(existsSync(join(repo.dir, '.gitattributes'))).toBe(false)
    expect(await config('diff.secrets.textconv')).toBeUndefined()
    expect(await config('merge.secrets.driver')).toBeUndefined()
    expect(await config('merge.secrets.name')).toBeUndefined()
  })
})

describe('git merge of two branches that changed the vault', () => {
  /**
   * Alice again, on a second computer: every computer pins the history it has seen and refuses
   * a vault that lost any of it, so one computer that wrote on branch a and then works on
   * branch b (which lacks a's operations) is refused until the branches are merged.
   */
  let aliceElsewhere: Person

  beforeEach(async () => {
    await enableAndCommit()
    aliceElsewhere = repo.person('alice-elsewhere', {SECRETS_IDENTITY: identityText(alice)})
    await git('checkout', '-q', '-b', 'a')
    await secrets(['add', 'A_TOKEN'], {input: 'value-of-a-token', at: '2026-11-22T10:00:00Z'})
    await secrets(['rotate', 'DB_PASSWORD'], {input: 'password-from-a', at: '2026-11-22T11:00:00Z'})
    await git('commit', '-q', '-am', 'a: A_TOKEN')
    await git('checkout', '-q', '-b', 'b', 'main')
    await secrets(['add', 'B_TOKEN', '--environment', 'production'], {input: 'value-of-b-token', at: '2026-11-22T10:30:00Z', as: aliceElsewhere})
    await secrets(['rotate', 'DB_PASSWORD'], {input: 'password-from-b', at: '2026-11-22T12:00:00Z', as: aliceElsewhere})
    await git('commit', '-q', '-am', 'b: B_TOKEN')
    await git('checkout', '-q', 'a')
  }, SLOW)

  it('merges with no conflict for git, keeps both secrets and both new versions, and reports the secret both changed', {timeout: SLOW}, async () => {
    const merge = await gitMerge('b')
    expect(merge.code).toBe(0)
    expect(merge.stderr).toContain(
      'secrets: DB_PASSWORD (environment *, branch *) was changed on both sides; both versions are kept and one is current until someone rotates it (`secrets list` shows CONFLICT)',
    )
    // git's own "CONFLICT (content): …" goes to stdout.
    expect(merge.stdout).not.toContain('CONFLICT')
    expect(await git('status', '--porcelain')).toBe('')
    expect((await git('log', '-1', '--format=%P')).trim().split(' ')).toHaveLength(2)

    expect(await secrets(['get', 'A_TOKEN'])).toBe('value-of-a-token')
    expect(await secrets(['get', 'B_TOKEN', '--environment', 'production'])).toBe('value-of-b-token')
    // Which of the two is current is decided by the history, not by the clocks: either, never lost.
    expect(['password-from-a', 'password-from-b']).toContain(await secrets(['get', 'DB_PASSWORD']))
    expect((await listed('DB_PASSWORD'))?.conflict).toBe(true)
    const history = JSON.parse(await secrets(['list', '--history', 'DB_PASSWORD', '--json'])) as {versions: Array<{createdAt: string; concurrent: boolean}>}
    expect(history.versions.map((v) => v.createdAt).sort()).toEqual(['2026-11-21T10:01:00.000Z', '2026-11-22T11:00:00.000Z', '2026-11-22T12:00:00.000Z'])
    expect(history.versions.map((v) => v.concurrent)).toEqual([false, true, true])

    // The merge commit against a's side: b's secret and the conflict appear as text, no value does.
    const diff = await git('diff', 'HEAD~1', '--', '.secrets/vault.db')
    expect(diff).toContain('+  B_TOKEN  environment production, branch *')
    expect(diff).toContain('-  DB_PASSWORD  environment *, branch *')
    expect(diff).toContain('+  DB_PASSWORD  environment *, branch *  CONFLICT')
    expect(diff).toMatch(/^\+ {4}version 3 {2}2026-11-22T1[12]:00:00\.000Z by user:alice@example\.com {2}key [0-9a-f]{12}/m)
    expect(diff).not.toMatch(/Binary files/)

    const log = await git('log', '-p', '--format=commit %s')
    expect(log).toContain('+  A_TOKEN  environment *, branch *')
    expect(log).toContain('+  DB_PASSWORD  environment *, branch *')
    expect(log).toContain('+    description "main database"')
    for (const value of ['base-password-123', 'value-of-a-token', 'value-of-b-token', 'password-from-a', 'password-from-b']) {
      expect(log).not.toContain(value)
      expect(diff).not.toContain(value)
    }

    // A rotation after the merge settles it.
    await secrets(['rotate', 'DB_PASSWORD'], {input: 'password-after-merge', at: '2026-11-23T10:00:00Z'})
    expect((await listed('DB_PASSWORD'))?.conflict).toBe(false)
    expect(await secrets(['get', 'DB_PASSWORD'])).toBe('password-after-merge')
  })

  it('gives git a conflict, and leaves our vault, when the other branch holds a different vault', {timeout: SLOW}, async () => {
    await git('checkout', '-q', 'b')
    await secrets(['disable', '--force'], {as: aliceElsewhere})
    await secrets(['enable'], {as: aliceElsewhere})
    await git('add', '-A')
    await git('commit', '-q', '-m', 'b: a new vault')
    await git('checkout', '-q', 'a')
    const ours = repo.vaultBytes()

    const merge = await gitMerge('b')

    expect(merge.code).not.toBe(0)
    expect(merge.stderr).toMatch(/^error: secrets cannot merge \.secrets\/vault\.db: the two sides are different vaults \(.*\)$/m)
    expect(merge.stdout).toContain('CONFLICT')
    expect(repo.vaultBytes().equals(ours)).toBe(true)
  })
})

describe('git merge of a branch written by a member revoked on main meanwhile', () => {
  it("merges, says that the revoked member's operation no longer counts, and the owner's value stays current", {timeout: SLOW}, async () => {
    const bob = repo.person('bob')
    const bobRecipient = (JSON.parse((await repo.run(bob, ['identity', '--json'])).stdout) as {recipient: string}).recipient
    await enableAndCommit()
    await secrets(['permit', 'user:bob', '--recipient', bobRecipient, '--role', 'developer', '--scopes', 'read,create,update'], {at: '2026-11-21T10:02:00Z'})
    await git('commit', '-q', '-am', 'permit bob')
    // Bob's branch forks here; on main, alice then revokes him and commits that.
    await git('branch', 'bob-branch')
    await secrets(['permit', 'user:bob', '--revoke'], {at: '2026-11-22T09:00:00Z'})
    await git('commit', '-q', '-am', 'revoke bob')

    // On his branch the revocation is not there: bob's own client lets him write, as it must.
    await git('checkout', '-q', 'bob-branch')
    await secrets(['rotate', 'DB_PASSWORD'], {input: 'password-from-revoked-bob', at: '2026-11-22T10:00:00Z', as: bob})
    await git('commit', '-q', '-am', 'bob: rotate DB_PASSWORD')
    await git('checkout', '-q', 'main')

    const merge = await gitMerge('bob-branch')

    expect(merge.code).toBe(0)
    expect(merge.stdout).not.toContain('CONFLICT')
    expect(merge.stderr).toMatch(
      /^secrets: operation [0-9a-f]{12} \(set DB_PASSWORD \(environment \*, branch \*\), by user:bob\) no longer counts: user:bob wrote it in a history that had not seen their revocation by user:alice@example\.com \([0-9a-f]{12}\)$/m,
    )
    expect(await git('status', '--porcelain')).toBe('')
    expect(await secrets(['get', 'DB_PASSWORD'])).toBe('base-password-123')
    expect((await listed('DB_PASSWORD'))?.conflict).toBe(false)
    // The diff of the merge shows the operation that does not count, never bob's value.
    const diff = await git('diff', 'HEAD~1', '--', '.secrets/vault.db')
    expect(diff).toContain('+operations that do not count (1)')
    expect(diff).not.toContain('password-from-revoked-bob')
  })
})
