// `enable` with a real Secret Service: the identity goes to the OS keychain, no key file.
import {existsSync} from 'node:fs'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {OsKeychain} from '../../src/keychain/os-keychain.js'
import {DEFAULT_ACCOUNT} from '../../src/keychain/identity-store.js'
import {TempRepo} from '../helpers/cli.js'
import {secretServiceAvailable} from '../helpers/secret-service.js'

const service = `secrets-e2e-${process.pid}-${Date.now()}`
const available = secretServiceAvailable()

describe.skipIf(!available)('with the OS keychain', () => {
  let repo: TempRepo

  beforeAll(() => {
    repo = new TempRepo()
  })

  afterAll(() => {
    new OsKeychain(service).delete(DEFAULT_ACCOUNT)
    repo.cleanup()
  })

  it('enable stores the identity in the keychain and writes no key file', async () => {
    const alice = repo.person('alice', {SECRETS_KEYCHAIN: 'on', SECRETS_KEYCHAIN_SERVICE: service})
    const enabled = await repo.run(alice, ['enable'])
    expect(enabled.code).toBe(0)
    expect(enabled.stderr).not.toContain('warning')
    expect(existsSync(join(alice.home, '.config', 'secrets', 'identity'))).toBe(false)

    const stored = new OsKeychain(service).get(DEFAULT_ACCOUNT)
    expect(stored).toMatch(/^SECRETS-IDENTITY-1/)

    const identity = JSON.parse((await repo.run(alice, ['identity', '--json'])).stdout) as {source: string}
    expect(identity.source).toBe('keychain')

    await repo.run(alice, ['add', 'FROM_KEYCHAIN'], {input: 'keychain-backed-value'})
    expect((await repo.run(alice, ['get', 'FROM_KEYCHAIN'])).stdout).toBe('keychain-backed-value')
  })
})
