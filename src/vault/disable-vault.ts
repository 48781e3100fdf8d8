import {existsSync, readdirSync, rmSync} from 'node:fs'
import {dirname, join} from 'node:path'

import {SecretsError} from '../errors.js'
import {CONFIG_FILE} from './config.js'
import {openVaultFile} from './store/database.js'
import {removePin} from './store/pins.js'

export interface DisableResult {
  path: string
  vaultId: string
  deleted: string[]
}

/**
 * Deletes the vault and what `enable` wrote beside it (its journals, `.secrets/.gitignore`).
 * A `.secrets/config.yml` the team wrote is deleted too: it configures only this vault. (The
 * command then takes out the git attributes and config `enable` added.)
 */
export function disableVault(path: string, configDir?: string): DisableResult {
  if (!existsSync(path)) throw new SecretsError('NO_VAULT', `no vault at ${path}`, 'nothing to disable')
  // Open it first: refuse to delete a file that is not a vault (either format).
  const file = openVaultFile(path, {readonly: true, format1: true})
  const {vaultId} = file
  file.db.close()

  const dir = dirname(path)
  const deleted: string[] = []
  for (const candidate of [path, `${path}-journal`, `${path}-wal`, `${path}-shm`, join(dir, '.gitignore'), join(dir, CONFIG_FILE)]) {
    if (existsSync(candidate)) {
      rmSync(candidate)
      deleted.push(candidate)
    }
  }

  if (existsSync(dir) && readdirSync(dir).length === 0) rmSync(dir, {recursive: true})
  // This computer's pin of the vault's history: used by this vault only.
  const pin = configDir ? removePin(configDir, vaultId, path) : undefined
  if (pin) deleted.push(pin)
  return {path, vaultId, deleted}
}
