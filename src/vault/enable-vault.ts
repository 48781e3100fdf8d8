import {existsSync, mkdirSync} from 'node:fs'
import {basename, dirname, join} from 'node:path'

import {type Identity, randomId, wipe} from '../crypto/index.js'
import {newKey} from './keys/key-material.js'
import {VaultSession} from './session.js'
import {openVaultFile} from './store/database.js'
import {loadHistory} from './load-history.js'
import {existsNoFollow, refuseSymlinks, writeInside} from './repo-paths.js'

export interface EnableResult {
  path: string
  created: boolean
  vaultId: string
  member: string
  /** The files this call wrote besides the vault (`disable` removes them only while unchanged). */
  wrote: string[]
}

/**
 * Ignored beside the committed vault: SQLite's journals and anything temporary. The first line
 * names the vault it was written for: `disable` of that vault deletes the file only while it
 * still reads exactly so (for vault.db, the text every earlier version wrote).
 */
export function vaultGitignore(vaultFile: string): string {
  return `# written by secrets enable: only ${vaultFile} and config.yml are meant to be committed
*.db-journal
*.db-wal
*.db-shm
*.tmp
tmp/
`
}

/**
 * The files `enable` and `disable` of the vault at `path` write or delete. Each is refused when it,
 * or a directory between `base` and it, is a symlink: see repo-paths.ts.
 */
export function vaultFiles(path: string): {vault: string; journals: string[]; gitignore: string} {
  return {vault: path, journals: [`${path}-journal`, `${path}-wal`, `${path}-shm`], gitignore: join(dirname(path), '.gitignore')}
}

/** Refuses (USAGE, nothing written) when enable would write through a symlink below `base`. */
export function checkVaultFiles(base: string, path: string, doing: 'write' | 'delete'): void {
  const files = vaultFiles(path)
  for (const file of [files.vault, ...files.journals, files.gitignore]) refuseSymlinks(base, file, doing)
}

/**
 * Creates the vault with `owner` as its first member, the `*`/`*` key sealed to them, and the
 * `.secrets/.gitignore` beside it. A vault that exists already is left exactly as it is. `base`
 * is the directory trusted as given (the repository root): no symlink below it is followed.
 */
export function enableVault(
  path: string,
  owner: Identity,
  ownerName: string,
  now: Date,
  pins: {configDir?: string; pinScope?: readonly string[]} = {},
  base = dirname(path),
): EnableResult {
  checkVaultFiles(base, path, 'write')
  if (existsSync(path)) {
    const file = openVaultFile(path, {readonly: true})
    try {
      const mine = loadHistory(file.db, file.vaultId).membersWithRecipient(owner.recipient.toString()).active[0]
      return {path, created: false, vaultId: file.vaultId, member: mine?.name ?? '', wrote: []}
    } finally {
      file.db.close()
    }
  }

  const dir = dirname(path)
  mkdirSync(dir, {recursive: true})
  const {gitignore} = vaultFiles(path)
  const wrote: string[] = []
  if (!existsNoFollow(gitignore)) {
    writeInside(base, gitignore, vaultGitignore(basename(path)), {exclusive: true})
    wrote.push(gitignore)
  }
  const vaultId = randomId()
  const member = {name: ownerName, kind: 'user' as const, recipient: owner.recipient.toString(), role: 'owner' as const, environment: '*', branch: '*'}
  const session = VaultSession.create(path, vaultId, owner, {kind: 'vault.create', member}, {now, ...pins}, (s) => {
    const fresh = newKey(s.history.readersOf({environment: '*', branch: '*'}))
    s.append({kind: 'key.add', environment: '*', branch: '*', commitment: fresh.commitment, sealed: fresh.sealed})
    wipe(fresh.key)
  })
  session.close()
  return {path, created: true, vaultId, member: ownerName, wrote}
}
