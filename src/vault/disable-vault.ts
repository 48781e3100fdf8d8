import {existsSync, readFileSync, readdirSync, rmdirSync} from 'node:fs'
import {basename, dirname, join} from 'node:path'

import {SecretsError} from '../errors.js'
import {CONFIG_FILE} from './config.js'
import {checkVaultFiles, vaultFiles, vaultGitignore} from './enable-vault.js'
import {existsNoFollow, removeInside} from './repo-paths.js'
import {openVaultFile} from './store/database.js'
import {holderRecordFiles} from './store/lock-holder.js'
import {removePin} from './store/pins.js'

export interface DisableResult {
  path: string
  vaultId: string
  deleted: string[]
  /** Files beside the vault that `disable` left in place, and why. */
  kept: {path: string; reason: string}[]
}

/**
 * Deletes the vault, its SQLite journals, and what `enable` wrote beside it for this vault: the
 * `.gitignore`, only while it reads exactly as `enable` wrote it and no other vault file shares
 * the directory. A `config.yml` is never `enable`'s (people write it), so it stays, and so does
 * anything else: each is listed in `kept` with the reason. `base` is the directory trusted as
 * given (the repository root): a symlink below it is refused before anything is deleted. (The
 * command then takes out the git attributes and config `enable` added.)
 */
export function disableVault(path: string, configDir?: string, base = dirname(path)): DisableResult {
  checkVaultFiles(base, path, 'delete')
  if (!existsSync(path)) throw new SecretsError('NO_VAULT', `no vault at ${path}`, 'nothing to disable')
  // Open it first: refuse to delete a file that is not a vault (either format).
  const file = openVaultFile(path, {readonly: true, format1: true})
  const {vaultId} = file
  file.db.close()

  const dir = dirname(path)
  const files = vaultFiles(path)
  const deleted: string[] = []
  const kept: DisableResult['kept'] = []
  // A writer killed mid-write leaves its holder record beside the vault (src/vault/store/lock-holder.ts).
  for (const candidate of [files.vault, ...files.journals, ...holderRecordFiles(path)]) {
    if (!existsNoFollow(candidate)) continue
    removeInside(base, candidate)
    deleted.push(candidate)
  }

  const ignore = files.gitignore
  if (existsNoFollow(ignore)) {
    const others = otherVaultFiles(dir)
    if (readFileSync(ignore, 'utf8') !== vaultGitignore(basename(path))) {
      kept.push({path: ignore, reason: `enable did not write it for ${basename(path)}, or it was changed since`})
    } else if (others.length > 0) {
      kept.push({path: ignore, reason: `${others.join(', ')} beside it still need${others.length === 1 ? 's' : ''} it`})
    } else {
      removeInside(base, ignore)
      deleted.push(ignore)
    }
  }

  const config = join(dir, CONFIG_FILE)
  if (existsNoFollow(config)) kept.push({path: config, reason: 'enable did not write it: delete it yourself if it configured only this vault'})

  if (existsSync(dir) && readdirSync(dir).length === 0) rmdirSync(dir)
  // This computer's pin of the vault's history: used by this vault only.
  const pin = configDir ? removePin(configDir, vaultId, path) : undefined
  if (pin) deleted.push(pin)
  return {path, vaultId, deleted, kept}
}

/** Other SQLite files in the directory (another vault, e.g. `--vault .secrets/staging.db`). */
function otherVaultFiles(dir: string): string[] {
  return readdirSync(dir).filter((name) => name.endsWith('.db'))
}
