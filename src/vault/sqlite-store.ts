// The vault file in the repository, behind SecretStore and VaultAdmin: each method is one
// service call over an open session.
import type {ImportedSecret} from '../formats/imported-secret.js'
import {type LogView, historyLog} from './access/log.js'
import {type RekeyResult, rekeyVault} from './keys/rekey.js'
import {type AccessView, describeAccess} from './members/access-view.js'
import {type PermitRequest, type PermitResult, permit} from './members/permit.js'
import {type ProtectResult, protectedBranches, setProtectedBranches} from './members/protect.js'
import {type NewSecret, addSecret} from './secrets/add.js'
import {type HistoryEntry, secretHistory} from './secrets/history.js'
import {type ImportOptions, type ImportResult, importSecrets} from './secrets/import.js'
import {readCurrentValue} from './secrets/read.js'
import {removeSecret} from './secrets/remove.js'
import {rotateSecret} from './secrets/rotate.js'
import {type Selector, resolveSecret, selectExact} from './secrets/select.js'
import {type SecretSummary, summarize} from './secrets/summary.js'
import {type SessionOptions, VaultSession} from './session.js'
import type {RevealedSecret, SecretStore, VaultAdmin} from './secret-store.js'

export interface SqliteStoreOptions extends SessionOptions {
  maxValueBytes: number
  /** The branch `get --environment` resolves against when --branch is not given. */
  defaultBranch: () => string
}

export class SqliteStore implements SecretStore, VaultAdmin {
  private constructor(
    private readonly session: VaultSession,
    private readonly options: SqliteStoreOptions,
  ) {}

  static open(path: string, options: SqliteStoreOptions): SqliteStore {
    return new SqliteStore(VaultSession.open(path, options), options)
  }

  get location(): string {
    return this.session.path
  }

  list(): SecretSummary[] {
    const {history, now} = this.session
    return history.secrets().map((secret) => summarize(history, secret, now))
  }

  listForRun(names: ReadonlySet<string>): SecretSummary[] {
    const {history, now} = this.session
    return history.secretsForRun(names).map((secret) => summarize(history, secret, now))
  }

  add(input: NewSecret, readValue: () => Promise<Uint8Array>): Promise<SecretSummary> {
    return addSecret(this.session, input, readValue, this.options)
  }

  reveal(selector: Selector): RevealedSecret {
    const secret = resolveSecret(this.session.history, selector, this.options.defaultBranch)
    const value = readCurrentValue(this.session, secret)
    return {summary: summarize(this.session.history, secret, this.session.now), value}
  }

  valueOf(secret: {name: string; environment: string; branch: string}): Uint8Array {
    return readCurrentValue(this.session, selectExact(this.session.history, secret))
  }

  remove(selector: Selector): SecretSummary {
    return removeSecret(this.session, selector)
  }

  rotate(selector: Selector, readValue: () => Promise<Uint8Array>): Promise<SecretSummary> {
    return rotateSecret(this.session, selector, readValue, this.options)
  }

  history(selector: Selector): {secret: SecretSummary; versions: HistoryEntry[]} {
    return secretHistory(this.session, selector)
  }

  import(records: readonly ImportedSecret[], options: Omit<ImportOptions, 'maxValueBytes'>): ImportResult {
    return importSecrets(this.session, records, {...options, maxValueBytes: this.options.maxValueBytes})
  }

  protectedBranches(): readonly string[] {
    return this.session.history.access.protectedBranchPatterns()
  }

  rekey(): RekeyResult {
    return rekeyVault(this.session)
  }

  access(): AccessView {
    return describeAccess(this.session)
  }

  permit(request: PermitRequest): PermitResult {
    return permit(this.session, request)
  }

  protect(patterns?: readonly string[]): ProtectResult {
    return patterns === undefined ? protectedBranches(this.session) : setProtectedBranches(this.session, patterns)
  }

  log(): LogView {
    return historyLog(this.session.history)
  }

  close(): void {
    this.session.close()
  }
}
