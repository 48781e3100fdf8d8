// Format 2 lets only maintainers and owners bind a provider reference (--ref): a binding decides
// which secret a CI job gets (e2e/attacks-ref-hijack). `secrets upgrade` demotes --variable secrets
// that a non-maintainer wrote in format 1, but carries every format-1 `ref` over as it is, re-signed
// by the upgrading owner (read-format1.ts pushes `ref: row.ref`; upgrade-vault.ts writeSecret). So
// bob, a developer who may create, adds a format-1 secret bound to the reference a deploy job asks
// for — format 1 allowed it, or he writes the row with his own copy of the code — and after the
// upgrade that binding is an owner's: the job gets bob's value instead of the DB_PASSWORD it
// resolved by name.
import {copyFileSync, mkdirSync, writeFileSync} from 'node:fs'
import {join, resolve} from 'node:path'

import Database from 'better-sqlite3'
import {afterEach, beforeAll, beforeEach, describe, expect, it} from 'vitest'

import {Identity, encryptValue, loadSodium, randomId} from '../../src/crypto/index.js'
import {type SecretRow, secretSigned, versionSigned} from '../../src/vault/upgrade/format1/records.js'
import {type Person, TempRepo} from '../helpers/cli.js'

const FIXTURE = resolve(import.meta.dirname, '../fixtures/format1/vault.db')
const ALICE = 'SECRETS-IDENTITY-15XS6RGDP5XS6RGDP5XS6RGDP5XS6RGDP5XS6RGDP5XS6RGDP5XSS0JD39M'
const BOB = 'SECRETS-IDENTITY-1KZCTPV9SKZCTPV9SKZCTPV9SKZCTPV9SKZCTPV9SKZCTPV9SKZCQ58PU04'

const CI = `
deploy:
  environment: production
  script:
    - echo deploying
  secrets:
    DB_PASSWORD:
      vault: production/db/password@ops
      file: false
`

let repo: TempRepo
let alice: Person

beforeAll(async () => {
  await loadSodium()
})

beforeEach(() => {
  repo = new TempRepo()
  mkdirSync(join(repo.dir, '.secrets'))
  copyFileSync(FIXTURE, repo.vaultPath)
  writeFileSync(join(repo.dir, '.gitlab-ci.yml'), CI)
  alice = repo.person('alice', {SECRETS_IDENTITY: ALICE})
})

afterEach(() => repo.cleanup())

/** bob, a developer with read,create,update on `*`, writes a format-1 secret bound to the job's reference. */
function bobBindsTheReference(): void {
  const bob = Identity.parse(BOB)
  const db = new Database(repo.vaultPath)
  const vaultId = (db.prepare(`SELECT value FROM meta WHERE key = 'vault_id'`).get() as {value: string}).value
  const bobId = (db.prepare(`SELECT id FROM members WHERE name = 'user:bob'`).get() as {id: string}).id
  const dataKey = db.prepare(`SELECT k.id, k.epoch_id, s.sealed FROM data_keys k JOIN sealed_keys s ON s.data_key_id = k.id JOIN key_epochs e ON e.id = k.epoch_id
    WHERE k.environment = '*' AND k.branch = '*' AND s.member_id = ? ORDER BY e.created_at DESC LIMIT 1`).get(bobId) as {id: string; epoch_id: string; sealed: Buffer}
  const key = bob.openSealed(new Uint8Array(dataKey.sealed))
  const at = '2026-11-05T10:00:00.000Z'
  const row: Omit<SecretRow, 'signature'> = {
    id: randomId(), name: 'CACHE_URL', environment: '*', branch: '*', description: null, rotation_days: null,
    variable: 0, file: 0, protected: 0, ref: 'vault:production/db/password@ops', created_at: at, author_id: bobId,
  }
  const signed = secretSigned(vaultId, row)
  const secretSignature = bob.sign(signed.label, signed.fields)
  db.prepare(`INSERT INTO secrets VALUES (@id, @name, @environment, @branch, @description, @rotation_days, @variable, @file, @protected, @ref, @created_at, @author_id, @signature)`)
    .run({...row, signature: secretSignature})
  const versionId = randomId()
  const {nonce, ciphertext} = encryptValue(key, {vaultId, secretId: row.id, versionId, name: row.name, environment: '*', branch: '*', epochId: dataKey.epoch_id, dataKeyId: dataKey.id}, new TextEncoder().encode('bobs-db-password'))
  const version = {id: versionId, secret_id: row.id, data_key_id: dataKey.id, nonce, ciphertext, created_at: at, author_id: bobId, signer_id: bobId}
  const v = versionSigned(vaultId, {...row, signature: secretSignature}, version)
  db.prepare(`INSERT INTO versions VALUES (@id, @secret_id, @data_key_id, @nonce, @ciphertext, @created_at, @author_id, @signer_id, @signature)`)
    .run({...version, signature: bob.sign(v.label, v.fields)})
  db.close()
}

async function whatTheJobGets(): Promise<string | null> {
  const plan = JSON.parse((await repo.run(alice, ['run', '--job', 'deploy', '--dry-run', '--json'])).stdout) as {secrets: {secret: string | null}[]}
  return plan.secrets[0]!.secret
}

describe('a developer\'s provider reference carried through `secrets upgrade`', () => {
  it('control: without bob\'s row the upgraded vault gives the job DB_PASSWORD, by name', async () => {
    expect((await repo.run(alice, ['upgrade'])).code).toBe(0)
    expect(await whatTheJobGets()).toBe('DB_PASSWORD')
  })

  it('after the upgrade, no binding rests on a developer\'s format-1 row', async () => {
    bobBindsTheReference()
    const upgraded = await repo.run(alice, ['upgrade'])
    if (upgraded.code === 0) {
      const list = JSON.parse((await repo.run(alice, ['list', '--json'])).stdout) as {name: string; ref: string | null}[]
      // Today: CACHE_URL keeps ref vault:production/db/password@ops, now signed by alice, and the deploy job gets it.
      expect(list.find((s) => s.name === 'CACHE_URL')?.ref ?? null).toBeNull()
      expect(await whatTheJobGets()).toBe('DB_PASSWORD')
    }
  })
})
