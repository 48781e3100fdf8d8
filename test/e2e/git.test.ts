// Git as people use it: `enable` installs the drivers, two branches change the vault, `git
// merge` merges it with no conflict, and `git diff`/`git log -p` show names, never values.
import {execFileSync, spawnSync} from 'node:child_process'
import {existsSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {ATTRIBUTES_LINE, shellQuote} from '../../src/git/integration.js'
import {BIN, type Person, TempRepo} from '../helpers/cli.js'

let repo: TempRepo
let alice: Person

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

/** `secrets` as a person types it, at a given time (SECRETS_NOW), which must succeed. */
function secrets(args: string[], options: {input?: string; at?: string} = {}): string {
  const result = repo.run(alice, args, {input: options.input, env: options.at ? {SECRETS_NOW: options.at} : {}})
  expect(result.stderr).not.toMatch(/^error:/m)
  expect(result.code).toBe(0)
  return result.stdout
}

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
  beforeEach(() => {
    enableAndCommit()
    git('checkout', '-q', '-b', 'a')
    secrets(['add', 'A_TOKEN'], {input: 'value-of-a-token', at: '2026-11-22T10:00:00Z'})
    secrets(['rotate', 'DB_PASSWORD'], {input: 'password-from-a', at: '2026-11-22T11:00:00Z'})
    git('commit', '-q', '-am', 'a: A_TOKEN')
    git('checkout', '-q', '-b', 'b', 'main')
    secrets(['add', 'B_TOKEN', '--environment', 'production'], {input: 'value-of-b-token', at: '2026-11-22T10:30:00Z'})
    secrets(['rotate', 'DB_PASSWORD'], {input: 'password-from-b', at: '2026-11-22T12:00:00Z'})
    git('commit', '-q', '-am', 'b: B_TOKEN')
    git('checkout', '-q', 'a')
  })

  it('merges with no conflict, keeps both secrets and both new versions, and reports the secret both changed', () => {
    const merge = spawnSync('git', ['merge', '--no-edit', 'b'], {cwd: repo.dir, env: repo.envFor(alice), encoding: 'utf8'})
    expect(merge.status).toBe(0)
    expect(merge.stderr).toContain(
      'secrets: DB_PASSWORD (environment *, branch *) was changed on both sides; kept both versions, the newer is current',
    )
    expect(`${merge.stdout}${merge.stderr}`).not.toContain('CONFLICT')
    expect(git('status', '--porcelain')).toBe('')
    expect(git('log', '-1', '--format=%P').trim().split(' ')).toHaveLength(2)

    expect(secrets(['get', 'A_TOKEN'])).toBe('value-of-a-token')
    expect(secrets(['get', 'B_TOKEN'])).toBe('value-of-b-token')
    // The newer rotation (b's, at 12:00) is current; a's is kept in the history.
    expect(secrets(['get', 'DB_PASSWORD'])).toBe('password-from-b')
    const history = JSON.parse(secrets(['list', '--history', 'DB_PASSWORD', '--json'])) as {versions: Array<{createdAt: string}>}
    expect(history.versions.map((v) => v.createdAt)).toEqual(['2026-11-21T10:01:00.000Z', '2026-11-22T11:00:00.000Z', '2026-11-22T12:00:00.000Z'])

    // The merge commit against a's side: b's secret and version appear as text, no value does.
    const diff = git('diff', 'HEAD~1', '--', '.secrets/vault.db')
    expect(diff).toContain('+  B_TOKEN  environment production  branch *')
    expect(diff).toContain('+    version 3  2026-11-22T12:00:00.000Z by user:alice@example.com  key epoch 1  current')
    expect(diff).not.toMatch(/Binary files/)

    const log = git('log', '-p', '--format=commit %s')
    expect(log).toContain('+  A_TOKEN  environment *  branch *')
    expect(log).toContain('+  DB_PASSWORD  environment *  branch *')
    expect(log).toContain('+    description "main database"')
    for (const value of ['base-password-123', 'value-of-a-token', 'value-of-b-token', 'password-from-a', 'password-from-b']) {
      expect(log).not.toContain(value)
      expect(diff).not.toContain(value)
    }
  })

  it('gives git a conflict, and leaves our vault, when the other branch holds a different vault', () => {
    git('checkout', '-q', 'b')
    secrets(['disable', '--force'])
    secrets(['enable'])
    git('add', '-A')
    git('commit', '-q', '-m', 'b: a new vault')
    git('checkout', '-q', 'a')
    const ours = repo.vaultBytes()

    const merge = spawnSync('git', ['merge', '--no-edit', 'b'], {cwd: repo.dir, env: repo.envFor(alice), encoding: 'utf8'})

    expect(merge.status).not.toBe(0)
    expect(merge.stderr).toMatch(/^error: secrets cannot merge \.secrets\/vault\.db: the two sides are different vaults \(.*\)$/m)
    expect(merge.stdout).toContain('CONFLICT')
    expect(repo.vaultBytes().equals(ours)).toBe(true)
  })
})
