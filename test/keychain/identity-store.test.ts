// Where an identity is found and where a new one goes, with the keychain in memory and HOME in
// a temporary directory: nothing here touches the real OS keychain or the real home.
import {chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {afterEach, beforeAll, beforeEach, describe, expect, it} from 'vitest'

import {Identity} from '../../src/crypto/identity.js'
import {loadSodium} from '../../src/crypto/sodium.js'
import type {Env} from '../../src/env.js'
import {SecretsError} from '../../src/errors.js'
import {DEFAULT_ACCOUNT, IdentityStore, type LoadedIdentity} from '../../src/keychain/identity-store.js'
import {type Keychain, KeychainUnavailable} from '../../src/keychain/keychain.js'
import {MemoryKeychain} from '../../src/keychain/memory-keychain.js'

const BECH32 = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l'
const UNAVAILABLE = 'cannot reach org.freedesktop.secrets on the session bus'

/** A keychain as it is on a server with no Secret Service: every call fails. */
class UnavailableKeychain implements Keychain {
  readonly description = 'the OS keychain (unavailable)'
  calls = 0

  get(_account: string): string | undefined {
    return this.fail()
  }

  set(_account: string, _secret: string): void {
    this.fail()
  }

  delete(_account: string): boolean {
    return this.fail()
  }

  private fail(): never {
    this.calls++
    throw new KeychainUnavailable(UNAVAILABLE, 'absent')
  }
}

let home: string
/** The fallback file for `home` when XDG_CONFIG_HOME is not set. */
let defaultFile: string

beforeAll(async () => {
  await loadSodium()
})

beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'secrets-identity-store-'))
  defaultFile = join(home, '.config', 'secrets', 'identity')
})

afterEach(() => {
  rmSync(home, {recursive: true, force: true})
})

function writeIdentity(path: string, identity: Identity, comments: string[] = []): void {
  mkdirSync(dirname(path), {recursive: true})
  writeFileSync(path, [...comments, identity.toSecretText(), ''].join('\n'), {mode: 0o600})
}

function caught(fn: () => unknown): SecretsError {
  try {
    fn()
  } catch (error) {
    expect(error).toBeInstanceOf(SecretsError)
    return error as SecretsError
  }

  throw new Error('expected a SecretsError')
}

function recipientOf(loaded: LoadedIdentity | undefined): string | undefined {
  return loaded?.identity.recipient.toString()
}

describe('precedence', () => {
  // One distinct identity in each place; each case takes away the places above it.
  let inEnv: Identity
  let inEnvFile: Identity
  let inKeychain: Identity
  let inFile: Identity
  let envFile: string
  let keychain: MemoryKeychain

  beforeEach(() => {
    inEnv = Identity.generate()
    inEnvFile = Identity.generate()
    inKeychain = Identity.generate()
    inFile = Identity.generate()
    envFile = join(home, 'ci-identity.txt')
    writeIdentity(envFile, inEnvFile)
    keychain = new MemoryKeychain()
    keychain.set(DEFAULT_ACCOUNT, inKeychain.toSecretText())
    writeIdentity(defaultFile, inFile)
  })

  it('SECRETS_IDENTITY beats SECRETS_IDENTITY_FILE, the keychain and the file', () => {
    const env: Env = {SECRETS_IDENTITY: inEnv.toSecretText(), SECRETS_IDENTITY_FILE: envFile}
    const found = new IdentityStore({env, keychain, home}).find()
    expect(found?.source).toBe('env')
    expect(found?.location).toBe('SECRETS_IDENTITY')
    expect(recipientOf(found)).toBe(inEnv.recipient.toString())
  })

  it('SECRETS_IDENTITY_FILE beats the keychain and the file', () => {
    const found = new IdentityStore({env: {SECRETS_IDENTITY_FILE: envFile}, keychain, home}).find()
    expect(found?.source).toBe('env-file')
    expect(found?.location).toBe(envFile)
    expect(recipientOf(found)).toBe(inEnvFile.recipient.toString())
  })

  it('a blank SECRETS_IDENTITY does not hide the places after it', () => {
    const found = new IdentityStore({env: {SECRETS_IDENTITY: '  '}, keychain, home}).find()
    expect(found?.source).toBe('keychain')
  })

  it('the keychain beats the file', () => {
    const found = new IdentityStore({env: {}, keychain, home}).find()
    expect(found?.source).toBe('keychain')
    expect(found?.location).toBe(keychain.description)
    expect(recipientOf(found)).toBe(inKeychain.recipient.toString())
  })

  it('the file is used when nothing else has an identity', () => {
    keychain.delete(DEFAULT_ACCOUNT)
    const found = new IdentityStore({env: {}, keychain, home}).find()
    expect(found?.source).toBe('file')
    expect(found?.location).toBe(defaultFile)
    expect(found?.warning).toBeUndefined()
    expect(recipientOf(found)).toBe(inFile.recipient.toString())
  })

  it('the file lives under XDG_CONFIG_HOME when it is set', () => {
    keychain.delete(DEFAULT_ACCOUNT)
    const config = join(home, 'xdg')
    const other = Identity.generate()
    writeIdentity(join(config, 'secrets', 'identity'), other)
    const found = new IdentityStore({env: {XDG_CONFIG_HOME: config}, keychain, home}).find()
    expect(found?.location).toBe(join(config, 'secrets', 'identity'))
    expect(recipientOf(found)).toBe(other.recipient.toString())
  })
})

describe('find and findOrCreate', () => {
  it('find() never creates an identity', () => {
    const keychain = new MemoryKeychain()
    const store = new IdentityStore({env: {}, keychain, home})
    expect(store.find()).toBeUndefined()
    expect(store.find()).toBeUndefined()
    expect(keychain.get(DEFAULT_ACCOUNT)).toBeUndefined()
    expect(existsSync(defaultFile)).toBe(false)
  })

  it('findOrCreate() creates one identity in the keychain, then finds that same one', () => {
    const keychain = new MemoryKeychain()
    const store = new IdentityStore({env: {}, keychain, home})

    const created = store.findOrCreate()
    expect(created).toMatchObject({source: 'keychain', created: true})
    expect(created.warning).toBeUndefined()
    expect(keychain.get(DEFAULT_ACCOUNT)).toBe(created.identity.toSecretText())
    expect(existsSync(defaultFile)).toBe(false)

    const again = store.findOrCreate()
    expect(again).toMatchObject({source: 'keychain', created: false})
    expect(recipientOf(again)).toBe(recipientOf(created))

    // A new store over the same keychain (the next command) finds it too.
    expect(recipientOf(new IdentityStore({env: {}, keychain, home}).find())).toBe(recipientOf(created))
  })

  it('forget() removes the identity, so the next findOrCreate() makes a different one', () => {
    const keychain = new MemoryKeychain()
    const store = new IdentityStore({env: {}, keychain, home})
    const first = store.findOrCreate()
    expect(store.forget()).toBe(true)
    expect(store.find()).toBeUndefined()
    expect(store.forget()).toBe(false)
    expect(recipientOf(store.findOrCreate())).not.toBe(recipientOf(first))
  })
})

describe('when no keychain works', () => {
  it('findOrCreate() writes the file with mode 0600 and a warning that says why', () => {
    const keychain = new UnavailableKeychain()
    const loaded = new IdentityStore({env: {}, keychain, home}).findOrCreate()

    expect(loaded).toMatchObject({source: 'file', location: defaultFile, created: true})
    expect(loaded.warning).toContain(UNAVAILABLE)
    expect(loaded.warning).toContain(defaultFile)
    expect(statSync(defaultFile).mode & 0o777).toBe(0o600)
    expect(statSync(dirname(defaultFile)).mode & 0o077).toBe(0)
    expect(readFileSync(defaultFile, 'utf8')).toContain(loaded.identity.toSecretText())
    expect(keychain.calls).toBeGreaterThan(0)

    // The next command finds it there.
    const found = new IdentityStore({env: {}, keychain: new UnavailableKeychain(), home}).find()
    expect(found?.source).toBe('file')
    expect(recipientOf(found)).toBe(recipientOf(loaded))
  })

  it('SECRETS_KEYCHAIN=off (no injected keychain) writes the file with a warning naming SECRETS_KEYCHAIN=off', () => {
    const store = new IdentityStore({env: {SECRETS_KEYCHAIN: 'off'}, home})
    const loaded = store.findOrCreate()

    expect(loaded).toMatchObject({source: 'file', location: defaultFile, created: true})
    expect(loaded.warning).toContain('SECRETS_KEYCHAIN=off')
    expect(statSync(defaultFile).mode & 0o777).toBe(0o600)

    const again = store.findOrCreate()
    expect(again).toMatchObject({source: 'file', created: false})
    expect(recipientOf(again)).toBe(recipientOf(loaded))
  })

  it('a keychain that keeps nothing sends the identity to the file', () => {
    const forgetful: Keychain = {description: 'a forgetful keychain', get: () => undefined, set: () => {}, delete: () => false}
    const loaded = new IdentityStore({env: {}, keychain: forgetful, home}).findOrCreate()
    expect(loaded).toMatchObject({source: 'file', created: true})
    expect(loaded.warning).toContain('did not keep')
    expect(existsSync(defaultFile)).toBe(true)
  })

  it('find() with the keychain unavailable and no file throws KEYCHAIN_UNAVAILABLE with the reason, and says what to do', () => {
    const error = caught(() => new IdentityStore({env: {}, keychain: new UnavailableKeychain(), home}).find())
    expect(error.code).toBe('KEYCHAIN_UNAVAILABLE')
    expect(error.message).toBe(`the OS keychain is unavailable (${UNAVAILABLE}): cannot read your identity from it`)
    expect(error.hint).toContain('SECRETS_IDENTITY')
    expect(error.hint).toContain('SECRETS_KEYCHAIN=off')
  })

  // A keychain that is there but locked, stuck or failing may hold the person's identity: a
  // new one in a file would be a second identity, so nothing is created.
  it.each([
    ['locked', 'the OS keychain is locked: cannot read your identity from it', 'unlock it'],
    ['timeout', 'the OS keychain did not answer: it did not answer within 5 s', 'not stuck'],
    ['error', 'the OS keychain failed (it did not answer within 5 s): cannot read your identity from it', 'SECRETS_KEYCHAIN=off'],
  ] as const)('a %s keychain: find() and findOrCreate() throw KEYCHAIN_UNAVAILABLE, writing no file', (problem, message, hint) => {
    const failing: Keychain = {
      description: 'the OS keychain',
      get: () => {
        throw new KeychainUnavailable('it did not answer within 5 s', problem)
      },
      set: () => {
        throw new KeychainUnavailable('it did not answer within 5 s', problem)
      },
      delete: () => false,
    }
    for (const call of [(store: IdentityStore) => store.find(), (store: IdentityStore) => store.findOrCreate()]) {
      const error = caught(() => call(new IdentityStore({env: {}, keychain: failing, home})))
      expect(error.code).toBe('KEYCHAIN_UNAVAILABLE')
      expect(error.exit).toBe(11)
      expect(error.message).toBe(message)
      expect(error.hint).toContain(hint)
    }
    expect(existsSync(defaultFile)).toBe(false)
  })

  it('find() with the keychain unavailable still reads an existing file', () => {
    const identity = Identity.generate()
    writeIdentity(defaultFile, identity)
    const found = new IdentityStore({env: {}, keychain: new UnavailableKeychain(), home}).find()
    expect(found?.source).toBe('file')
    expect(recipientOf(found)).toBe(identity.recipient.toString())
  })

  it('a file others can read is used with a warning', () => {
    writeIdentity(defaultFile, Identity.generate())
    chmodSync(defaultFile, 0o644)
    const found = new IdentityStore({env: {SECRETS_KEYCHAIN: 'off'}, home}).find()
    expect(found?.source).toBe('file')
    expect(found?.warning).toMatch(/readable by others/)
  })
})

describe('bad identities', () => {
  it('a typo in SECRETS_IDENTITY is a USAGE error about the checksum that does not echo the identity', () => {
    const text = Identity.generate().toSecretText()
    const at = 'SECRETS-IDENTITY-1'.length + 10
    const wrong = BECH32.charAt((BECH32.indexOf(text.charAt(at).toLowerCase()) + 1) % BECH32.length).toUpperCase()
    const typo = text.slice(0, at) + wrong + text.slice(at + 1)
    expect(typo).not.toBe(text)

    const store = new IdentityStore({env: {SECRETS_IDENTITY: typo}, keychain: new MemoryKeychain(), home})
    const error = caught(() => store.find())
    expect(error.code).toBe('USAGE')
    expect(error.message).toMatch(/checksum/)
    expect(error.message).toContain('SECRETS_IDENTITY')
    const said = `${error.message}\n${error.hint ?? ''}`
    expect(said).not.toContain(typo)
    // Not even a recognisable piece of it.
    expect(said).not.toContain(typo.slice('SECRETS-IDENTITY-1'.length, 'SECRETS-IDENTITY-1'.length + 12))
    // And a bad identity in the environment is an error, not a reason to make a new one.
    expect(caught(() => store.findOrCreate()).code).toBe('USAGE')
  })

  it.each([
    ['SECRETS_IDENTITY_FILE', 'env-file'],
    ['the fallback file', 'file'],
  ] as const)('an identity file with comment lines is read (%s)', (_place, source) => {
    const identity = Identity.generate()
    const comments = ['# created: 2024-01-01T00:00:00Z', `# public key: ${identity.recipient.toString()}`, '']
    const path = source === 'env-file' ? join(home, 'key.txt') : defaultFile
    writeIdentity(path, identity, comments)

    const env: Env = source === 'env-file' ? {SECRETS_IDENTITY_FILE: path} : {}
    const found = new IdentityStore({env, keychain: new MemoryKeychain(), home}).find()
    expect(found?.source).toBe(source)
    expect(recipientOf(found)).toBe(identity.recipient.toString())
  })

  it('SECRETS_IDENTITY_FILE naming a missing file is NO_IDENTITY, even for findOrCreate()', () => {
    const missing = join(home, 'no-such-file')
    const keychain = new MemoryKeychain()
    keychain.set(DEFAULT_ACCOUNT, Identity.generate().toSecretText())
    const store = new IdentityStore({env: {SECRETS_IDENTITY_FILE: missing}, keychain, home})

    const error = caught(() => store.find())
    expect(error.code).toBe('NO_IDENTITY')
    expect(error.message).toContain(missing)
    expect(caught(() => store.findOrCreate()).code).toBe('NO_IDENTITY')
    expect(existsSync(missing)).toBe(false)
  })

  it('SECRETS_IDENTITY_FILE holding only comments is NO_IDENTITY', () => {
    const path = join(home, 'empty.txt')
    writeFileSync(path, '# nothing here\n\n')
    const error = caught(() => new IdentityStore({env: {SECRETS_IDENTITY_FILE: path}, keychain: new MemoryKeychain(), home}).find())
    expect(error.code).toBe('NO_IDENTITY')
  })
})
