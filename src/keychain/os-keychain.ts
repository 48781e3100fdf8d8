import {createRequire} from 'node:module'

import {type Keychain, KeychainUnavailable} from './keychain.js'

type EntryClass = new (service: string, account: string) => {
  getPassword(): string | null
  setPassword(password: string): void
  deletePassword(): boolean
}

// Loaded on first use: commands that never touch the keychain (list, --help) don't pay for
// the native module.
let Entry: EntryClass | undefined
function entryClass(): EntryClass {
  if (!Entry) {
    try {
      Entry = (createRequire(import.meta.url)('@napi-rs/keyring') as {Entry: EntryClass}).Entry
    } catch (error) {
      throw new KeychainUnavailable(`the keychain library could not load (${firstLine(error)})`)
    }
  }

  return Entry
}

/**
 * The OS keychain: macOS Keychain, Windows Credential Manager, or the Secret Service
 * (gnome-keyring, KWallet) over D-Bus on Linux, through @napi-rs/keyring.
 */
export class OsKeychain implements Keychain {
  readonly description: string

  constructor(private readonly service: string) {
    this.description = `the OS keychain (service "${service}")`
  }

  get(account: string): string | undefined {
    return this.call(() => new (entryClass())(this.service, account).getPassword() ?? undefined)
  }

  set(account: string, secret: string): void {
    this.call(() => new (entryClass())(this.service, account).setPassword(secret))
  }

  delete(account: string): boolean {
    return this.call(() => new (entryClass())(this.service, account).deletePassword())
  }

  private call<T>(operation: () => T): T {
    try {
      return operation()
    } catch (error) {
      if (error instanceof KeychainUnavailable) throw error
      // The native error carries a Rust backtrace; one line is what a person needs.
      throw new KeychainUnavailable(firstLine(error))
    }
  }
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error)
  return (message.split('\n')[0] ?? '').trim().replace(/^\w/, (c) => c.toLowerCase())
}
