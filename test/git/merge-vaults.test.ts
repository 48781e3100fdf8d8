// The merge driver on format-2 vaults: real vault files (written by the same store the CLI
// uses), a base copied to two sides that change as two branches would, merged into OURS as git
// asks. What the union means is read back through the CLI, as a person would see it.
import {copyFileSync, mkdirSync, readFileSync, readdirSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import Database from 'better-sqlite3'
import {afterEach, beforeAll, beforeEach, describe, expect, it} from 'vitest'

import {loadSodium} from '../../src/crypto/index.js'
import {ExitCode, SecretsError} from '../../src/errors.js'
import {mergeMessages} from '../../src/git/merge-messages.js'
import {type HistoryMergeReport, type MergeReport, mergeVaultFiles} from '../../src/git/merge-vaults.js'
import {SCHEMA_VERSION} from '../../src/vault/store/schema.js'
import {type Person, TempRepo} from '../helpers/cli.js'
import {Someone, add, copies, editFile, later, newVault, opIds, permit, remove, revoke, rotate, sameBytes, secret, withStore} from './vault-sides.js'

const FIXTURE = join(import.meta.dirname, '../fixtures/format1/vault.db')
const LABEL = '.secrets/vault.db'
/** For tests that run the CLI several times: room on a busy machine. */
const SLOW = 60_000

let repo: TempRepo
let dir: string
let base: string
let ours: string
let theirs: string
let alice: Someone
let bob: Someone
/** alice at the command line, reading the merged file. */
let aliceCli: Person

beforeAll(() => loadSodium())

beforeEach(async () => {
  repo = new TempRepo()
  dir = join(repo.root, 'sides')
  mkdirSync(dir)
  base = join(dir, 'base.db')
  ours = join(dir, 'ours.db')
  theirs = join(dir, 'theirs.db')
  alice = new Someone('user:alice')
  bob = new Someone('user:bob')
  aliceCli = repo.person('alice', {SECRETS_IDENTITY: alice.text})
  // The base both branches forked from: one secret, and bob, who may read and write. Made in
  // a directory of its own (enable writes a .gitignore beside the vault): only git's three
  // files are in `dir`, so anything a merge leaves there shows.
  const origin = join(repo.root, 'origin', 'vault.db')
  newVault(origin, alice)
  await add(origin, alice, later(1), secret('DB_PASSWORD', {description: 'main database'}), 'base-password')
  await permit(origin, alice, later(2), bob, ['read', 'create', 'update'])
  copies(origin, base, ours, theirs)
})

afterEach(() => repo.cleanup())

const merge = (): MergeReport => mergeVaultFiles({base, ours, theirs, path: LABEL})

function mergeFormat2(): HistoryMergeReport {
  const report = merge()
  if (report.format !== 2) throw new Error(`expected a format-2 merge, got format ${report.format}`)
  return report
}

/** `secrets …` on the merged file as alice types it; must succeed. */
async function cli(args: string[], input?: string): Promise<string> {
  const result = await repo.run(aliceCli, [...args, '--vault', ours], {input})
  expect(result.stderr).not.toMatch(/^error:/m)
  expect(result.code).toBe(0)
  return result.stdout
}

interface Listed {
  name: string
  environment: string
  conflict: boolean
  exposed: boolean
}

const listed = async () => JSON.parse(await cli(['list', '--json'])) as Listed[]

function refusal(work: () => unknown): SecretsError {
  try {
    work()
  } catch (error) {
    if (error instanceof SecretsError) return error
    throw error
  }

  throw new Error('expected the merge to be refused')
}

describe('mergeVaultFiles on format 2: the union of both histories', () => {
  it('keeps every operation of both sides, every value reads afterwards, and there is nothing to report', {timeout: SLOW}, async () => {
    await add(ours, alice, later(10), secret('A_TOKEN'), 'value-of-a-token')
    await add(theirs, bob, later(11), secret('B_TOKEN', {environment: 'production'}), 'value-of-b-token')
    const ourIds = opIds(ours)
    const theirIds = opIds(theirs)

    const report = mergeFormat2()

    const union = [...new Set([...ourIds, ...theirIds])].sort()
    expect(opIds(ours)).toEqual(union)
    expect(report).toMatchObject({ours: ourIds.length, theirs: theirIds.length, fromTheirs: union.length - ourIds.length})
    expect(report.fromTheirs).toBeGreaterThan(0)
    expect(report).toMatchObject({changedOnBothSides: [], removedAndChanged: [], voided: [], readersWithoutKey: []})
    expect(mergeMessages(report)).toEqual([])

    expect(await cli(['get', 'A_TOKEN'])).toBe('value-of-a-token')
    expect(await cli(['get', 'B_TOKEN', '--environment', 'production'])).toBe('value-of-b-token')
    expect(await cli(['get', 'DB_PASSWORD'])).toBe('base-password')
    expect((await listed()).map((s) => [s.name, s.environment, s.conflict])).toEqual([
      ['A_TOKEN', '*', false],
      ['B_TOKEN', 'production', false],
      ['DB_PASSWORD', '*', false],
    ])
  })

  it('adds nothing when merged again (their operations are all there already)', async () => {
    await add(theirs, bob, later(11), secret('B_TOKEN'), 'value-of-b-token')
    mergeFormat2()
    const after = opIds(ours)
    const again = mergeFormat2()
    expect(again.fromTheirs).toBe(0)
    expect(opIds(ours)).toEqual(after)
  })

  it('keeps both new versions of a secret both sides rotated: reported, CONFLICT until someone rotates it', {timeout: SLOW}, async () => {
    await rotate(ours, alice, later(10), 'DB_PASSWORD', 'password-from-ours')
    await rotate(theirs, bob, later(11), 'DB_PASSWORD', 'password-from-theirs')

    const report = mergeFormat2()

    expect(report.changedOnBothSides).toEqual([{name: 'DB_PASSWORD', environment: '*', branch: '*'}])
    expect(mergeMessages(report)).toEqual([
      'DB_PASSWORD (environment *, branch *) was changed on both sides; both versions are kept and one is current until someone rotates it (`secrets list` shows CONFLICT)',
    ])
    expect((await listed()).find((s) => s.name === 'DB_PASSWORD')?.conflict).toBe(true)
    // One of the two is current; neither is lost.
    expect(['password-from-ours', 'password-from-theirs']).toContain(await cli(['get', 'DB_PASSWORD']))
    const history = JSON.parse(await cli(['list', '--history', 'DB_PASSWORD', '--json'])) as {versions: Array<{author: string; concurrent: boolean}>}
    expect(history.versions.map((v) => v.concurrent)).toEqual([false, true, true])
    expect(history.versions[0]!.author).toBe('user:alice')
    // The order of two concurrent versions is by operation id: compare them as a set.
    expect(history.versions.slice(1).map((v) => v.author).sort()).toEqual(['user:alice', 'user:bob'])

    await cli(['rotate', 'DB_PASSWORD'], 'password-after-the-merge')
    expect((await listed()).find((s) => s.name === 'DB_PASSWORD')?.conflict).toBe(false)
    expect(await cli(['get', 'DB_PASSWORD'])).toBe('password-after-the-merge')
  })

  it('makes one secret, in CONFLICT, of a secret each side added with the same name and scope', async () => {
    await add(ours, alice, later(10), secret('SAME'), 'added-on-ours')
    await add(theirs, bob, later(11), secret('SAME'), 'added-on-theirs')

    const report = mergeFormat2()

    // Format 1 kept two secret rows here; a history has one secret with two concurrent versions.
    expect(report.changedOnBothSides).toEqual([{name: 'SAME', environment: '*', branch: '*'}])
    const same = await withStore(ours, alice, later(20), (s) => s.list().filter((x) => x.name === 'SAME'))
    expect(same.map((x) => [x.version, x.conflict])).toEqual([[expect.any(Number), true]])
    const value = await withStore(ours, alice, later(20), (s) => new TextDecoder().decode(s.valueOf({name: 'SAME', environment: '*', branch: '*'})))
    expect(['added-on-ours', 'added-on-theirs']).toContain(value)
  })

  it.each([
    ['ours removed it, theirs rotated it', 'ours', 'theirs'],
    ['theirs removed it, ours rotated it', 'theirs', 'ours'],
  ] as const)('%s: it stays removed, and that is reported', async (_, removing, rotating) => {
    const side = {ours, theirs}
    await remove(side[removing], alice, later(10), 'DB_PASSWORD')
    await rotate(side[rotating], alice, later(11), 'DB_PASSWORD', 'rotated-meanwhile')

    const report = mergeFormat2()

    expect(report.removedAndChanged).toEqual([{name: 'DB_PASSWORD', environment: '*', branch: '*'}])
    expect(report.changedOnBothSides).toEqual([])
    expect(mergeMessages(report)).toEqual([
      'DB_PASSWORD (environment *, branch *) was removed on one side and changed on the other; it stays removed, its versions are kept',
    ])
    expect((await listed()).map((s) => s.name)).not.toContain('DB_PASSWORD')
    const get = await repo.run(aliceCli, ['get', 'DB_PASSWORD', '--vault', ours])
    expect(get.code).toBe(ExitCode.NOT_FOUND)
    expect(get.stdout).toBe('')
  })

  it('voids what a member revoked on the other side wrote meanwhile, reports it, and the owner still reads their value', async () => {
    const revocation = await revoke(ours, alice, later(10), bob)
    expect(revocation.action).toBe('revoked')
    const forked = opIds(base)
    const bobs = await rotate(theirs, bob, later(11), 'DB_PASSWORD', 'written-by-revoked-bob')
    expect(bobs.version).toBe(2)
    const [bobsOp] = opIds(theirs).filter((id) => !forked.includes(id))

    const report = mergeFormat2()

    expect(report.voided).toEqual([
      {
        id: bobsOp,
        what: `${bobsOp!.slice(0, 12)} (set DB_PASSWORD (environment *, branch *), by user:bob)`,
        reason: expect.stringMatching(/^user:bob wrote it in a history that had not seen their revocation by user:alice \([0-9a-f]{12}\)$/),
      },
    ])
    // Bob's version does not count, so nothing was changed on both sides.
    expect(report.changedOnBothSides).toEqual([])
    expect(mergeMessages(report)).toEqual([`operation ${report.voided[0]!.what} no longer counts: ${report.voided[0]!.reason}`])
    // The operation is kept (the union), it just does not count.
    expect(opIds(ours)).toContain(bobsOp)
    expect(await cli(['get', 'DB_PASSWORD'])).toBe('base-password')
  })

  it('names a reader granted on one side who holds no copy of a key made on the other', async () => {
    const carol = new Someone('user:carol')
    await permit(ours, alice, later(10), carol, ['read'])
    // Revoking bob (a reader) makes a new key for *, sealed to the readers theirs knows: not carol.
    await revoke(theirs, alice, later(11), bob)

    const report = mergeFormat2()

    expect(report.readersWithoutKey).toEqual(['user:carol'])
    expect(mergeMessages(report)).toEqual([
      'user:carol cannot read values written under keys made on the other side until an owner runs `secrets permit` or someone with read writes there',
    ])
  })

  it('writes a file that keeps journal_mode DELETE, and leaves no temporary file beside OURS', async () => {
    await add(theirs, bob, later(11), secret('B_TOKEN'), 'value-of-b-token')
    mergeFormat2()
    expect(readdirSync(dir).sort()).toEqual(['base.db', 'ours.db', 'theirs.db'])
    const db = new Database(ours, {readonly: true})
    try {
      expect(db.pragma('journal_mode', {simple: true})).toBe('delete')
      expect(db.pragma('integrity_check', {simple: true})).toBe('ok')
      expect(db.pragma('user_version', {simple: true})).toBe(SCHEMA_VERSION)
    } finally {
      db.close()
    }

    // SQLite's header says "legacy" (rollback journal) for both write and read, not WAL (2).
    const header = readFileSync(ours).subarray(18, 20)
    expect([...header]).toEqual([1, 1])
  })

  it("leaves git's THEIRS and BASE as they were", async () => {
    await add(theirs, bob, later(11), secret('B_TOKEN'), 'value-of-b-token')
    const before = {base: readFileSync(base), theirs: readFileSync(theirs)}
    mergeFormat2()
    expect(sameBytes(base, before.base)).toBe(true)
    expect(sameBytes(theirs, before.theirs)).toBe(true)
  })
})

describe('mergeVaultFiles refuses, leaving OURS as it was', () => {
  /** The merge is refused with `code` and `message`, OURS keeps its bytes, and nothing is left beside it. */
  function expectRefused(code: SecretsError['code'], message: string | RegExp): SecretsError {
    const before = readFileSync(ours)
    const error = refusal(merge)
    expect(error.code).toBe(code)
    if (typeof message === 'string') expect(error.message).toBe(message)
    else expect(error.message).toMatch(message)
    expect(sameBytes(ours, before)).toBe(true)
    expect(readdirSync(dir).sort()).toEqual(['base.db', 'ours.db', 'theirs.db'])
    return error
  }

  beforeEach(async () => {
    // Both sides changed, so a refusal that still wrote something would show.
    await add(ours, alice, later(10), secret('A_TOKEN'), 'value-of-a-token')
    await add(theirs, alice, later(11), secret('B_TOKEN'), 'value-of-b-token')
  })

  it('two different vaults', () => {
    // Another vault, made elsewhere (so that only git's three files are beside OURS).
    const other = join(repo.root, 'other', 'vault.db')
    newVault(other, alice)
    copyFileSync(other, theirs)
    expectRefused('CONFLICT', /^secrets cannot merge \.secrets\/vault\.db: the two sides are different vaults \([0-9a-f]{8}… and [0-9a-f]{8}…\)$/)
  })

  it.each([
    ['our side is in format 1', 'ours', 'our'],
    ['their side is in format 1', 'theirs', 'their'],
  ] as const)('a mix of formats: %s (UPGRADE_NEEDED)', (_, side, word) => {
    const path = {ours, theirs}[side]
    const vaultId = readVaultId(path)
    // The format-1 fixture, given this vault's id: the same vault, on a branch not upgraded yet.
    copyFileSync(FIXTURE, path)
    editFile(path, (db) => db.prepare(`UPDATE meta SET value = ? WHERE key = 'vault_id'`).run(vaultId))
    const error = expectRefused('UPGRADE_NEEDED', `secrets cannot merge .secrets/vault.db: ${word} side is still in format 1`)
    expect(error.exit).toBe(ExitCode.UPGRADE_NEEDED)
    expect(error.hint).toMatch(/secrets upgrade/)
  })

  it.each([
    ['their side', 'theirs', 'their'],
    ['our side', 'ours', 'our'],
  ] as const)('%s with an operation whose bytes were changed', (_, side, word) => {
    const path = {ours, theirs}[side]
    const before = opIds(base)
    let flipped = ''
    editFile(path, (db) => {
      // An operation both sides hold (the first secret's version), one byte of its body flipped.
      const row = db.prepare('SELECT id, body FROM ops').all().find((r) => before.includes((r as {id: string}).id) && (r as {body: Buffer}).body.includes('DB_PASSWORD')) as {id: string; body: Buffer}
      const body = Buffer.from(row.body)
      const at = body.indexOf('DB_PASSWORD')
      body[at] = body[at]! ^ 0x20
      db.prepare('UPDATE ops SET body = ? WHERE id = ?').run(body, row.id)
      flipped = row.id
    })
    const message = `secrets cannot merge .secrets/vault.db: ${word} side: integrity check failed for operation ${flipped.slice(0, 12)}: its bytes do not match its id`
    expectRefused('INTEGRITY', message)
  })

  it.each([
    ['their side', 'theirs', 'their'],
    ['our side', 'ours', 'our'],
  ] as const)('%s whose schema has a trigger secrets did not make (and the trigger never runs)', (_, side, word) => {
    const path = {ours, theirs}[side]
    // Were it to run inside the merge's transaction, every operation from their side would vanish.
    editFile(path, (db) => db.exec('CREATE TRIGGER forget_ops AFTER INSERT ON ops BEGIN DELETE FROM ops WHERE id = NEW.id; END'))
    const before = readFileSync(path)
    expectRefused('INTEGRITY', `secrets cannot merge .secrets/vault.db: ${word} side: the vault ${path} is refused: its schema has an unexpected trigger forget_ops on ops`)
    expect(sameBytes(path, before)).toBe(true)
  })

  it('a side that is not a vault', () => {
    writeFileSync(theirs, 'not a vault')
    expectRefused('CONFLICT', 'secrets cannot merge .secrets/vault.db: their side is not a vault (not an SQLite file)')
  })

  it('a side with a schema newer than this secrets knows', () => {
    editFile(theirs, (db) => db.pragma(`user_version = ${SCHEMA_VERSION + 1}`))
    expectRefused('ERROR', `secrets cannot merge .secrets/vault.db: their side has schema ${SCHEMA_VERSION + 1}, newer than this secrets understands (${SCHEMA_VERSION}); upgrade secrets`)
  })

  it('through the merge-driver command: exit code UPGRADE_NEEDED and one error line for a mix of formats', async () => {
    const vaultId = readVaultId(theirs)
    copyFileSync(FIXTURE, theirs)
    editFile(theirs, (db) => db.prepare(`UPDATE meta SET value = ? WHERE key = 'vault_id'`).run(vaultId))
    const before = readFileSync(ours)
    const result = await repo.run(repo.person('git'), ['merge-driver', base, ours, theirs, LABEL])
    expect(result.code).toBe(ExitCode.UPGRADE_NEEDED)
    expect(result.stderr.split('\n')[0]).toBe('error: secrets cannot merge .secrets/vault.db: their side is still in format 1')
    expect(sameBytes(ours, before)).toBe(true)
  })
})

function readVaultId(path: string): string {
  const db = new Database(path, {readonly: true})
  try {
    return (db.prepare(`SELECT value FROM meta WHERE key = 'vault_id'`).get() as {value: string}).value
  } finally {
    db.close()
  }
}
