// `rotate --key` killed with SIGKILL at moments spread over its run: every time, the vault
// must open and decrypt every version of every secret, old keys or new.
import {spawn} from 'node:child_process'
import {copyFileSync, existsSync} from 'node:fs'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {Identity} from '../../src/crypto/identity.js'
import {bytes, secret, tempVault, text} from '../helpers/vault.js'
import {BIN} from '../helpers/cli.js'
import {Vault} from '../../src/vault/vault.js'
import {Session} from '../../src/vault/session.js'
import {liveSecrets, versionsOf} from '../../src/vault/secret-rows.js'
import {writeVersion} from '../../src/vault/add-secret.js'
import {decryptVersion} from '../../src/vault/read-secret.js'

const SECRETS = 200
const VERSIONS = 12

let v: Awaited<ReturnType<typeof tempVault>>
let ownerText: string
/** name → every value it has had, oldest first. */
const expected = new Map<string, string[]>()

beforeAll(async () => {
  v = await tempVault()
  ownerText = v.owner.toSecretText()
  const store = v.store()
  for (let i = 0; i < SECRETS; i++) {
    const name = `SECRET_${i}`
    await store.add(secret(name, {environment: i % 3 === 0 ? 'production' : '*'}), async () => bytes(`${name}-v1`))
    expected.set(name, [`${name}-v1`])
  }

  store.close()
  // The other versions in one transaction, to keep the set-up short.
  const vault = Vault.open(v.path)
  const session = Session.open(vault, Identity.parse(ownerText))
  vault.write(() => {
    for (const row of liveSecrets(vault)) {
      for (let k = 2; k <= VERSIONS; k++) {
        const value = `${row.name}-v${k}`
        writeVersion(session, row, bytes(value), new Date(Date.parse(row.created_at) + k).toISOString())
        expected.get(row.name)!.push(value)
      }
    }
  })
  session.close()
}, 120_000)

afterAll(() => v.cleanup())

function rekey(path: string): {done: Promise<number | null>; kill: () => void} {
  const child = spawn(process.execPath, [BIN, 'rotate', '--key', '--vault', path], {
    env: {PATH: process.env.PATH, HOME: v.dir, SECRETS_IDENTITY: ownerText, SECRETS_KEYCHAIN: 'off'},
    stdio: 'ignore',
  })
  return {done: new Promise((resolve) => child.on('exit', (code) => resolve(code))), kill: () => child.kill('SIGKILL')}
}

/** Opens the vault (rolling back a hot journal) and decrypts every version of every secret. */
function checkEveryValue(path: string): void {
  const vault = Vault.open(path)
  const session = Session.open(vault, Identity.parse(ownerText))
  try {
    const rows = liveSecrets(vault)
    expect(rows).toHaveLength(SECRETS)
    for (const row of rows) {
      const values = versionsOf(vault, row.id).map((version) => text(decryptVersion(session, row, version)))
      expect(values).toEqual(expected.get(row.name))
    }
  } finally {
    session.close()
  }
}

describe('rotate --key under kill -9', () => {
  it('leaves a vault that opens and decrypts every value, whenever it is killed', async () => {
    // How long a whole re-key takes here, start-up included.
    const full = join(v.dir, 'full.db')
    copyFileSync(v.path, full)
    const started = Date.now()
    expect(await rekey(full).done).toBe(0)
    const duration = Date.now() - started
    checkEveryValue(full)

    // Kill moments spread over the run (seeded, so a failure can be replayed).
    let seed = 20261122
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31)
    let interrupted = 0
    const kills = 8
    for (let i = 0; i < kills; i++) {
      const work = join(v.dir, `kill-${i}.db`)
      copyFileSync(v.path, work)
      const delay = Math.floor(((i + random()) / kills) * duration)
      const run = rekey(work)
      await new Promise((r) => setTimeout(r, delay))
      run.kill()
      await run.done
      if (existsSync(`${work}-journal`)) interrupted++
      checkEveryValue(work)
    }

    // At least one kill must have landed inside the transaction, or this test proved nothing.
    expect(interrupted).toBeGreaterThan(0)
  }, 120_000)
})
