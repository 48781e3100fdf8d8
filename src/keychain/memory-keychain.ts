import type {Keychain} from './keychain.js'

/** For unit tests of the code above the keychain; never the only test of a keychain. */
export class MemoryKeychain implements Keychain {
  readonly description = 'an in-memory keychain'
  private readonly entries = new Map<string, string>()

  get(account: string): string | undefined {
    return this.entries.get(account)
  }

  set(account: string, secret: string): void {
    this.entries.set(account, secret)
  }

  delete(account: string): boolean {
    return this.entries.delete(account)
  }
}
