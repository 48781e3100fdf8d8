// The commands around the history as a user meets them: `log` (who did what, what does not
// count, the checkpoint for CI), `protect` (signed protected branches), `trust` and pins across
// git branches, SECRETS_TRUST.
import {afterEach, beforeAll, beforeEach, describe, expect, it} from 'vitest'

import {loadSodium} from '../../src/crypto/sodium.js'
import {ExitCode} from '../../src/errors.js'
import {git} from '../helpers/cli.js'
import {Team} from '../helpers/team.js'

let team: Team

beforeAll(async () => {
  await loadSodium()
})

beforeEach(async () => {
  team = await Team.create()
})

afterEach(() => team.cleanup())

describe('secrets log', () => {
  it('shows who did what in causal order, what does not count and why, and the checkpoint; it needs no identity', async () => {
    await team.permit('bob', 'developer', 'read')
    await team.ok('alice', ['add', 'TOKEN'], {input: 'token-value-1'})
    const forged = (await team.forger('bob')).writeValue({name: 'TOKEN', environment: '*', branch: '*'}, 'bob-value', {to: ['user:alice']})

    const view = JSON.parse((await team.ok('carol', ['log', '--json'])).stdout) as {entries: {id: string; author: string; kind: string; summary: string; valid: boolean; reason: string | null}[]; heads: string[]}
    expect(view.entries.map((e) => [e.author, e.summary])).toEqual([
      ['user:alice', 'created the vault with user:alice as owner'],
      ['user:alice', 'made a key for environment *, branch *, sealed to user:alice'],
      ['user:alice', 'added user:bob as developer'],
      ['user:alice', 'let user:bob read in environment *, branch *'],
      ['user:alice', 'shared key ' + view.entries[1]!.id.slice(0, 12) + ' with user:bob'],
      ['user:alice', 'set TOKEN (environment *, branch *)'],
      ['user:bob', 'set TOKEN (environment *, branch *)'],
    ])
    expect(view.entries.at(-1)).toMatchObject({id: forged.id, valid: false, reason: 'user:bob (developer) could not update secret TOKEN in environment *, branch * in the history it saw'})
    expect(view.heads).toEqual([forged.id])

    const text = (await team.ok('carol', ['log'])).stdout.split('\n')
    expect(text).toContain(`checkpoint for CI: SECRETS_TRUST=${forged.id}`)
    expect(text.find((l) => l.startsWith(forged.id.slice(0, 12)))).toMatch(/user:bob {2}set TOKEN \(environment \*, branch \*\) {2}VOID: user:bob \(developer\) could not update/)
  })
})

describe('secrets protect', () => {
  it('shows main and master by default; an owner sets the list, and --protected secrets resolve by it', async () => {
    expect((await team.ok('alice', ['protect'])).stdout).toBe('main, master\n')
    await team.ok('alice', ['add', 'DEPLOY_KEY', '--protected', '--variable'], {input: 'deploy-key-value'})
    const plan = async (branch: string) => (JSON.parse((await team.ok('alice', ['run', '--branch', branch, '--dry-run', '--json', '--', 'true'])).stdout) as {variables: {variable: string}[]}).variables.map((v) => v.variable)
    expect(await plan('release/1')).toEqual([])
    expect((await team.ok('alice', ['protect', 'main', 'release/*'])).stderr).toBe('protected branches are now: main, release/*\n')
    expect(await plan('release/1')).toEqual(['DEPLOY_KEY'])
    expect(await plan('master')).toEqual([])
    expect((await team.ok('alice', ['protect', '--none'])).stderr).toBe('protected branches are now: none\n')
    expect(await plan('main')).toEqual([])
  })

  it('is refused to a developer and for an invalid pattern, with the vault unchanged', async () => {
    await team.permit('bob', 'developer', 'read,create,update')
    const before = team.repo.vaultBytes()
    const denied = await team.run('bob', ['protect', '*'])
    expect(denied.code).toBe(ExitCode.PERMISSION_DENIED)
    expect(denied.stderr).toMatch(/^error: user:bob \(developer\) may not change protected branches: maintainers and owners do$/m)
    const invalid = await team.run('alice', ['protect', 'bad..name'])
    expect(invalid.code).toBe(ExitCode.USAGE)
    expect(invalid.stderr.split('\n')[0]).toBe('error: invalid branch scope: "bad..name"')
    expect(team.repo.vaultBytes().equals(before)).toBe(true)
  })
})

describe('pins across branches, secrets trust and SECRETS_TRUST', () => {
  it('switching between branches that changed the vault is not a rollback', async () => {
    const base = await team.commit('base')
    await team.checkout('a', base)
    await team.ok('alice', ['add', 'A_SECRET'], {input: 'a-value-123'})
    await team.commit('a')
    await team.checkout('b', base)
    const onB = await team.ok('alice', ['add', 'B_SECRET'], {input: 'b-value-123'})
    expect(onB.stderr).toMatch(/^note: the vault on branch b lacks 1 operation\(s\) this computer saw on other branches \(set A_SECRET/)
    await team.commit('b')
    await team.checkout('a')
    expect((await team.ok('alice', ['get', 'A_SECRET'])).stdout).toBe('a-value-123')
    await team.checkout('main')
    expect((await team.ok('alice', ['list', '--json'])).stdout).toBe('[]\n')
  })

  it('refuses a vault the user reset themselves, and secrets trust accepts it, naming what was dropped', async () => {
    await team.ok('alice', ['add', 'KEEP'], {input: 'keep-value-1'})
    await team.commit('keep')
    await team.ok('alice', ['add', 'DISCARD'], {input: 'discard-value'})
    await git(team.repo.dir, 'checkout', '--', '.secrets/vault.db')
    const refused = await team.run('alice', ['list'])
    expect(refused.code).toBe(ExitCode.INTEGRITY)
    expect(refused.stderr).toContain('`secrets trust` accepts it as it is')
    const trusted = await team.ok('alice', ['trust'])
    expect(trusted.stderr).toMatch(/^dropped [0-9a-f]{12} \(set DISCARD \(environment \*, branch \*\), by user:alice\)\nthis computer now trusts the vault as it is on branch main\n$/)
    expect((await team.ok('alice', ['get', 'KEEP'])).stdout).toBe('keep-value-1')
    expect((await team.ok('alice', ['trust'])).stderr).toBe('nothing to accept: the vault holds everything this computer has seen on branch main\n')
  })

  it('SECRETS_TRUST takes whole operation ids (comma-separated), and refuses anything else', async () => {
    const head = team.history().heads[0]!
    expect((await team.run('alice', ['list'], {fresh: true, env: {SECRETS_TRUST: head}})).code).toBe(0)
    expect((await team.run('alice', ['list'], {fresh: true, env: {SECRETS_TRUST: `${team.history().ops[0]!.id},${head}`}})).code).toBe(0)
    const short = await team.run('alice', ['list'], {fresh: true, env: {SECRETS_TRUST: head.slice(0, 12)}})
    expect(short.code).toBe(ExitCode.USAGE)
    expect(short.stderr.split('\n')[0]).toBe(`error: SECRETS_TRUST must list whole operation ids (64 hex digits): "${head.slice(0, 12)}"`)
    // A fresh clone with a checkpoint says nothing about trusting what it found: the checkpoint is the trust.
    expect((await team.run('alice', ['list'], {fresh: true, env: {SECRETS_TRUST: head}})).stderr).toBe('')
  })

})
