import {existsSync} from 'node:fs'
import {dirname, join, resolve} from 'node:path'

import {type Env, SECRETS_VAULT} from '../env.js'
import {SecretsError} from '../errors.js'
import {findRepoRoot} from '../git/repository.js'

export const VAULT_DIR = '.secrets'
export const VAULT_FILE = 'vault.db'

export interface VaultLocation {
  path: string
  /** The repository the vault belongs to, when there is one. */
  repoRoot?: string
}

/**
 * `--vault`, else SECRETS_VAULT, else the nearest `.secrets/vault.db` walking up to the
 * repository root, else where `enable` would put it: `<repo root>/.secrets/vault.db`.
 */
export function locateVault(cwd: string, env: Env, flag?: string): VaultLocation {
  const explicit = flag ?? (env[SECRETS_VAULT] || undefined)
  const repoRoot = findRepoRoot(explicit ? dirname(resolve(cwd, explicit)) : cwd)
  if (explicit) return {path: resolve(cwd, explicit), repoRoot}

  let dir = resolve(cwd)
  for (;;) {
    const candidate = join(dir, VAULT_DIR, VAULT_FILE)
    if (existsSync(candidate)) return {path: candidate, repoRoot}
    if (dir === repoRoot || dirname(dir) === dir) break
    dir = dirname(dir)
  }

  if (!repoRoot) {
    throw new SecretsError('NO_VAULT', 'not inside a git repository, and no vault given', 'run `git init` first, or pass --vault PATH')
  }

  return {path: join(repoRoot, VAULT_DIR, VAULT_FILE), repoRoot}
}
