// This computer's record of verified operations (src/vault/store/verified-cache.ts) saves
// re-checking signatures; it must never let a changed row through. A hostile member with push
// access edits the vault after alice's computer has verified and recorded every operation:
// each edit is noticed exactly as it would be without the record.
import {readdirSync, statSync} from 'node:fs'
import {join} from 'node:path'

import Database from 'better-sqlite3'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {ExitCode} from '../../src/errors.js'
import {signOperation} from '../../src/vault/store/operations.js'
import {loadSodium} from '../../src/crypto/sodium.js'
import {Team} from '../helpers/team.js'

let team: Team

beforeEach(async () => {
  await loadSodium()
  team = await Team.create()
  await team.permit('mallory', 'developer')
  await team.ok('alice', ['add', 'DB_PASSWORD'], {input: 'db-password-value-1'})
  // Alice's computer verifies the whole history and records it.
  expect(await team.value('alice', ['DB_PASSWORD'])).toBe('db-password-value-1')
})

afterEach(() => team.cleanup())

function recordFiles(): string[] {
  const dir = join(team.people.get('alice')!.home, '.cache', 'secrets', 'verified')
  return readdirSync(dir).map((f) => join(dir, f))
}

/** The id and body of alice's secret.set, read from the file as mallory's tools would. */
function aliceValueRow(): {id: string; body: Buffer} {
  const db = new Database(team.repo.vaultPath, {readonly: true})
  try {
    const rows = db.prepare('SELECT id, body FROM ops').all() as {id: string; body: Buffer}[]
    return rows.find((r) => JSON.parse(r.body.toString()).kind === 'secret.set')!
  } finally {
    db.close()
  }
}

function setSignature(id: string, signature: Uint8Array): void {
  const db = new Database(team.repo.vaultPath)
  db.prepare('UPDATE ops SET signature = ? WHERE id = ?').run(signature, id)
  db.close()
}

describe('the record of verified operations, against a member with push access', () => {
  it('is kept in alice’s cache directory, readable by her alone', () => {
    const [file] = recordFiles()
    expect(statSync(file!).mode & 0o777).toBe(0o600)
    expect(statSync(join(file!, '..')).mode & 0o777).toBe(0o700)
    expect(statSync(file!).size % 32).toBe(0)
    expect(statSync(file!).size).toBeGreaterThan(0)
  })

  it('does not vouch for a recorded operation whose signature was replaced by mallory’s own', async () => {
    const row = aliceValueRow()
    // A valid signature, by a member, over the very bytes alice's operation has: not alice's.
    setSignature(row.id, signOperation(await team.identity('mallory'), new Uint8Array(row.body)))
    const before = team.repo.vaultBytes()
    const result = await team.run('alice', ['get', 'DB_PASSWORD'])
    expect(result.code).toBe(ExitCode.INTEGRITY)
    expect(result.stderr).toMatch(/^error: integrity check failed for operation [0-9a-f]{12} \(secret\.set\): the signature by user:alice does not match$/m)
    expect(team.repo.vaultBytes().equals(before)).toBe(true)
  })

  it('does not vouch for a recorded operation whose signature is garbage, on the fast path of run either', async () => {
    setSignature(aliceValueRow().id, new Uint8Array(64).fill(1))
    for (const args of [['list'], ['run', '--', 'true']]) {
      const result = await team.run('alice', args)
      expect(result.code, args.join(' ')).toBe(ExitCode.INTEGRITY)
      expect(result.stderr).toContain('the signature by user:alice does not match')
    }
  })

  it('still refuses a recorded operation whose bytes were changed', async () => {
    const row = aliceValueRow()
    const body = Buffer.from(row.body.toString().replace('"secret.set"', '"secret.sat"'))
    const db = new Database(team.repo.vaultPath)
    db.prepare('UPDATE ops SET body = ? WHERE id = ?').run(body, row.id)
    db.close()
    const result = await team.run('alice', ['get', 'DB_PASSWORD'])
    expect(result.code).toBe(ExitCode.INTEGRITY)
    expect(result.stderr).toContain('its bytes do not match its id')
  })
})
