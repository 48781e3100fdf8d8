import {existsSync, mkdirSync, writeFileSync} from 'node:fs'
import {dirname, join} from 'node:path'

import {type Identity, randomId, wipe} from '../crypto/index.js'
import {newKey} from './keys/key-material.js'
import {VaultSession} from './session.js'
import {openVaultFile} from './store/database.js'
import {loadHistory} from './load-history.js'

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
 * Creates the vault with `owner` as its first member, the `*`/`*` key sealed to them, and the
 * `.secrets/.gitignore` beside it. A vault that exists already is left exactly as it is.
 */
export function enableVault(path: string, owner: Identity, ownerName: string, now: Date, pins: {configDir?: string; pinScope?: readonly string[]} = {}): EnableResult {
  if (existsSync(path)) {
    const file = openVaultFile(path, {readonly: true})
    try {
      const mine = loadHistory(file.db, file.vaultId).membersWithRecipient(owner.recipient.toString()).active[0]
      return {path, created: false, vaultId: file.vaultId, member: mine?.name ?? ''}
    } finally {
      file.db.close()
    }
  }

  const dir = dirname(path)
  mkdirSync(dir, {recursive: true})
  const ignore = join(dir, '.gitignore')
  if (!existsSync(ignore)) writeFileSync(ignore, VAULT_GITIGNORE)
  const vaultId = randomId()
  const member = {name: ownerName, kind: 'user' as const, recipient: owner.recipient.toString(), role: 'owner' as const, environment: '*', branch: '*'}
  const session = VaultSession.create(path, vaultId, owner, {kind: 'vault.create', member}, {now, ...pins}, (s) => {
    const fresh = newKey(s.history.readersOf({environment: '*', branch: '*'}))
    s.append({kind: 'key.add', environment: '*', branch: '*', commitment: fresh.commitment, sealed: fresh.sealed})
    wipe(fresh.key)
  })
  session.close()
  return {path, created: true, vaultId, member: ownerName}
}
