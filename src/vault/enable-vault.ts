import {existsSync, mkdirSync, writeFileSync} from 'node:fs'
import {dirname, join} from 'node:path'

import type {Identity} from '../crypto/identity.js'
import {Session} from './session.js'
import {Vault} from './vault.js'

export interface EnableResult {
  path: string
  created: boolean
  vaultId: string
  member: string
}

/** Ignored beside the committed vault: SQLite's journals and anything temporary. */
const VAULT_GITIGNORE = `# written by secrets enable: only vault.db and config.yml are meant to be committed
*.db-journal
*.db-wal
*.db-shm
*.tmp
tmp/
`

/**
 * Creates the vault with `owner` as its first member and the `.secrets/.gitignore` beside it.
 * A vault that exists already is left exactly as it is.
 */
export function enableVault(path: string, owner: Identity, ownerName: string, now: Date): EnableResult {
  if (existsSync(path)) {
    const vault = Vault.open(path, {readonly: true})
    try {
      return {path, created: false, vaultId: vault.id, member: vault.memberByRecipient(owner.recipient)?.name ?? ''}
    } finally {
      vault.close()
    }
  }

  const dir = dirname(path)
  mkdirSync(dir, {recursive: true})
  const ignore = join(dir, '.gitignore')
  if (!existsSync(ignore)) writeFileSync(ignore, VAULT_GITIGNORE)
  const createdAt = now.toISOString()
  const vault = Vault.create(path, owner, ownerName, createdAt)
  // The first epoch and the `*`/`*` data key, sealed to the owner, exist from the start.
  const session = new Session(vault, owner, vault.memberByRecipient(owner.recipient)!)
  try {
    vault.write(() => session.dataKeyForScope('*', '*', createdAt))
  } finally {
    session.close()
  }

  return {path, created: true, vaultId: vault.id, member: ownerName}
}
