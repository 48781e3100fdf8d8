// The interfaces commands and `run` use to reach secrets, as sops' key sources do: a later
// shared backend (OpenBao/Vault KV v2 with JWT login from CI ID tokens) implements them without
// touching the commands. SecretStore is what every user does; VaultAdmin is what owners and
// maintainers do, apart, so a backend can offer the first without the second.
//
// Contract: methods throw SecretsError (never print, never exit). A value returned as bytes
// belongs to the caller, who wipes it. A write is one transaction: all of it or nothing, and
// nothing at all after a refusal. close() wipes every key the store opened.
import type {ImportedSecret} from '../formats/imported-secret.js'
import type {LogView} from './access/log.js'
import type {RekeyResult} from './keys/rekey.js'
import type {AccessView} from './members/access-view.js'
import type {PermitRequest, PermitResult} from './members/permit.js'
import type {ProtectResult} from './members/protect.js'
import type {NewSecret} from './secrets/add.js'
import type {HistoryEntry} from './secrets/history.js'
import type {ImportOptions, ImportResult} from './secrets/import.js'
import type {Selector} from './secrets/select.js'
import type {SecretSummary} from './secrets/summary.js'

export interface RevealedSecret {
  summary: SecretSummary
  value: Uint8Array
}

export interface SecretStore {
  /** Where the store lives, for messages. */
  readonly location: string
  /** Metadata of every live secret; needs no identity. */
  list(): SecretSummary[]
  /**
   * What a run may inject, for planning it: the secrets named in `names`, and every --variable
   * secret and secret bound to a reference (a job's entries and variables resolve among those
   * alone). In a vault of 10,000 secrets a job of 20 summarises a few dozen.
   */
  listForRun(names: ReadonlySet<string>): SecretSummary[]
  /** `readValue` is called only after the secret's metadata and the caller's rights are checked. */
  add(input: NewSecret, readValue: () => Promise<Uint8Array>): Promise<SecretSummary>
  /** The value `get` prints: resolved as `run` resolves a scope. */
  reveal(selector: Selector): RevealedSecret
  /** The current value of the secret with exactly this name and scope (as `list` gives it). */
  valueOf(secret: {name: string; environment: string; branch: string}): Uint8Array
  /** `selector` names the exact scope. */
  remove(selector: Selector): SecretSummary
  /** A new version; `readValue` is called once the caller's right to update is checked. */
  rotate(selector: Selector, readValue: () => Promise<Uint8Array>): Promise<SecretSummary>
  /** Every version of one secret (exact scope), oldest first; never a value. */
  history(selector: Selector): {secret: SecretSummary; versions: HistoryEntry[]}
  /** All records or none, in one transaction. */
  import(records: readonly ImportedSecret[], options: Omit<ImportOptions, 'maxValueBytes'>): ImportResult
  /** Branch patterns where --protected secrets resolve (the vault's signed setting). */
  protectedBranches(): readonly string[]
  close(): void
}

export interface VaultAdmin {
  /** New keys for every scope the caller may read (owners and maintainers). */
  rekey(): RekeyResult
  /** Members, groups, rules and settings (owners and maintainers). */
  access(): AccessView
  /** Grants or revokes access (owners); taking read away makes new keys. */
  permit(request: PermitRequest): PermitResult
  /** Sets the protected branch patterns (owners and maintainers); undefined: just show them. */
  protect(patterns?: readonly string[]): ProtectResult
  /** The history, in causal order, with what does not count; needs no identity. */
  log(): LogView
  close(): void
}
