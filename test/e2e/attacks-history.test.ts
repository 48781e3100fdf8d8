// Attacks by members with push access on the history itself (issue 8, attacks 6 and 7):
// operations deleted from the file, and a file that tries to run code. Deleting any operation
// with descendants breaks the hash links everywhere; deleting the newest is caught by every
// computer that saw it, and by CI's SECRETS_TRUST checkpoint; a schema object secrets did not
// make refuses the file before any statement of ours runs.
import Database from 'better-sqlite3'
import {afterEach, beforeAll, beforeEach, describe, expect, it} from 'vitest'

import {loadSodium} from '../../src/crypto/sodium.js'
import {ExitCode} from '../../src/errors.js'
import {Team} from '../helpers/team.js'

let team: Team

beforeAll(async () => {
  await loadSodium()
})

beforeEach(async () => {
  team = await Team.create()
  await team.ok('alice', ['add', 'DB_PASSWORD', '--environment', 'production'], {input: 'prod-v1'})
  await team.ok('alice', ['add', 'OLD_TOKEN'], {input: 'old-token-value'})
})

afterEach(() => team.cleanup())

function deleteOp(id: string): void {
  const db = new Database(team.repo.vaultPath)
  db.prepare('DELETE FROM ops WHERE id = ?').run(id)
  db.close()
}

function sql(statement: string): void {
  const db = new Database(team.repo.vaultPath)
  db.exec(statement)
  db.close()
}

/** The newest operation (the head), after a command that wrote one. */
const head = () => team.history().heads[0]!

describe('attack 6: operations deleted from the file', () => {
  it('deleting the newest version hands out the old value nowhere it was seen: refused, naming it; a fresh clone trusts it and says so; CI refuses it below its checkpoint', async () => {
    await team.ok('alice', ['rotate', 'DB_PASSWORD', '--environment', 'production'], {input: 'prod-v2'})
    const rotation = head()
    deleteOp(rotation)

    const refused = await team.run('alice', ['get', 'DB_PASSWORD', '--environment', 'production'])
    expect(refused.code).toBe(ExitCode.INTEGRITY)
    expect(refused.stdout).toBe('')
    expect(refused.stderr.split('\n')[0]).toContain(`lost an operation this computer has seen on branch main: ${rotation.slice(0, 12)} (set DB_PASSWORD (environment production, branch *), by user:alice)`)

    const fresh = await team.run('alice', ['get', 'DB_PASSWORD', '--environment', 'production'], {fresh: true})
    expect(fresh.code).toBe(0)
    expect(fresh.stderr).toMatch(/^note: first use of this vault on this computer/)

    const ci = await team.run('alice', ['get', 'DB_PASSWORD', '--environment', 'production'], {fresh: true, env: {SECRETS_TRUST: rotation}})
    expect(ci.code).toBe(ExitCode.INTEGRITY)
    expect(ci.stderr.split('\n')[0]).toContain(`does not hold the trusted checkpoint ${rotation.slice(0, 12)} (SECRETS_TRUST)`)
  })

  it('deleting a removal does not bring the secret back where it was seen', async () => {
    await team.ok('alice', ['remove', 'OLD_TOKEN'])
    const removal = head()
    deleteOp(removal)
    const listed = await team.run('alice', ['list'])
    expect(listed.code).toBe(ExitCode.INTEGRITY)
    expect(listed.stderr).toContain(`${removal.slice(0, 12)} (removed OLD_TOKEN (environment *, branch *), by user:alice)`)
  })

  it('deleting the rotation that ended an exposure: refused where it was seen, and a fresh clone still marks the value exposed (check fails)', async () => {
    await team.permit('bob', 'developer', 'read', 'production')
    await team.ok('alice', ['permit', 'user:bob', '--revoke'])
    await team.ok('alice', ['rotate', 'DB_PASSWORD', '--environment', 'production'], {input: 'prod-v2'})
    expect((await team.ok('alice', ['check'])).code).toBe(0)
    deleteOp(head())
    expect((await team.run('alice', ['check'])).code).toBe(ExitCode.INTEGRITY)
    // Exposure is derived from who holds the current value's key, not stored in a row to delete.
    const fresh = await team.run('alice', ['check', '--json'], {fresh: true})
    expect(fresh.code).toBe(ExitCode.CHECK_FAILED)
    expect((JSON.parse(fresh.stdout) as {exposed: {name: string; exposedTo: string[]}[]}).exposed).toEqual([
      expect.objectContaining({name: 'DB_PASSWORD', exposedTo: ['user:bob']}),
    ])
  })

  it('deleting an operation from the middle of the history is refused by every computer, fresh clones included', async () => {
    await team.permit('bob', 'developer', 'read', 'production')
    await team.ok('alice', ['permit', 'user:bob', '--revoke'])
    const revocation = team.history().ops.find((op) => op.kind === 'member.revoke')!.id
    deleteOp(revocation)
    for (const fresh of [false, true]) {
      const result = await team.run('alice', ['list'], {fresh})
      expect(result.code).toBe(ExitCode.INTEGRITY)
      expect(result.stderr).toMatch(new RegExp(`names a parent ${revocation.slice(0, 12)} that is not in the vault \\(an operation was deleted\\)`))
    }
  })
})

describe('attack 7: the file runs code', () => {
  const revocations = () => team.history().ops.filter((op) => op.kind === 'member.revoke').length

  it('a trigger that deletes revocations as they are written: permit --revoke refuses before anything runs, and the vault is unchanged', async () => {
    await team.permit('bob', 'developer', 'read')
    sql(`CREATE TRIGGER forget_revocations AFTER INSERT ON ops WHEN json_extract(CAST(NEW.body AS TEXT), '$.kind') = 'member.revoke' BEGIN DELETE FROM ops WHERE id = NEW.id; END;`)
    const before = team.repo.vaultBytes()
    const result = await team.run('alice', ['permit', 'user:bob', '--revoke'])
    expect(result.code).toBe(ExitCode.INTEGRITY)
    expect(result.stderr).not.toContain('revoked user:bob')
    expect(result.stderr.split('\n')[0]).toMatch(/is refused: its schema has an unexpected trigger forget_revocations on ops$/)
    expect(team.repo.vaultBytes().equals(before)).toBe(true)

    // git shows the change for what it is.
    const text = (await team.ok('alice', ['diff-text', team.repo.vaultPath])).stdout
    expect(text).toContain('schema NOT as secrets makes it (every command refuses this file):')
    expect(text).toContain('unexpected trigger forget_revocations on ops: CREATE TRIGGER forget_revocations AFTER INSERT ON ops')
    expect(revocations()).toBe(0)
  })

  it.each([
    ['a view', 'CREATE VIEW members AS SELECT id FROM ops', 'an unexpected view members'],
    ['an extra table', 'CREATE TABLE notes (text TEXT)', 'an unexpected table notes'],
    ['an extra index', 'CREATE INDEX ops_by_body ON ops (body)', 'an unexpected index ops_by_body on ops'],
    ['a trigger on meta', "CREATE TRIGGER t BEFORE UPDATE ON meta BEGIN SELECT RAISE(IGNORE); END", 'an unexpected trigger t on meta'],
    [
      'an ops table made differently',
      "ALTER TABLE ops RENAME TO ops_old; CREATE TABLE ops (id TEXT PRIMARY KEY, body BLOB NOT NULL, signature BLOB NOT NULL DEFAULT x'00') STRICT; INSERT INTO ops SELECT * FROM ops_old; DROP TABLE ops_old",
      'an unexpected table ops',
    ],
  ])('%s refuses the file for every command, unchanged', async (_what, statement, message) => {
    sql(statement)
    const before = team.repo.vaultBytes()
    for (const args of [['list'], ['get', 'OLD_TOKEN'], ['add', 'NEW'], ['log']]) {
      const result = await team.run('alice', args, {input: 'new-value-123'})
      expect(result.code).toBe(ExitCode.INTEGRITY)
      expect(result.stderr.split('\n')[0]).toContain(message)
    }

    expect(team.repo.vaultBytes().equals(before)).toBe(true)
  })
})
