import {existsSync, readFileSync} from 'node:fs'
import {dirname, join} from 'node:path'

import {usage} from '../errors.js'
import {DEFAULT_MAX_VALUE_BYTES} from './validate.js'

/** `.secrets/config.yml`, committed beside the vault; every key optional. */
export interface VaultConfig {
  /** GitLab's 10,000-byte limit by default. */
  maxValueBytes: number
  /**
   * Format 1 kept protected branches here. They change what `run` hands out, so format 2 keeps
   * them in the vault's signed history (`secrets protect`); a list here must match it.
   */
  protectedBranches?: string[]
}

export const CONFIG_FILE = 'config.yml'

export async function loadConfig(vaultPath: string): Promise<VaultConfig> {
  const config: VaultConfig = {maxValueBytes: DEFAULT_MAX_VALUE_BYTES}
  const path = join(dirname(vaultPath), CONFIG_FILE)
  if (!existsSync(path)) return config

  // Loaded only when a config file exists: most commands never pay for the YAML parser.
  const {parse} = await import('yaml')
  let data: unknown
  try {
    data = parse(readFileSync(path, 'utf8'))
  } catch (error) {
    throw usage(`cannot read ${path}: ${(error as Error).message.split('\n')[0]}`)
  }

  if (data === null || data === undefined) return config
  if (typeof data !== 'object' || Array.isArray(data)) throw usage(`${path} must be a mapping`)
  const record = data as Record<string, unknown>
  if (record.max_value_bytes !== undefined) {
    const max = record.max_value_bytes
    if (typeof max !== 'number' || !Number.isInteger(max) || max < 1) throw usage(`${path}: max_value_bytes must be a positive whole number`)
    config.maxValueBytes = max
  }

  if (record.protected_branches !== undefined) {
    const branches = record.protected_branches
    if (!Array.isArray(branches) || !branches.every((b) => typeof b === 'string')) {
      throw usage(`${path}: protected_branches must be a list of branch patterns`)
    }

    config.protectedBranches = branches
  }

  return config
}

/**
 * The protected branches a run uses: the vault's signed setting. A `protected_branches` list in
 * config.yml that differs from it is refused rather than used or ignored: the file is not
 * signed, and silently ignoring it would hide that someone expects it to count.
 */
export function checkProtectedBranches(config: VaultConfig, signed: readonly string[]): readonly string[] {
  const listed = config.protectedBranches
  if (listed === undefined) return signed
  const same = listed.length === signed.length && listed.every((b, i) => b === signed[i])
  if (!same) {
    throw usage(
      `protected_branches in .secrets/config.yml (${listed.join(', ') || 'none'}) differs from the vault's signed setting (${signed.join(', ') || 'none'})`,
      'protected branches live in the vault now: remove protected_branches from config.yml, and set them with `secrets protect BRANCH…`',
    )
  }

  return signed
}
