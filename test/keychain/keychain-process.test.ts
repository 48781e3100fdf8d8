// The deadline on a keychain call: a child that has not answered in time is killed, and the
// call fails as "timeout" (the e2e test keychain-faults.test.ts stops a real daemon for this).
import {describe, expect, it} from 'vitest'

import {KeychainUnavailable} from '../../src/keychain/keychain.js'
import {keychainCall} from '../../src/keychain/keychain-process.js'

describe('keychainCall', () => {
  it('fails as a timeout, within the deadline, when the child has not answered', () => {
    const start = Date.now()
    let caught: unknown
    try {
      keychainCall({op: 'get', service: 'secrets-deadline-test', account: 'nobody'}, 1)
    } catch (error) {
      caught = error
    }
    expect(caught).toBeInstanceOf(KeychainUnavailable)
    expect((caught as KeychainUnavailable).problem).toBe('timeout')
    expect((caught as KeychainUnavailable).message).toBe('it did not answer within 0.001 s')
    expect(Date.now() - start).toBeLessThan(2000)
  })
})
