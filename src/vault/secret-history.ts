import {versionSigned} from './records.js'
import type {SecretRow} from './records.js'
import {versionsOf} from './secret-rows.js'
import type {Vault} from './vault.js'
import {describeSecret} from './vault.js'

export interface HistoryEntry {
  version: number
  createdAt: string
  author: string
  current: boolean
}

/** Every version of a secret, oldest first, each signature checked; never a value. */
export function secretHistory(vault: Vault, secret: SecretRow): HistoryEntry[] {
  vault.verifySecret(secret)
  const versions = versionsOf(vault, secret.id)
  return versions.map((v, i) => {
    vault.verify(describeSecret(secret), v.signer_id, versionSigned(vault.id, secret, v), v.signature)
    return {version: i + 1, createdAt: v.created_at, author: vault.memberName(v.author_id), current: i === versions.length - 1}
  })
}
