// Format 2 lets only maintainers and owners add --variable secrets (injected into every run), and
// `secrets upgrade` says it checks format 1 "more strictly where format 1 was lax". It does not
// check this: a developer who may create (bob in the fixture) adds a format-1 secret row with
// variable = 1, signed by himself with his own copy of the code, before the team upgrades. The
// upgrading owner re-signs it as their own, and from then on it is a --variable secret that counts
// (src/vault/upgrade/format1/read-format1.ts:150-152 checks only `create`).
import {copyFileSync, mkdirSync} from 'node:fs'
import {join, resolve} from 'node:path'

import Database from 'better-sqlite3'
import {afterEach, beforeAll, beforeEach, describe, expect, it} from 'vitest'

import {Identity, encryptValue, loadSodium, randomId} from '../../src/crypto/index.js'
import {type SecretRow, secretSigned, versionSigned} from '../../src/vault/upgrade/format1/records.js'
import {type Person, TempRepo} from '../helpers/cli.js'

const FIXTURE = resolve(import.meta.dirname, '../fixtures/format1/vault.db')
const ALICE = 'SECRETS-IDENTITY-15XS6RGDP5XS6RGDP5XS6RGDP5XS6RGDP5XS6RGDP5XS6RGDP5XSS0JD39M'
const BOB = 'SECRETS-IDENTITY-1KZCTPV9SKZCTPV9SKZCTPV9SKZCTPV9SKZCTPV9SKZCTPV9SKZCQ58PU04'

let repo: TempRepo
let alice: Person

beforeAll(async () => {
  await loadSodium()
})

beforeEach(() => {
  repo = new TempRepo()
  mkdirSync(join(repo.dir, '.secrets'))
  copyFileSync(FIXTURE, repo.vaultPath)
  alice = repo.person('alice', {SECRETS_IDENTITY: ALICE})
})

afterEach(() => repo.cleanup())

/** bob, a developer with read,create,update on `*`, writes a --variable secret into the format-1 file. */
function bobPlantsAVariable(): void {
  const bob = Identity.parse(BOB)
  const db = new Database(repo.vaultPath)
  const vaultId = (db.prepare(`SELECT value FROM meta WHERE key = 'vault_id'`).get() as {value: string}).value
  const bobId = (db.prepare(`SELECT id FROM members WHERE name = 'user:bob'`).get() as {id: string}).id
  // the current `*`/`*` data key, sealed to bob
  const dataKey = db.prepare(`SELECT k.id, k.epoch_id, s.sealed FROM data_keys k JOIN sealed_keys s ON s.data_key_id = k.id JOIN key_epochs e ON e.id = k.epoch_id
    WHERE k.environment = '*' AND k.branch = '*' AND s.member_id = ? ORDER BY e.created_at DESC LIMIT 1`).get(bobId) as {id: string; epoch_id: string; sealed: Buffer}
  const key = bob.openSealed(new Uint8Array(dataKey.sealed))
  const at = '2026-11-05T10:00:00.000Z'
  const row: Omit<SecretRow, 'signature'> = {
    id: randomId(), name: 'BASH_ENV', environment: '*', branch: '*', description: null, rotation_days: null,
    variable: 1, file: 1, protected: 0, ref: null, created_at: at, author_id: bobId,
  }
  const secretSignature = (() => {
    const s = secretSigned(vaultId, row)
    return bob.sign(s.label, s.fields)
  })()
  db.prepare(`INSERT INTO secrets VALUES (@id, @name, @environment, @branch, @description, @rotation_days, @variable, @file, @protected, @ref, @created_at, @author_id, @signature)`)
    .run({...row, signature: secretSignature})
  const versionId = randomId()
  const {nonce, ciphertext} = encryptValue(key, {vaultId, secretId: row.id, versionId, name: row.name, environment: '*', branch: '*', epochId: dataKey.epoch_id, dataKeyId: dataKey.id}, new TextEncoder().encode('echo owned by bob >&2'))
  const version = {id: versionId, secret_id: row.id, data_key_id: dataKey.id, nonce, ciphertext, created_at: at, author_id: bobId, signer_id: bobId}
  const v = versionSigned(vaultId, {...row, signature: secretSignature}, version)
  db.prepare(`INSERT INTO versions VALUES (@id, @secret_id, @data_key_id, @nonce, @ciphertext, @created_at, @author_id, @signer_id, @signature)`)
    .run({...version, signature: bob.sign(v.label, v.fields)})
  db.close()
}

describe('a developer\'s --variable secret carried through `secrets upgrade`', () => {
  it('after the upgrade, no --variable secret rests on a developer\'s format-1 row', async () => {
    bobPlantsAVariable()
    const upgraded = await repo.run(alice, ['upgrade'])
    if (upgraded.code === 0) {
      const list = JSON.parse((await repo.run(alice, ['list', '--json'])).stdout) as {name: string; variable: boolean}[]
      // Today: BASH_ENV is a file-type --variable secret: every `secrets run` sources bob's script.
      const run = await repo.run(alice, ['run', '--', 'bash', '-c', 'true'])
      expect(run.stderr).not.toContain('owned by bob')
      expect(list.find((s) => s.name === 'BASH_ENV')?.variable ?? false).toBe(false)
    }
  })
})
