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

/** The keychain cannot be used at all here (no Secret Service, locked, access denied). */
export class KeychainUnavailable extends Error {
  constructor(reason: string) {
    super(reason)
    this.name = 'KeychainUnavailable'
  }
}
