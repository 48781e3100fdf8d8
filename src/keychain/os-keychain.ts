import {type Keychain} from './keychain.js'
import {keychainCall} from './keychain-process.js'

/**
 * The OS keychain: macOS Keychain, Windows Credential Manager, or the Secret Service
 * (gnome-keyring, KWallet) over D-Bus on Linux, through @napi-rs/keyring. Each call runs in a
 * child process bounded by a deadline (keychain-process.ts); on Linux a missing Secret Service
 * is "absent" rather than the library's silent kernel-keyring fallback (whose keys vanish with
 * the session), and a locked item is "locked" rather than the library's "no entry" (which would
 * make us create a second identity).
 */
export class OsKeychain implements Keychain {
  readonly description: string

  constructor(private readonly service: string) {
    this.description = `the OS keychain (service "${service}")`
  }

  get(account: string): string | undefined {
    return keychainCall({op: 'get', service: this.service, account}).value ?? undefined
  }

  set(account: string, secret: string): void {
    keychainCall({op: 'set', service: this.service, account, secret})
  }

  delete(account: string): boolean {
    return keychainCall({op: 'delete', service: this.service, account}).deleted === true
  }
}
