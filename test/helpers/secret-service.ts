import {OsKeychain} from '../../src/keychain/os-keychain.js'

/**
 * Whether a real OS keychain answers here. With SECRETS_TEST_REQUIRE_KEYCHAIN set (as .ci/run
 * does) a missing one is an error, not a skip.
 */
export function secretServiceAvailable(): boolean {
  const probe = new OsKeychain(`secrets-probe-${process.pid}`)
  let reason: string | undefined
  try {
    probe.set('probe', 'probe')
    if (probe.get('probe') !== 'probe') reason = 'it did not return what was stored'
    probe.delete('probe')
  } catch (error) {
    reason = (error as Error).message
  }

  if (reason === undefined) return true
  if (process.env.SECRETS_TEST_REQUIRE_KEYCHAIN) {
    throw new Error(`no Secret Service answered (${reason}) and SECRETS_TEST_REQUIRE_KEYCHAIN is set`)
  }

  console.warn(`skipping OS keychain tests: no Secret Service answered (${reason}); set SECRETS_TEST_REQUIRE_KEYCHAIN=1 to fail instead`)
  return false
}
