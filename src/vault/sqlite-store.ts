import type {Identity} from '../crypto/identity.js'
import {type NewSecret, addSecret} from './add-secret.js'
import {readCurrentValue} from './read-secret.js'
import type {ImportedSecret} from '../formats/imported-secret.js'
import {type ImportResult, importSecrets} from './import-secrets.js'
import {type AccessView, type PermitRequest, type PermitResult, describeAccess, permit} from './permit.js'
import {checkAndPin} from './pins.js'
import {type RekeyResult, rekeyVault} from './rekey-vault.js'
import {removeSecret} from './remove-secret.js'
import {rotateSecret} from './rotate-secret.js'
import {type HistoryEntry, secretHistory} from './secret-history.js'
import {liveSecrets} from './secret-rows.js'
import {type SecretSummary, summarize} from './secret-summary.js'
import {type Selector, resolveSecret, selectExact} from './select-secret.js'
import {Session} from './session.js'
import type {RevealedSecret, SecretStore} from './store.js'
import {Vault} from './vault.js'

export interface SqliteStoreOptions {
  now: Date
  maxValueBytes: number
  /** Asked only when an operation needs a key: listing needs none. */
  identity: () => Identity
  /** The branch `get --environment` resolves against when --branch is not given. */
  defaultBranch: () => string
  /** The user's config directory, where the vaults this client has seen are pinned. */
  pinDir?: string
}

/** The vault file in the repository. */
export class SqliteStore implements SecretStore {
  private session?: Session

  private constructor(
    private readonly vault: Vault,
    private readonly options: SqliteStoreOptions,
  ) {}

  static open(path: string, options: SqliteStoreOptions): SqliteStore {
    const vault = Vault.open(path)
    try {
      vault.checkTombstones()
      if (options.pinDir) checkAndPin(vault, options.pinDir, {write: true})
    } catch (error) {
      vault.close()
      throw error
    }

    return new SqliteStore(vault, options)
  }

  get location(): string {
    return this.vault.path
  }

  list(): SecretSummary[] {
    return liveSecrets(this.vault).map((secret) => {
      this.vault.verifySecret(secret)
      return summarize(this.vault, secret, this.options.now)
    })
  }

  add(input: NewSecret, readValue: () => Promise<Uint8Array>): Promise<SecretSummary> {
    return addSecret(this.unlock(), input, readValue, this.options)
  }

  reveal(selector: Selector): RevealedSecret {
    const secret = resolveSecret(this.vault, selector, this.options.defaultBranch)
    const session = this.unlock()
    const {value} = readCurrentValue(session, secret)
    return {summary: summarize(this.vault, secret, this.options.now), value}
  }

  valueOf(secret: {name: string; environment: string; branch: string}): Uint8Array {
    const row = selectExact(this.vault, secret)
    return readCurrentValue(this.unlock(), row).value
  }

  remove(selector: Selector): SecretSummary {
    const secret = selectExact(this.vault, selector)
    return removeSecret(this.unlock(), secret, this.options.now)
  }

  rotate(selector: Selector, readValue: () => Promise<Uint8Array>): Promise<SecretSummary> {
    const secret = selectExact(this.vault, selector)
    return rotateSecret(this.unlock(), secret, readValue, this.options)
  }

  history(selector: Selector): {secret: SecretSummary; versions: HistoryEntry[]} {
    const secret = selectExact(this.vault, selector)
    return {secret: summarize(this.vault, secret, this.options.now), versions: secretHistory(this.vault, secret)}
  }

  rekey(onProgress?: (done: number, total: number) => void): RekeyResult {
    return rekeyVault(this.unlock(), this.options.now, onProgress)
  }

  access(): AccessView {
    return describeAccess(this.unlock())
  }

  permit(request: PermitRequest): PermitResult {
    const result = permit(this.unlock(), request, this.options.now)
    if (this.options.pinDir) checkAndPin(this.vault, this.options.pinDir, {write: true})
    return result
  }

  import(records: readonly ImportedSecret[], options: {overwrite: boolean; dryRun: boolean; metadata: boolean}): ImportResult {
    return importSecrets(this.unlock(), records, {...this.options, ...options})
  }

  close(): void {
    if (this.session) this.session.close()
    else this.vault.close()
  }

  private unlock(): Session {
    this.session ??= Session.open(this.vault, this.options.identity())
    return this.session
  }
}
