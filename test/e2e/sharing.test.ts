// Two people (two HOMEs) and a CI machine on one repository: permit, read, refuse, revoke,
// forged rows and a rewritten log.
import Database from 'better-sqlite3'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {Identity} from '../../src/crypto/identity.js'
import {loadSodium} from '../../src/crypto/sodium.js'
import {ExitCode} from '../../src/errors.js'
import {type Person, TempRepo} from '../helpers/cli.js'
import {Forger, historyOfFile} from '../helpers/forge.js'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'

let repo: TempRepo
let alice: Person
let bob: Person

beforeEach(async () => {
  repo = new TempRepo()
  alice = repo.person('alice')
  bob = repo.person('bob')
  expect((await repo.run(alice, ['enable'])).code).toBe(0)
  await repo.run(alice, ['add', 'DB_PASSWORD', '--environment', 'production'], {input: 'production-password'})
  await repo.run(alice, ['add', 'DB_PASSWORD', '--environment', 'staging'], {input: 'staging-password'})
})

afterEach(() => repo.cleanup())

async function recipientOf(person: Person): Promise<string> {
  return (JSON.parse((await repo.run(person, ['identity', '--json'])).stdout) as {recipient: string}).recipient
}

function identityOf(person: Person): Identity {
  const text = readFileSync(join(person.home, '.config', 'secrets', 'identity'), 'utf8').split('\n').find((l) => l.startsWith('SECRETS-IDENTITY-'))!
  return Identity.parse(text)
}

async function permitBob(scopes = 'read'): Promise<void> {
  const result = await repo.run(alice, ['permit', 'user:bob', '--recipient', await recipientOf(bob), '--role', 'developer', '--scopes', scopes])
  expect(result.stderr).toBe('added user:bob\n')
  expect(result.code).toBe(0)
}

/** Scopes whose current key `identity` holds a copy of: what new values there are encrypted under. */
function currentKeysHeldBy(identity: Identity): string[] {
  const history = historyOfFile(repo.vaultPath)
  const mine = new Set(history.allMembers().filter((m) => m.recipient === identity.recipient.toString()).map((m) => m.id))
  return history
    .keyScopes()
    .filter((scope) => [...history.holders(history.currentKey(scope)!)].some((id) => mine.has(id)))
    .map((scope) => `${scope.environment}/${scope.branch}`)
    .sort()
}

describe('permit and read', () => {
  it("Bob's identity → Alice permits read → Bob reads; Bob's add is refused, vault unchanged", async () => {
    await permitBob()
    expect(await repo.run(bob, ['get', 'DB_PASSWORD', '--environment', 'production'])).toMatchObject({code: 0, stdout: 'production-password'})
    const before = repo.vaultBytes()
    const added = await repo.run(bob, ['add', 'BOBS_SECRET'], {input: 'bob-value-123'})
    expect(added.code).toBe(ExitCode.PERMISSION_DENIED)
    expect(added.stderr.split('\n')[0]).toBe('error: user:bob (developer) may not create secret BOBS_SECRET (environment *, branch *)')
    expect(repo.vaultBytes().equals(before)).toBe(true)
  })

  it('lets a member with create add, and a group rule grant read', async () => {
    await permitBob('read,create')
    expect((await repo.run(bob, ['add', 'BOBS_SECRET'], {input: 'bob-value-123'})).code).toBe(0)
    expect((await repo.run(alice, ['get', 'BOBS_SECRET'])).stdout).toBe('bob-value-123')

    const carol = repo.person('carol')
    await repo.run(alice, ['permit', 'user:carol', '--recipient', await recipientOf(carol), '--role', 'reporter', '--scopes', 'create'])
    expect((await repo.run(carol, ['get', 'DB_PASSWORD', '--environment', 'staging'])).code).toBe(ExitCode.PERMISSION_DENIED)
    expect((await repo.run(alice, ['permit', 'group:ops', '--members', 'carol', '--scopes', 'read', '--environment', 'staging'])).code).toBe(0)
    expect((await repo.run(carol, ['get', 'DB_PASSWORD', '--environment', 'staging'])).stdout).toBe('staging-password')
    expect((await repo.run(carol, ['get', 'DB_PASSWORD', '--environment', 'production'])).code).toBe(ExitCode.PERMISSION_DENIED)
  })

  it('shows members, groups and rules to owners and maintainers only', async () => {
    await permitBob()
    const view = JSON.parse((await repo.run(alice, ['permit', '--json'])).stdout) as {members: Array<{name: string; role: string}>; rules: Array<{principal: string; actions: string[]}>}
    expect(view.members.map((m) => [m.name, m.role])).toEqual([['user:alice@example.com', 'owner'], ['user:bob', 'developer']])
    expect(view.rules).toEqual([{principal: 'user:bob', actions: ['read'], environment: '*', branch: '*', createdAt: expect.any(String)}])
    const denied = await repo.run(bob, ['permit'])
    expect(denied.code).toBe(ExitCode.PERMISSION_DENIED)
    expect((await repo.run(bob, ['permit', 'role:developer', '--scopes', 'read,create'])).code).toBe(ExitCode.PERMISSION_DENIED)
  })

  it.each([
    [['permit', 'bob', '--scopes', 'read'], /invalid principal: "bob"/],
    [['permit', 'role:admin', '--scopes', 'read'], /unknown role: admin/],
    [['permit', 'role:developer', '--scopes', 'read,fly'], /invalid --scopes: "read,fly"/],
    [['permit', 'user:dave', '--scopes', 'read'], /a new member needs --recipient/],
    [['permit', 'user:dave', '--recipient', 'secrets1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq', '--scopes', 'read'], /invalid recipient/],
    [['permit', 'user:nobody', '--revoke'], /no member user:nobody/],
  ])('refuses %j with one line and the vault unchanged', async (args, message) => {
    const before = repo.vaultBytes()
    const result = await repo.run(alice, args)
    expect(result.code).not.toBe(0)
    expect(result.stderr.split('\n')[0]).toMatch(message)
    expect(repo.vaultBytes().equals(before)).toBe(true)
  })
})

describe('machine members', () => {
  it('a machine limited to production reads production through SECRETS_IDENTITY and cannot decrypt others', async () => {
    const created = await repo.run(alice, ['permit', 'machine:ci', '--scopes', 'read', '--environment', 'production'])
    expect(created.code).toBe(0)
    const machine = created.stdout.trim()
    expect(machine).toMatch(/^SECRETS-IDENTITY-1[A-Z0-9]+$/)
    expect(created.stderr).toContain('shown once')
    expect(repo.vaultBytes().includes(Buffer.from(machine))).toBe(false)

    const ci = repo.person('ci', {SECRETS_IDENTITY: machine})
    expect((await repo.run(ci, ['get', 'DB_PASSWORD', '--environment', 'production'])).stdout).toBe('production-password')
    expect((await repo.run(ci, ['get', 'DB_PASSWORD', '--environment', 'staging'])).code).toBe(ExitCode.PERMISSION_DENIED)
    // And not by policy alone: it holds no key to the staging value.
    await loadSodium()
    const history = historyOfFile(repo.vaultPath)
    const member = history.allMembers().find((m) => m.name === 'machine:ci')!
    const held = history.keyScopes().filter((scope) => history.keysOf(scope).some((k) => history.holders(k).has(member.id)))
    expect(held).toEqual([{environment: 'production', branch: '*'}])
  })
})

describe('revocation', () => {
  it('after --revoke Bob decrypts neither old nor new values, and what he could read is exposed until rotated', async () => {
    await permitBob()
    await loadSodium()
    const bobIdentity = identityOf(bob)
    expect(currentKeysHeldBy(bobIdentity)).toEqual(['*/*', 'production/*', 'staging/*'])

    const revoked = await repo.run(alice, ['permit', 'user:bob', '--revoke'])
    expect(revoked.code).toBe(0)
    expect(revoked.stderr).toContain('made new keys for the scopes they could read')
    expect(currentKeysHeldBy(bobIdentity)).toEqual([])
    expect((await repo.run(bob, ['get', 'DB_PASSWORD', '--environment', 'production'])).code).toBe(ExitCode.PERMISSION_DENIED)

    await repo.run(alice, ['add', 'NEW_SECRET'], {input: 'new-secret-value'})
    expect(currentKeysHeldBy(bobIdentity)).toEqual([])

    const listed = JSON.parse((await repo.run(alice, ['list', '--json'])).stdout) as Array<{name: string; environment: string; exposed: boolean}>
    expect(listed.map((s) => [s.name, s.environment, s.exposed])).toEqual([
      ['DB_PASSWORD', 'production', true],
      ['DB_PASSWORD', 'staging', true],
      ['NEW_SECRET', '*', false],
    ])
    expect((await repo.run(alice, ['check'])).code).toBe(ExitCode.CHECK_FAILED)
    await repo.run(alice, ['rotate', 'DB_PASSWORD', '--environment', 'production'], {input: 'new-production-password'})
    await repo.run(alice, ['rotate', 'DB_PASSWORD', '--environment', 'staging'], {input: 'new-staging-password'})
    expect((await repo.run(alice, ['check'])).code).toBe(0)
    expect((await repo.run(alice, ['get', 'DB_PASSWORD', '--environment', 'production'])).stdout).toBe('new-production-password')
  })
})

describe('forgery', () => {
  it('ignores, naming it, an operation written by someone without the right; the vault still opens', async () => {
    await permitBob()
    await loadSodium()
    // Bob writes a signed secret straight into the file with his own tool, though he may only read.
    const forged = Forger.open(repo.vaultPath, identityOf(bob)).writeValue({name: 'FORGED', environment: 'production', branch: '*'}, 'forged-value', {to: ['user:alice@example.com']})

    const listed = await repo.run(alice, ['list', '--json'])
    expect(listed.code).toBe(0)
    expect((JSON.parse(listed.stdout) as Array<{name: string}>).map((s) => s.name)).not.toContain('FORGED')
    expect(listed.stderr.split('\n')[0]).toBe(
      `warning: ignored operation ${forged.id.slice(0, 12)} (set FORGED (environment production, branch *), by user:bob): user:bob (developer) could not create secret FORGED in environment production, branch * in the history it saw`,
    )
    expect((await repo.run(alice, ['get', 'FORGED'])).code).toBe(ExitCode.NOT_FOUND)
    // Said once per computer; `secrets log` keeps showing it.
    expect((await repo.run(alice, ['list'])).stderr).toBe('')
    expect((await repo.run(alice, ['log'])).stdout).toContain(`${forged.id.slice(0, 12)}`)
  })

  it('refuses a vault whose history lost an operation this computer has seen', async () => {
    await permitBob()
    await loadSodium()
    expect((await repo.run(alice, ['list'])).code).toBe(0)
    const history = historyOfFile(repo.vaultPath)
    const head = history.heads[0]!
    const db = new Database(repo.vaultPath)
    db.prepare('DELETE FROM ops WHERE id = ?').run(head)
    db.close()
    const result = await repo.run(alice, ['list'])
    expect(result.code).toBe(ExitCode.INTEGRITY)
    expect(result.stderr.split('\n')[0]).toMatch(new RegExp(`^error: the vault .* lost an operation this computer has seen on branch main: ${head.slice(0, 12)} \\(shared key `))
  })
})
