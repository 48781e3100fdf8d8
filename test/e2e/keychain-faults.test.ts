// The OS keychain failing, as people meet it: no session bus at all (a server, ssh), a keyring
// that is locked (screen lock, a session without login password), a daemon that holds its bus
// name but never answers (stopped, stuck), and a bus that answers every call with an error.
// Each time: one clear line saying what to do, exit KEYCHAIN_UNAVAILABLE, no second identity
// made, and an answer within the 5 s deadline (plus the CLI's own start).
//
// Each test runs its own D-Bus and gnome-keyring (test/helpers/private-secret-service.ts).
// Without those programs the tests are skipped with a line saying so; with
// SECRETS_TEST_REQUIRE_KEYCHAIN set (CI) they fail instead, as keychain.test.ts does.
import {existsSync} from 'node:fs'
import {join} from 'node:path'

import {afterEach, beforeAll, beforeEach, describe, expect, it} from 'vitest'

import {ExitCode} from '../../src/errors.js'
import {type Person, TempRepo} from '../helpers/cli.js'
import {PrivateSecretService, privateSecretServiceMissing} from '../helpers/private-secret-service.js'

const missing = privateSecretServiceMissing()
const required = Boolean(process.env.SECRETS_TEST_REQUIRE_KEYCHAIN)
if (missing && !required) console.warn(`skipping keychain fault tests: ${missing} (set SECRETS_TEST_REQUIRE_KEYCHAIN=1 to fail instead)`)

/** The keychain's deadline, plus a loaded machine's start of the CLI and its child. */
const BOUND_MS = 5000 + 4000

let repo: TempRepo
let alice: Person
let service: PrivateSecretService | undefined

function keychainUser(name: string, env: Record<string, string>): Person {
  return repo.person(name, {SECRETS_KEYCHAIN: 'on', SECRETS_KEYCHAIN_SERVICE: `secrets-faults-${process.pid}`, ...env})
}

/** The error line and the hint after it (a note about the vault's first use may come before). */
function errorAndHint(stderr: string): [string | undefined, string | undefined] {
  const lines = stderr.split('\n')
  const at = lines.findIndex((line) => line.startsWith('error: '))
  return [lines[at], lines[at + 1]]
}

async function timed<T>(run: () => Promise<T>): Promise<{result: T; ms: number}> {
  const start = Date.now()
  const result = await run()
  return {result, ms: Date.now() - start}
}

describe.skipIf(missing !== undefined && !required)('keychain faults', () => {
  beforeAll(() => {
    if (missing) throw new Error(`cannot run a private Secret Service (${missing}), and SECRETS_TEST_REQUIRE_KEYCHAIN is set`)
  })

  beforeEach(async () => {
    repo = new TempRepo()
    alice = repo.person('alice') // identity in a file: the vault exists whatever the keychain does
    await repo.run(alice, ['enable'])
    await repo.run(alice, ['add', 'API_TOKEN'], {input: 'api-token-1'})
  })

  afterEach(() => {
    service?.close()
    service = undefined
    repo.cleanup()
  })

  it('no session bus: exit 11 and what to do, quickly', async () => {
    const bob = keychainUser('bob', {DBUS_SESSION_BUS_ADDRESS: `unix:path=${join(repo.root, 'no-such-bus')}`})
    const {result, ms} = await timed(() => repo.run(bob, ['get', 'API_TOKEN']))
    expect(result.code).toBe(ExitCode.KEYCHAIN_UNAVAILABLE)
    const [error, hint] = errorAndHint(result.stderr)
    expect(error).toBe('error: the OS keychain is unavailable (no secret service provider or dbus session found): cannot read your identity from it')
    expect(hint).toMatch(/^hint: .*SECRETS_IDENTITY.*SECRETS_KEYCHAIN=off/)
    expect(ms).toBeLessThan(BOUND_MS)
    // With no keychain at all, creating an identity falls back to the file, saying so.
    const enabled = await repo.run(bob, ['identity'])
    expect(enabled.code).toBe(0)
    expect(enabled.stderr).toContain('warning: no OS keychain works here')
  })

  it('a locked keyring: exit 11, "unlock it", and no second identity made', async () => {
    service = await PrivateSecretService.start(join(repo.root, 'keyring'))
    const bob = keychainUser('bob', service.env)
    expect((await repo.run(bob, ['identity'])).code).toBe(0) // bob's identity, in the keychain
    await service.lock()

    for (const args of [['get', 'API_TOKEN'], ['identity'], ['enable', '--vault', join(repo.root, 'other.db')]]) {
      const {result, ms} = await timed(() => repo.run(bob, args))
      expect(result.code, args.join(' ')).toBe(ExitCode.KEYCHAIN_UNAVAILABLE)
      expect(errorAndHint(result.stderr)[0]).toBe('error: the OS keychain is locked: cannot read your identity from it')
      expect(errorAndHint(result.stderr)[1]).toMatch(/^hint: unlock it .*SECRETS_IDENTITY/)
      expect(ms).toBeLessThan(BOUND_MS)
    }
    expect(existsSync(join(bob.home, '.config', 'secrets', 'identity'))).toBe(false)
    expect(existsSync(join(repo.root, 'other.db'))).toBe(false)
  })

  it('a daemon that owns its name but never answers: exit 11 within the deadline', {timeout: 60_000}, async () => {
    service = await PrivateSecretService.start(join(repo.root, 'keyring'))
    const bob = keychainUser('bob', service.env)
    service.freeze()
    try {
      const {result, ms} = await timed(() => repo.run(bob, ['get', 'API_TOKEN']))
      expect(result.code).toBe(ExitCode.KEYCHAIN_UNAVAILABLE)
      expect(errorAndHint(result.stderr)[0]).toBe('error: the OS keychain did not answer: it did not answer within 5 s')
      expect(errorAndHint(result.stderr)[1]).toMatch(/^hint: check that its daemon .* is running and not stuck/)
      expect(ms).toBeLessThan(BOUND_MS)
      expect((await repo.run(bob, ['identity'])).code).toBe(ExitCode.KEYCHAIN_UNAVAILABLE)
      expect(existsSync(join(bob.home, '.config', 'secrets', 'identity'))).toBe(false)
    } finally {
      service.resume()
    }
  })

  it('a Secret Service that answers with an error: exit 11, the error, and what to do', async () => {
    service = await PrivateSecretService.start(join(repo.root, 'keyring'), {deny: true})
    const bob = keychainUser('bob', service.env)
    const {result, ms} = await timed(() => repo.run(bob, ['get', 'API_TOKEN']))
    expect(result.code).toBe(ExitCode.KEYCHAIN_UNAVAILABLE)
    expect(errorAndHint(result.stderr)[0]).toMatch(/^error: the OS keychain failed \(.*AccessDenied.*\): cannot read your identity from it$/)
    expect(errorAndHint(result.stderr)[1]).toMatch(/^hint: set SECRETS_IDENTITY .*SECRETS_KEYCHAIN=off/)
    expect(ms).toBeLessThan(BOUND_MS)
  })
})
