// The OS keychain for real: on Linux, the Secret Service over D-Bus. Every test uses its own
// service name, so nothing here can read or clobber a person's own `secrets` identity.
// Without a Secret Service these tests are skipped with a line saying so; with
// SECRETS_TEST_REQUIRE_KEYCHAIN set (CI, under .ci/with-keyring.sh) they fail instead.
import {randomUUID} from 'node:crypto'
import {existsSync, mkdtempSync, readdirSync, rmSync} from 'node:fs'
import {createRequire} from 'node:module'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterEach, beforeAll, describe, expect, it} from 'vitest'

import {loadSodium} from '../../src/crypto/sodium.js'
import {DEFAULT_ACCOUNT, IdentityStore} from '../../src/keychain/identity-store.js'
import {OsKeychain} from '../../src/keychain/os-keychain.js'
import {exec} from '../helpers/cli.js'

interface RawEntry {
  getPassword(): string | null
  setPassword(password: string): void
  deletePassword(): boolean
}

// The probe and the cleanup use the library directly, not the code under test, so that a bug
// in OsKeychain fails a test instead of looking like a missing Secret Service.
const require = createRequire(import.meta.url)
const keyring = require('@napi-rs/keyring') as {
  Entry: new (service: string, account: string) => RawEntry
  findCredentials(service: string): Array<{account: string; password: string}>
}
const {Entry} = keyring

function uniqueService(): string {
  return `secrets-test-${randomUUID()}`
}

/** undefined when a Secret Service stored, returned and deleted an entry; otherwise why not. */
function probe(): string | undefined {
  const service = uniqueService()
  try {
    // A search goes to the Secret Service only. Without one, Entry falls back to the kernel
    // keyring (keyutils), where a probe would leave entries that it cannot always delete.
    keyring.findCredentials(service)
  } catch (error) {
    return firstLine(error)
  }

  const entry = new Entry(service, 'probe')
  const secret = randomUUID()
  try {
    entry.setPassword(secret)
    return entry.getPassword() === secret ? undefined : 'it did not return what was stored'
  } catch (error) {
    return firstLine(error)
  } finally {
    try {
      entry.deletePassword()
    } catch {
      // Nothing was stored.
    }
  }
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? ''
}

const unavailable = probe()
const required = Boolean(process.env.SECRETS_TEST_REQUIRE_KEYCHAIN)
if (unavailable !== undefined && !required) {
  console.warn('skipping OS keychain tests: no Secret Service (set SECRETS_TEST_REQUIRE_KEYCHAIN=1 to fail instead)')
}

/** Entries made by a test, removed after it whatever happened. */
const made: Array<[service: string, account: string]> = []

function track(service: string, account: string): void {
  made.push([service, account])
}

afterEach(() => {
  const services = new Set<string>()
  for (const [service, account] of made.splice(0)) {
    services.add(service)
    try {
      new Entry(service, account).deletePassword()
    } catch {
      // Already gone.
    }
  }

  // Nothing a test made may outlive it.
  for (const service of services) expect(keyring.findCredentials(service)).toEqual([])
})

describe.skipIf(unavailable !== undefined && !required)('OsKeychain (Secret Service)', () => {
  beforeAll(async () => {
    if (unavailable !== undefined) {
      throw new Error(`no Secret Service answered (${unavailable}), and SECRETS_TEST_REQUIRE_KEYCHAIN is set`)
    }

    await loadSodium()
  })

  it('stores, returns and deletes a secret', () => {
    const service = uniqueService()
    track(service, 'alice')
    const keychain = new OsKeychain(service)
    const secret = `SECRETS-IDENTITY-1${randomUUID()}`

    keychain.set('alice', secret)
    expect(keychain.get('alice')).toBe(secret)
    // What the code stored is what any other client of the Secret Service sees.
    expect(new Entry(service, 'alice').getPassword()).toBe(secret)

    expect(keychain.delete('alice')).toBe(true)
    expect(keychain.get('alice')).toBeUndefined()
    expect(new Entry(service, 'alice').getPassword()).toBeNull()
  })

  it('keeps a secret beyond the process that stored it', async () => {
    // What a person runs next is a new process: an entry visible only to this one (as in the
    // kernel keyring fallback) would be an identity lost.
    const service = uniqueService()
    track(service, 'alice')
    new OsKeychain(service).set('alice', 'kept')
    const script = `const {Entry} = require(${JSON.stringify(require.resolve('@napi-rs/keyring'))}); process.stdout.write(String(new Entry(process.argv[1], 'alice').getPassword()))`
    const child = await exec(process.execPath, ['-e', script, service])
    expect(child.stderr).toBe('')
    expect(child.stdout).toBe('kept')
  })

  it('replaces a secret that is set again', () => {
    const service = uniqueService()
    track(service, 'alice')
    const keychain = new OsKeychain(service)
    keychain.set('alice', 'first')
    keychain.set('alice', 'second')
    expect(keychain.get('alice')).toBe('second')
  })

  it('returns undefined for an account that has no entry', () => {
    expect(new OsKeychain(uniqueService()).get('nobody')).toBeUndefined()
  })

  it('returns false when deleting an account that has no entry', () => {
    expect(new OsKeychain(uniqueService()).delete('nobody')).toBe(false)
  })

  it('keeps two services apart', () => {
    const [a, b] = [uniqueService(), uniqueService()]
    track(a, 'alice')
    track(b, 'alice')
    const keychainA = new OsKeychain(a)
    const keychainB = new OsKeychain(b)

    keychainA.set('alice', 'secret-a')
    expect(keychainB.get('alice')).toBeUndefined()
    keychainB.set('alice', 'secret-b')
    expect(keychainA.get('alice')).toBe('secret-a')
    expect(keychainB.get('alice')).toBe('secret-b')

    expect(keychainA.delete('alice')).toBe(true)
    expect(keychainB.get('alice')).toBe('secret-b')
  })

  it('keeps two accounts of one service apart', () => {
    const service = uniqueService()
    track(service, 'alice')
    track(service, 'bob')
    const keychain = new OsKeychain(service)
    keychain.set('alice', 'secret-alice')
    keychain.set('bob', 'secret-bob')
    expect(keychain.delete('alice')).toBe(true)
    expect(keychain.get('bob')).toBe('secret-bob')
  })

  describe('IdentityStore over the OS keychain', () => {
    let home: string

    afterEach(() => {
      if (home) rmSync(home, {recursive: true, force: true})
    })

    function storeFor(service: string): IdentityStore {
      // No injected keychain: the store picks the OS keychain from the environment.
      return new IdentityStore({env: {SECRETS_KEYCHAIN_SERVICE: service, HOME: home, XDG_CONFIG_HOME: join(home, '.config')}, home})
    }

    it('creates the identity in the keychain, writes no file, finds it again and forgets it', () => {
      home = mkdtempSync(join(tmpdir(), 'secrets-os-keychain-'))
      const service = uniqueService()
      track(service, DEFAULT_ACCOUNT)

      const created = storeFor(service).findOrCreate()
      expect(created).toMatchObject({source: 'keychain', created: true})
      expect(created.location).toContain(service)
      expect(created.warning).toBeUndefined()
      expect(new Entry(service, DEFAULT_ACCOUNT).getPassword()).toBe(created.identity.toSecretText())
      expect(existsSync(join(home, '.config', 'secrets', 'identity'))).toBe(false)
      expect(readdirSync(home, {recursive: true})).toEqual([])

      // The next command, with a new store.
      const found = storeFor(service).find()
      expect(found).toMatchObject({source: 'keychain', created: false})
      expect(found?.identity.recipient.toString()).toBe(created.identity.recipient.toString())

      expect(storeFor(service).forget()).toBe(true)
      expect(new Entry(service, DEFAULT_ACCOUNT).getPassword()).toBeNull()
      expect(storeFor(service).find()).toBeUndefined()
    })

    it('keeps a separate identity for each SECRETS_KEYCHAIN_SERVICE', () => {
      home = mkdtempSync(join(tmpdir(), 'secrets-os-keychain-'))
      const [a, b] = [uniqueService(), uniqueService()]
      track(a, DEFAULT_ACCOUNT)
      track(b, DEFAULT_ACCOUNT)

      const first = storeFor(a).findOrCreate()
      expect(storeFor(b).find()).toBeUndefined()
      const second = storeFor(b).findOrCreate()
      expect(second.created).toBe(true)
      expect(second.identity.recipient.toString()).not.toBe(first.identity.recipient.toString())
      expect(storeFor(a).find()?.identity.recipient.toString()).toBe(first.identity.recipient.toString())
    })
  })
})

