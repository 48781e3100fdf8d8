import {createRequire} from 'node:module'

import {type Keychain, KeychainUnavailable} from './keychain.js'

type EntryClass = new (service: string, account: string) => {
  getPassword(): string | null
  setPassword(password: string): void
  deletePassword(): boolean
}

interface KeyringModule {
  Entry: EntryClass
  findCredentials(service: string): unknown[]
}

// Loaded on first use: commands that never touch the keychain (list, --help) don't pay for
// the native module.
let keyring: KeyringModule | undefined
function load(): KeyringModule {
  if (!keyring) {
    try {
      keyring = createRequire(import.meta.url)('@napi-rs/keyring') as KeyringModule
    } catch (error) {
      throw new KeychainUnavailable(`the keychain library could not load (${firstLine(error)})`)
    }
  }

  return keyring
}

function entryClass(): EntryClass {
  return load().Entry
}

/**
 * The OS keychain: macOS Keychain, Windows Credential Manager, or the Secret Service
 * (gnome-keyring, KWallet) over D-Bus on Linux, through @napi-rs/keyring.
 */
export class OsKeychain implements Keychain {
  readonly description: string
  private secretServiceChecked = false

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

  private checkSecretService(): void {
    if (this.secretServiceChecked || process.platform !== 'linux') return
    const missing = secretServiceMissing()
    if (missing) throw new KeychainUnavailable(missing)
    this.secretServiceChecked = true
  }

  private call<T>(operation: () => T): T {
    try {
      this.checkSecretService()
      return operation()
    } catch (error) {
      if (error instanceof KeychainUnavailable) throw error
      // The native error carries a Rust backtrace; one line is what a person needs.
      throw new KeychainUnavailable(firstLine(error))
    }
  }
}

/**
 * On Linux the library quietly falls back to the kernel keyring when no Secret Service answers,
 * and it reports a failed read as "no entry". Kernel keys vanish with the session (an identity
 * created there is gone by the next login), and "no entry" from a locked keychain would make us
 * create a second identity. So without a Secret Service, the keychain is unavailable.
 */
function secretServiceMissing(): string | undefined {
  try {
    load().findCredentials('secrets-probe')
    return undefined
  } catch (error) {
    return firstLine(error)
  }
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error)
  return (message.split('\n')[0] ?? '').trim().replace(/^\w/, (c) => c.toLowerCase())
}
