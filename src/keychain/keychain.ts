// The contract every place that can hold an identity implements (as age's Identity/Recipient
// interfaces and dotenvx's native providers do): a tiny string store keyed by account.

export interface Keychain {
  /** For messages: where the secret lives ("the OS keychain", a file path, …). */
  readonly description: string
  /** The stored secret, or undefined when there is none. Throws KeychainUnavailable. */
  get(account: string): string | undefined
  /** Throws KeychainUnavailable. */
  set(account: string, secret: string): void
  /** True when something was deleted. Throws KeychainUnavailable. */
  delete(account: string): boolean
}

/**
 * Why the keychain could not be used, which decides what a person should do:
 *  - absent: nothing answers (no D-Bus session, no Secret Service): a server, a container;
 *  - locked: it answers but will not hand out or take secrets until unlocked;
 *  - timeout: it did not answer in time (a daemon stuck or stopped);
 *  - error: it answered with an error.
 */
export type KeychainProblem = 'absent' | 'locked' | 'timeout' | 'error'

/** The keychain cannot be used at all here (no Secret Service, locked, stuck, failing). */
export class KeychainUnavailable extends Error {
  readonly problem: KeychainProblem

  constructor(reason: string, problem: KeychainProblem = 'error') {
    super(reason)
    this.name = 'KeychainUnavailable'
    this.problem = problem
  }
}
