// The interface commands and `run` use to reach secrets, as sops' key sources do: a later
// shared backend (OpenBao/Vault KV v2 with JWT login from CI ID tokens) implements it
// without touching the commands.
import type {ImportedSecret} from '../formats/imported-secret.js'
import type {NewSecret} from './add-secret.js'
import type {ImportResult} from './import-secrets.js'
import type {AccessView, PermitRequest, PermitResult} from './permit.js'
import type {RekeyResult} from './rekey-vault.js'
import type {HistoryEntry} from './secret-history.js'
import type {SecretSummary} from './secret-summary.js'
import type {Selector} from './select-secret.js'

export interface RevealedSecret {
  summary: SecretSummary
  value: Uint8Array
}

export interface SecretStore {
  /** Where the store lives, for messages. */
  readonly location: string
  /** Metadata of every live secret; needs no identity. */
  list(): SecretSummary[]
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
  /** A new key epoch: every value re-encrypted, every key re-sealed, atomically. */
  rekey(onProgress?: (done: number, total: number) => void): RekeyResult
  /** Members, groups and rules (owners and maintainers). */
  access(): AccessView
  /** Grants or revokes access (owners); revoking read re-keys and marks exposures. */
  permit(request: PermitRequest): PermitResult
  /** All records or none, in one transaction. */
  import(records: readonly ImportedSecret[], options: {overwrite: boolean; dryRun: boolean; metadata: boolean}): ImportResult
  close(): void
}
