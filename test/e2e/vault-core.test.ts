import {readdirSync, readFileSync, statSync} from 'node:fs'
import {join} from 'node:path'

import Database from 'better-sqlite3'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {loadSodium} from '../../src/crypto/sodium.js'
import {ExitCode} from '../../src/errors.js'
import {historyOfFile} from '../helpers/forge.js'
import {type Person, TempRepo} from '../helpers/cli.js'

let repo: TempRepo
let alice: Person

beforeEach(() => {
  repo = new TempRepo()
  alice = repo.person('alice')
})

afterEach(() => repo.cleanup())

async function enable(): Promise<void> {
  const result = await repo.run(alice, ['enable'])
  expect(result.stderr).toContain('created')
  expect(result.code).toBe(0)
}

describe('a new user in a git repository', () => {
  it('lists the core commands in --help', async () => {
    const {stdout, code} = await repo.run(alice, ['--help'])
    expect(code).toBe(0)
    for (const command of ['enable', 'add', 'list', 'get', 'remove', 'identity']) expect(stdout).toMatch(new RegExp(`^  ${command}\\s`, 'm'))
  })

  it('enables, adds from stdin, lists and reads back; the value is nowhere in .secrets/', async () => {
    await enable()
    const value = 'correct-horse-battery-staple-42'
    const added = await repo.run(alice, ['add', 'DB_PASSWORD', '--description', 'main db'], {input: value})
    expect(added.code).toBe(0)
    expect(added.stderr).toContain('added DB_PASSWORD')

    const got = await repo.run(alice, ['get', 'DB_PASSWORD'])
    expect(got).toMatchObject({code: 0, stdout: value})

    const listed = await repo.run(alice, ['list', '--json'])
    expect(listed.code).toBe(0)
    const secrets = JSON.parse(listed.stdout) as Array<Record<string, unknown>>
    expect(secrets).toHaveLength(1)
    expect(secrets[0]).toMatchObject({name: 'DB_PASSWORD', description: 'main db', environment: '*', branch: '*', version: 1})
    expect(listed.stdout).not.toContain(value)

    for (const file of readdirSync(join(repo.dir, '.secrets'))) {
      expect(readFileSync(join(repo.dir, '.secrets', file)).includes(Buffer.from(value)), file).toBe(false)
    }
  })

  it('drops the newline echo adds but keeps a multi-line value exactly', async () => {
    await enable()
    await repo.run(alice, ['add', 'ONE_LINE'], {input: 'value-one\n'})
    await repo.run(alice, ['add', 'PEM'], {input: '-----BEGIN-----\nabc\n-----END-----\n'})
    expect((await repo.run(alice, ['get', 'ONE_LINE'])).stdout).toBe('value-one')
    expect((await repo.run(alice, ['get', 'PEM'])).stdout).toBe('-----BEGIN-----\nabc\n-----END-----\n')
  })

  it('makes the creator the owner with the first data key sealed to them', async () => {
    await enable()
    await loadSodium()
    const history = historyOfFile(repo.vaultPath)
    const members = history.allMembers().map((m) => ({id: m.id, name: m.name, role: m.role}))
    expect(members).toEqual([{id: expect.any(String), name: 'user:alice@example.com', role: 'owner'}])
    expect(history.keyScopes()).toEqual([{environment: '*', branch: '*'}])
    expect([...history.holders(history.currentKey({environment: '*', branch: '*'})!)]).toEqual([members[0]!.id])
    expect(history.ops.map((op) => op.kind)).toEqual(['vault.create', 'key.add'])
    const db = new Database(repo.vaultPath, {readonly: true})
    expect(db.pragma('journal_mode', {simple: true})).toBe('delete')
    expect(db.pragma('application_id', {simple: true})).toBe(0x53435254)
    db.close()
  })

  it('says a second enable is already done and changes nothing', async () => {
    await enable()
    const before = repo.vaultBytes()
    const again = await repo.run(alice, ['enable'])
    expect(again.code).toBe(0)
    expect(again.stderr).toContain('already enabled')
    expect(repo.vaultBytes().equals(before)).toBe(true)
  })

  it('keeps the vault a single file: journal mode DELETE and a .gitignore for the rest', async () => {
    await enable()
    await repo.run(alice, ['add', 'A_TOKEN'], {input: 'abcdefghij'})
    expect(readdirSync(join(repo.dir, '.secrets')).sort()).toEqual(['.gitignore', 'vault.db'])
    expect(readFileSync(join(repo.dir, '.secrets', '.gitignore'), 'utf8')).toContain('*.db-journal')
  })

  it('stores the fallback identity file with mode 0600 and says why', async () => {
    const result = await repo.run(alice, ['enable'])
    expect(result.stderr).toContain('warning: SECRETS_KEYCHAIN=off')
    const file = join(alice.home, '.config', 'secrets', 'identity')
    expect(statSync(file).mode & 0o777).toBe(0o600)
  })

  it('resolves scopes: the only one, else */*, else an error listing the scopes', async () => {
    await enable()
    await repo.run(alice, ['add', 'API_KEY', '--environment', 'production'], {input: 'prod-value'})
    expect((await repo.run(alice, ['get', 'API_KEY'])).stdout).toBe('prod-value')
    await repo.run(alice, ['add', 'API_KEY', '--environment', 'staging'], {input: 'staging-value'})
    const ambiguous = await repo.run(alice, ['get', 'API_KEY'])
    expect(ambiguous.code).toBe(ExitCode.USAGE)
    expect(ambiguous.stderr).toContain('environment production')
    expect(ambiguous.stderr).toContain('environment staging')
    await repo.run(alice, ['add', 'API_KEY'], {input: 'default-value'})
    expect((await repo.run(alice, ['get', 'API_KEY'])).stdout).toBe('default-value')
    expect((await repo.run(alice, ['get', 'API_KEY', '--environment', 'staging'])).stdout).toBe('staging-value')
    expect((await repo.run(alice, ['get', 'API_KEY', '--environment', 'review/x'])).stdout).toBe('default-value')
  })

  it('most specific scope wins: exact, then a wildcard, then *', async () => {
    await enable()
    await repo.run(alice, ['add', 'URL'], {input: 'any'})
    await repo.run(alice, ['add', 'URL', '--environment', 'review/*'], {input: 'review'})
    await repo.run(alice, ['add', 'URL', '--environment', 'review/feature-1'], {input: 'feature-1'})
    expect((await repo.run(alice, ['get', 'URL', '--environment', 'review/feature-1'])).stdout).toBe('feature-1')
    expect((await repo.run(alice, ['get', 'URL', '--environment', 'review/a/b'])).stdout).toBe('review')
    expect((await repo.run(alice, ['get', 'URL', '--environment', 'production'])).stdout).toBe('any')
  })

  it('removes a secret: get then says not found and list no longer shows it', async () => {
    await enable()
    await repo.run(alice, ['add', 'OLD_TOKEN'], {input: 'old-token-value'})
    const removed = await repo.run(alice, ['remove', 'OLD_TOKEN'])
    expect(removed.code).toBe(0)
    const got = await repo.run(alice, ['get', 'OLD_TOKEN'])
    expect(got.code).toBe(ExitCode.NOT_FOUND)
    expect(got.stderr).toBe('error: secret not found: OLD_TOKEN\nhint: see `secrets list` for the names in this vault\n')
    expect(JSON.parse((await repo.run(alice, ['list', '--json'])).stdout)).toEqual([])
    // The name can be used again.
    expect((await repo.run(alice, ['add', 'OLD_TOKEN'], {input: 'new-token-value'})).code).toBe(0)
    expect((await repo.run(alice, ['get', 'OLD_TOKEN'])).stdout).toBe('new-token-value')
  })

  it('refuses to print a value to a terminal without --reveal', async () => {
    await enable()
    await repo.run(alice, ['add', 'TTY_SECRET'], {input: 'terminal-value-1'})
    const refused = await repo.runInTerminal(alice, ['get', 'TTY_SECRET'])
    expect(refused.code).toBe(ExitCode.USAGE)
    expect(refused.stdout).toContain('error: refusing to print a secret value to a terminal')
    expect(refused.stdout).not.toContain('terminal-value-1')
    const revealed = await repo.runInTerminal(alice, ['get', 'TTY_SECRET', '--reveal'])
    expect(revealed.code).toBe(0)
    expect(revealed.stdout).toBe('terminal-value-1\n')
  })

  it('reads a value typed at a hidden prompt, never echoing it', async () => {
    await enable()
    const typed = await repo.runInTerminal(alice, ['add', 'TYPED'], 'typed-secret-value\r')
    expect(typed.code).toBe(0)
    expect(typed.stdout).toContain('value for TYPED')
    expect(typed.stdout).not.toContain('typed-secret-value')
    expect((await repo.run(alice, ['get', 'TYPED'])).stdout).toBe('typed-secret-value')
  })

  it('shows the identity with --json', async () => {
    await enable()
    const {stdout, code} = await repo.run(alice, ['identity', '--json'])
    expect(code).toBe(0)
    const identity = JSON.parse(stdout) as Record<string, string>
    expect(identity.recipient).toMatch(/^secrets1[a-z0-9]+$/)
    expect(identity.fingerprint).toMatch(/^[0-9a-f]{4}(:[0-9a-f]{4}){3}$/)
    expect(identity.source).toBe('file')
  })
})

describe('bad input: one clear line, a distinct exit code, the vault unchanged', () => {
  const cases: Array<{name: string; args: string[]; input?: string; code: number; message: RegExp}> = [
    {name: 'invalid name', args: ['add', 'BAD-NAME'], input: 'v', code: ExitCode.USAGE, message: /^error: invalid secret name: "BAD-NAME"$/m},
    {name: 'name too long', args: ['add', 'A'.repeat(256)], input: 'v', code: ExitCode.USAGE, message: /longer than 255/},
    {name: 'description over 200', args: ['add', 'X', '--description', 'd'.repeat(201)], input: 'v', code: ExitCode.USAGE, message: /description is too long: 201 characters, at most 200/},
    {name: 'rotation under 7 days', args: ['add', 'X', '--rotation-days', '6'], input: 'v', code: ExitCode.USAGE, message: /at least 7: 6/},
    {name: 'empty value', args: ['add', 'X'], input: '', code: ExitCode.USAGE, message: /the value is empty/},
    {name: 'value over 10,000 bytes', args: ['add', 'X'], input: 'x'.repeat(10_001), code: ExitCode.USAGE, message: /too large: 10001 bytes, at most 10000/},
    {name: 'bad environment scope', args: ['add', 'X', '--environment', 'prod;rm'], input: 'v', code: ExitCode.USAGE, message: /invalid environment scope: "prod;rm"/},
    {name: 'bad branch scope', args: ['add', 'X', '--branch', 'a..b'], input: 'v', code: ExitCode.USAGE, message: /invalid branch scope/},
    {name: 'bad --ref', args: ['add', 'X', '--ref', 'nope:x'], input: 'v', code: ExitCode.USAGE, message: /invalid --ref/},
    {name: '--file without --variable', args: ['add', 'X', '--file'], input: 'v', code: ExitCode.USAGE, message: /^error: .*--variable/m},
    {name: 'unknown flag', args: ['add', 'X', '--nope'], input: 'v', code: ExitCode.USAGE, message: /^error: nonexistent flag: --nope/m},
    {name: 'duplicate secret', args: ['add', 'EXISTING'], input: 'other-value', code: ExitCode.CONFLICT, message: /^error: secret already exists: secret EXISTING \(environment \*, branch \*\)$/m},
    {name: 'get of a missing secret', args: ['get', 'MISSING'], code: ExitCode.NOT_FOUND, message: /^error: secret not found: MISSING$/m},
    {name: 'remove of a missing scope', args: ['remove', 'EXISTING', '--environment', 'production'], code: ExitCode.NOT_FOUND, message: /secret not found: EXISTING \(environment production/},
  ]

  for (const c of cases) {
    it(c.name, async () => {
      await enable()
      await repo.run(alice, ['add', 'EXISTING'], {input: 'existing-value'})
      const before = repo.vaultBytes()
      const result = await repo.run(alice, c.args, {input: c.input})
      expect(result.code).toBe(c.code)
      expect(result.stderr).toMatch(c.message)
      expect(result.stderr.split('\n').filter(Boolean).length).toBeLessThanOrEqual(2)
      expect(result.stderr).not.toMatch(/\bat .*\.js:\d+/)
      expect(result.stderr).not.toContain('existing-value')
      expect(repo.vaultBytes().equals(before)).toBe(true)
    })
  }

  it('gives --json errors as {code, message, hint}', async () => {
    await enable()
    const result = await repo.run(alice, ['get', 'MISSING', '--json'])
    expect(result.code).toBe(ExitCode.NOT_FOUND)
    expect(JSON.parse(result.stdout)).toEqual({
      error: {code: 'not_found', exit: ExitCode.NOT_FOUND, message: 'secret not found: MISSING', hint: 'see `secrets list` for the names in this vault'},
    })
  })

  it('refuses commands outside a vault with the no-vault code', async () => {
    const result = await repo.run(alice, ['list'])
    expect(result.code).toBe(ExitCode.NO_VAULT)
    expect(result.stderr).toMatch(/^error: no vault at .*vault\.db\nhint: run `secrets enable`/)
  })

  it('refuses a typo in SECRETS_IDENTITY with one line', async () => {
    await enable()
    const {stdout} = await repo.run(alice, ['identity', '--json'])
    const identityFile = readFileSync(join(alice.home, '.config', 'secrets', 'identity'), 'utf8')
    const key = identityFile.split('\n').find((l) => l.startsWith('SECRETS-IDENTITY-'))!
    const typo = key.slice(0, 30) + (key[30] === 'Q' ? 'P' : 'Q') + key.slice(31)
    await repo.run(alice, ['add', 'ANY'], {input: 'any-value-1'})
    const result = await repo.run(alice, ['get', 'ANY'], {env: {SECRETS_IDENTITY: typo}})
    expect(result.code).toBe(ExitCode.USAGE)
    expect(result.stderr).toMatch(/checksum/)
    expect(result.stderr).not.toContain(key.slice(20))
    expect(stdout).not.toContain(key)
  })
})

describe('another person', () => {
  it('with no identity cannot read and is told why', async () => {
    await enable()
    await repo.run(alice, ['add', 'DB_PASSWORD'], {input: 'alice-secret-value'})
    const bob = repo.person('bob')
    const result = await repo.run(bob, ['get', 'DB_PASSWORD'])
    expect(result.code).toBe(ExitCode.NO_IDENTITY)
    // Reading the vault needs no identity: bob's computer first notes that it trusts what it found.
    expect(result.stderr).toMatch(/^note: first use of this vault on this computer/)
    expect(result.stderr).toMatch(/^error: no identity: none in SECRETS_IDENTITY/m)
    expect(result.stderr).toMatch(/hint: run `secrets identity` to create yours/)
    expect(result.stdout).toBe('')
  })

  it('with an identity that is not a member is denied and told how to get access', async () => {
    await enable()
    await repo.run(alice, ['add', 'DB_PASSWORD'], {input: 'alice-secret-value'})
    const bob = repo.person('bob')
    expect((await repo.run(bob, ['identity'])).code).toBe(0)
    const before = repo.vaultBytes()
    const got = await repo.run(bob, ['get', 'DB_PASSWORD'])
    expect(got.code).toBe(ExitCode.PERMISSION_DENIED)
    expect(got.stderr).toContain('your identity is not a member of this vault')
    const added = await repo.run(bob, ['add', 'BOBS'], {input: 'bob-value-123'})
    expect(added.code).toBe(ExitCode.PERMISSION_DENIED)
    expect(repo.vaultBytes().equals(before)).toBe(true)
  })
})
