// Red team, issue 10: the record of verified rows (src/vault/store/verified-cache.ts) lets a row
// whose SHA-256 digest it holds skip its signature. The digest is unkeyed: anyone can compute
// it from the row alone. So whoever can put a file in the reader's cache directory can make any
// row of their choosing "verified", a row signed by nobody included, and sign as the owner.
//
// The cache directory is not as private as the docs assume. CI jobs commonly point
// XDG_CACHE_HOME into the checkout so that the runner's `cache:` keeps it between jobs
// (`XDG_CACHE_HOME: $CI_PROJECT_DIR/.cache`); then the record comes from the repository, which a
// member with push access writes, or from a cache another branch's pipeline left. Before the
// record existed, nothing in the cache directory decided anything.
//
// Fixed when the record is keyed with a secret the repository cannot know (a random key kept
// in the config directory next to the pins, or one derived from the identity), or when a record
// inside the repository, or not owned by the user, is ignored.
import {createHash} from 'node:crypto'
import {mkdirSync, symlinkSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import Database from 'better-sqlite3'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {Identity} from '../../src/crypto/identity.js'
import {loadSodium} from '../../src/crypto/sodium.js'
import {ExitCode} from '../../src/errors.js'
import {Forger} from '../helpers/forge.js'
import {Team} from '../helpers/team.js'

let team: Team

beforeEach(async () => {
  await loadSodium()
  team = await Team.create()
  await team.permit('mallory', 'developer')
})

afterEach(() => team.cleanup())

/** What verified-cache.ts stores for a row: computable by anyone who has the row. */
function recordEntry(row: {id: string; body: Buffer; signature: Buffer}): Buffer {
  const lengths = Buffer.alloc(8)
  lengths.writeUInt32BE(row.body.length, 0)
  lengths.writeUInt32BE(row.signature.length, 4)
  return createHash('sha256').update(lengths).update(row.id).update(row.body).update(row.signature).digest()
}

function vaultId(): string {
  const db = new Database(team.repo.vaultPath, {readonly: true})
  try {
    return (db.prepare(`SELECT value FROM meta WHERE key = 'vault_id'`).get() as {value: string}).value
  } finally {
    db.close()
  }
}

function row(id: string): {id: string; body: Buffer; signature: Buffer} {
  const db = new Database(team.repo.vaultPath, {readonly: true})
  try {
    return db.prepare('SELECT id, body, signature FROM ops WHERE id = ?').get(id) as {id: string; body: Buffer; signature: Buffer}
  } finally {
    db.close()
  }
}

describe('a record of verified rows that the checkout supplies (XDG_CACHE_HOME inside the repository, as CI caches are set up)', () => {
  it('does not let an operation that names the owner as author, signed by mallory, count', async () => {
    const mallory = await team.identity('mallory')
    const ids = (await team.forger('mallory')).memberIds()
    const aliceId = ids.get('user:alice')!
    expect(aliceId).toMatch(/^[0-9a-f]{64}$/)

    // Mallory's own second identity, made an owner "by alice": the signature is mallory's.
    const eve = Identity.generate()
    const asAlice = Forger.open(team.repo.vaultPath, mallory, aliceId)
    const forged = asAlice.append({
      kind: 'member.add',
      member: {name: 'user:eve', kind: 'user', recipient: eve.recipient.toString(), role: 'owner', environment: '*', branch: '*'},
    })

    // Without a record, every reader refuses the vault: the signature is not alice's.
    const plain = await team.run('alice', ['list'], {env: {XDG_CACHE_HOME: join(team.repo.root, 'empty-cache')}})
    expect(plain.code, plain.stderr).toBe(ExitCode.INTEGRITY)
    expect(plain.stderr).toContain('the signature by user:alice does not match')

    // Mallory commits, beside the vault, the one entry the record needs.
    const cache = join(team.repo.dir, '.cache')
    mkdirSync(join(cache, 'secrets', 'verified'), {recursive: true, mode: 0o700})
    writeFileSync(join(cache, 'secrets', 'verified', `${vaultId()}.bin`), recordEntry(row(forged.id)), {mode: 0o600})

    for (const args of [['list'], ['run', '--', 'true'], ['log']]) {
      const result = await team.run('alice', args, {env: {XDG_CACHE_HOME: cache}})
      expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(ExitCode.INTEGRITY)
      expect(result.stderr).toContain('the signature by user:alice does not match')
    }
  })

  it('does not make alice seal a new production value to the owner mallory forged', async () => {
    const mallory = await team.identity('mallory')
    const aliceId = (await team.forger('mallory')).memberIds().get('user:alice')!
    const eve = Identity.generate()
    const forged = Forger.open(team.repo.vaultPath, mallory, aliceId).append({
      kind: 'member.add',
      member: {name: 'user:eve', kind: 'user', recipient: eve.recipient.toString(), role: 'owner', environment: '*', branch: '*'},
    })
    const cache = join(team.repo.dir, '.cache')
    mkdirSync(join(cache, 'secrets', 'verified'), {recursive: true, mode: 0o700})
    writeFileSync(join(cache, 'secrets', 'verified', `${vaultId()}.bin`), recordEntry(row(forged.id)), {mode: 0o600})

    // Alice, in that job or checkout, adds a production secret as usual.
    await team.run('alice', ['add', 'PROD_DB', '--environment', 'production'], {input: 'prod-db-value-77', env: {XDG_CACHE_HOME: cache}})
    // Mallory, as eve, with the same planted record.
    const stolen = await team.run('eve', ['get', 'PROD_DB', '--environment', 'production'], {env: {XDG_CACHE_HOME: cache, SECRETS_IDENTITY: eve.toSecretText()}})
    expect(stolen.stdout).not.toContain('prod-db-value-77')
  })

  it('is not read through a symlink to /dev/zero that the clone commits: every command would hang', async () => {
    await team.ok('alice', ['add', 'DB_PASSWORD'], {input: 'db-password-value-1'})
    const cache = join(team.repo.dir, '.cache')
    mkdirSync(join(cache, 'secrets', 'verified'), {recursive: true})
    symlinkSync('/dev/zero', join(cache, 'secrets', 'verified', `${vaultId()}.bin`))
    const result = await Promise.race([
      team.run('alice', ['get', 'DB_PASSWORD'], {env: {XDG_CACHE_HOME: cache}}),
      new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), 20_000)),
    ])
    expect(result, 'get still running after 20 s').not.toBe('hung')
    if (result !== 'hung') expect(result.stdout).toBe('db-password-value-1')
  }, 60_000)
})
