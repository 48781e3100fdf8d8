// A team's format-1 vault (test/fixtures/format1, made by the last format-1 release) meets this
// release: every command but `upgrade` says what to do, and an owner's upgrade carries members,
// rules, every version with its author and time, removals and exposures into a format-2 history.
import {copyFileSync, mkdirSync, writeFileSync} from 'node:fs'
import {join, resolve} from 'node:path'

import Database from 'better-sqlite3'
import {afterEach, beforeAll, beforeEach, describe, expect, it} from 'vitest'

import {Identity, randomId} from '../../src/crypto/index.js'
import {loadSodium} from '../../src/crypto/sodium.js'
import {ExitCode} from '../../src/errors.js'
import {memberSigned} from '../../src/vault/upgrade/format1/records.js'
import {type Person, TempRepo, git} from '../helpers/cli.js'
import {historyOfFile} from '../helpers/forge.js'

const FIXTURE = resolve(import.meta.dirname, '../fixtures/format1/vault.db')
/** The fixture's members' identities (fixed seeds; see make-fixture.sh). */
const ALICE = 'SECRETS-IDENTITY-15XS6RGDP5XS6RGDP5XS6RGDP5XS6RGDP5XS6RGDP5XS6RGDP5XSS0JD39M'
const BOB = 'SECRETS-IDENTITY-1KZCTPV9SKZCTPV9SKZCTPV9SKZCTPV9SKZCTPV9SKZCTPV9SKZCQ58PU04'
const CAROL = 'SECRETS-IDENTITY-1CRQVPSXQCRQVPSXQCRQVPSXQCRQVPSXQCRQVPSXQCRQVPSXQCRQQS0PPHV'

let repo: TempRepo
let alice: Person
let bob: Person
let carol: Person

beforeAll(async () => {
  await loadSodium()
})

beforeEach(() => {
  repo = new TempRepo()
  mkdirSync(join(repo.dir, '.secrets'))
  copyFileSync(FIXTURE, repo.vaultPath)
  alice = repo.person('alice', {SECRETS_IDENTITY: ALICE})
  bob = repo.person('bob', {SECRETS_IDENTITY: BOB})
  carol = repo.person('carol', {SECRETS_IDENTITY: CAROL})
})

afterEach(() => repo.cleanup())

describe('a format-1 vault', () => {
  it.each([[['list']], [['get', 'DB_PASSWORD']], [['add', 'NEW']], [['run', '--', 'true']], [['log']], [['permit']]])('refuses %j with the upgrade code and a hint, unchanged', async (args) => {
    const before = repo.vaultBytes()
    const result = await repo.run(alice, args, {input: 'new-value-1234'})
    expect(result.code).toBe(ExitCode.UPGRADE_NEEDED)
    expect(result.stderr).toMatch(/^error: the vault .* is in format 1, which this secrets no longer writes\nhint: an owner runs `secrets upgrade` once/)
    expect(repo.vaultBytes().equals(before)).toBe(true)
  })

  it('may be upgraded only by an owner', async () => {
    const before = repo.vaultBytes()
    const result = await repo.run(bob, ['upgrade'])
    expect(result.code).toBe(ExitCode.PERMISSION_DENIED)
    expect(result.stderr.split('\n')[0]).toBe('error: user:bob (developer) may not upgrade the vault: owners do')
    expect(repo.vaultBytes().equals(before)).toBe(true)
  })

  it('is verified by --dry-run, which writes nothing and exits as the upgrade would', async () => {
    const before = repo.vaultBytes()
    const result = await repo.run(alice, ['upgrade', '--dry-run', '--json'])
    expect(result.code).toBe(0)
    expect(JSON.parse(result.stdout)).toMatchObject({already: false, dryRun: true, members: 2, secrets: 3, versions: 5, removed: 1, exposed: 1})
    expect(repo.vaultBytes().equals(before)).toBe(true)
  })

  it('is refused when a member row was signed by someone who was not an owner (format 1 did not check)', async () => {
    const db = new Database(repo.vaultPath)
    const bobRow = db.prepare(`SELECT id FROM members WHERE name = 'user:bob'`).get() as {id: string}
    const vaultId = (db.prepare(`SELECT value FROM meta WHERE key = 'vault_id'`).get() as {value: string}).value
    const puppet = Identity.generate()
    const row = {id: randomId(), name: 'user:puppet', kind: 'user' as const, recipient: puppet.recipient.toString(), role: 'owner' as const, environment: '*', branch: '*', created_at: '2026-11-05T00:00:00.000Z', author_id: bobRow.id}
    const signed = memberSigned(vaultId, row)
    db.prepare('INSERT INTO members (id, name, kind, recipient, role, environment, branch, created_at, author_id, signature) VALUES (@id, @name, @kind, @recipient, @role, @environment, @branch, @created_at, @author_id, @signature)')
      .run({...row, signature: Identity.parse(BOB).sign(signed.label, signed.fields)})
    db.close()
    const before = repo.vaultBytes()
    const result = await repo.run(alice, ['upgrade', '--dry-run'])
    expect(result.code).toBe(ExitCode.INTEGRITY)
    expect(result.stderr.split('\n')[0]).toBe('error: integrity check failed for member user:puppet: added by user:bob, who was not an active owner then')
    expect(repo.vaultBytes().equals(before)).toBe(true)
  })

  it('with a trigger in its schema is refused before anything runs', async () => {
    const db = new Database(repo.vaultPath)
    db.exec('CREATE TRIGGER t AFTER INSERT ON versions BEGIN SELECT 1; END')
    db.close()
    const result = await repo.run(alice, ['upgrade'])
    expect(result.code).toBe(ExitCode.INTEGRITY)
    expect(result.stderr.split('\n')[0]).toMatch(/is refused: its schema has an unexpected trigger t on versions$/)
  })
})

describe('secrets upgrade', () => {
  it('carries members, groups, rules, every version with its author and time, removals and exposures; every member reads as before', async () => {
    const result = await repo.run(alice, ['upgrade'])
    expect(result.code).toBe(0)
    expect(result.stderr).toContain('upgraded')
    expect(result.stderr).toContain('2 member(s), 3 secret(s) with 5 version(s), 1 removed secret(s), 1 still exposed, signed by you')

    expect((await repo.run(alice, ['get', 'DB_PASSWORD'])).stdout).toBe('db-password-v2')
    expect((await repo.run(bob, ['get', 'DB_PASSWORD'])).stdout).toBe('db-password-v2')
    expect((await repo.run(alice, ['get', 'DEPLOY_TOKEN', '--environment', 'production'])).stdout).toBe('prod-token-value')
    expect((await repo.run(alice, ['get', 'KUBECONFIG', '--environment', 'review/x'])).stdout).toBe('kube: config')
    expect((await repo.run(alice, ['get', 'OLD_KEY'])).code).toBe(ExitCode.NOT_FOUND)
    expect((await repo.run(carol, ['get', 'DEPLOY_TOKEN', '--environment', 'production'])).code).toBe(ExitCode.PERMISSION_DENIED)

    const history = JSON.parse((await repo.run(alice, ['list', '--history', 'DB_PASSWORD', '--json'])).stdout) as {versions: {version: number; createdAt: string; author: string; current: boolean}[]}
    expect(history.versions).toEqual([
      {version: 1, createdAt: '2026-11-01T10:00:00.000Z', author: 'user:alice', current: false, concurrent: false},
      {version: 2, createdAt: '2026-11-02T10:00:00.000Z', author: 'user:bob', current: true, concurrent: false},
    ])
    const listed = JSON.parse((await repo.run(alice, ['list', '--json'], {env: {SECRETS_NOW: '2026-11-20T00:00:00Z'}})).stdout) as {name: string; exposed: boolean; variable: boolean; file: boolean; protected: boolean; rotation: {status: string; dueAt: string} | null}[]
    expect(listed.map((s) => [s.name, s.exposed, s.variable, s.file, s.protected])).toEqual([
      ['DB_PASSWORD', false, false, false, false],
      ['DEPLOY_TOKEN', true, true, false, true],
      ['KUBECONFIG', false, true, true, false],
    ])
    // The reminder counts from when bob rotated it in format 1, not from the upgrade.
    expect(listed[0]!.rotation).toEqual({status: 'OK', dueAt: '2026-12-02T10:00:00.000Z'})

    const access = JSON.parse((await repo.run(alice, ['permit', '--json'])).stdout) as {members: {name: string; role: string}[]; groups: {name: string; members: string[]}[]}
    expect(access.members.map((m) => [m.name, m.role])).toEqual([['user:alice', 'owner'], ['user:bob', 'developer']])
    expect(access.groups).toEqual([{name: 'group:ops', members: ['user:bob']}])
    expect(historyOfFile(repo.vaultPath).allMembers()[0]!.name).toBe('user:alice')

    const again = await repo.run(alice, ['upgrade'])
    expect(again.code).toBe(0)
    expect(again.stderr).toContain('already in format 2: nothing to do')
  })

  it('moves protected_branches from config.yml into the signed history; a different list there afterwards is refused', async () => {
    writeFileSync(join(repo.dir, '.secrets', 'config.yml'), 'protected_branches: [main, "release/*"]\n')
    expect((await repo.run(alice, ['upgrade'])).code).toBe(0)
    expect((await repo.run(alice, ['protect'])).stdout).toBe('main, release/*\n')
    expect((await repo.run(alice, ['run', '--branch', 'release/1', '--dry-run', '--', 'true'])).code).toBe(0)

    writeFileSync(join(repo.dir, '.secrets', 'config.yml'), 'protected_branches: ["*"]\n')
    const refused = await repo.run(alice, ['run', '--branch', 'feature', '--', 'true'])
    expect(refused.code).toBe(ExitCode.USAGE)
    expect(refused.stderr.split('\n')[0]).toBe("error: protected_branches in .secrets/config.yml (*) differs from the vault's signed setting (main, release/*)")
  })

  it('refuses to upgrade a format-1 copy on a computer that has seen the vault in format 2 (a rollback)', async () => {
    await git(repo.dir, 'add', '-A')
    await git(repo.dir, 'commit', '-qm', 'format 1')
    expect((await repo.run(alice, ['upgrade'])).code).toBe(0)
    await git(repo.dir, 'commit', '-qam', 'format 2')
    await git(repo.dir, 'checkout', '-q', 'HEAD~1', '--', '.secrets/vault.db')
    const result = await repo.run(alice, ['upgrade'])
    expect(result.code).toBe(ExitCode.INTEGRITY)
    expect(result.stderr.split('\n')[0]).toMatch(/has seen the vault .* in format 2: this format-1 copy is older \(a rollback\)$/)
  })
})
