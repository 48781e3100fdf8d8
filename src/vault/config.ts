import {closeSync, constants, fstatSync, lstatSync, openSync, readSync} from 'node:fs'
import {dirname, join} from 'node:path'

import {SecretsError, usage} from '../errors.js'
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
/** A handful of settings; a bigger file is not one we wrote (and `/dev/zero` is not one at all). */
export const MAX_CONFIG_BYTES = 64 * 1024

export async function loadConfig(vaultPath: string): Promise<VaultConfig> {
  const config: VaultConfig = {maxValueBytes: DEFAULT_MAX_VALUE_BYTES}
  const path = join(dirname(vaultPath), CONFIG_FILE)
  const text = readConfigText(path)
  if (text === undefined) return config

  // Loaded only when a config file exists: most commands never pay for the YAML parser.
  const {parseDocument} = await import('yaml')
  let data: unknown
  try {
    // `resolveKnownTags: false`: `!!omap`, `!!set`, `!!pairs` (quadratic to build) and `!!binary`
    // are not built but refused below; `logLevel`: the yaml package must not print the file's text.
    const document = parseDocument(text, {resolveKnownTags: false, logLevel: 'silent'})
    if (document.errors[0]) throw document.errors[0]
    const tag = document.warnings.find((warning) => warning.code === 'TAG_RESOLVE_FAILED')
    if (tag) {
      const at = tag.linePos?.[0]
      const name = /Unresolved tag: (\S+)/.exec(tag.message)?.[1]?.replace(/^tag:yaml\.org,2002:/, '!!') ?? '(unnamed)'
      throw usage(`${path}${at ? `:${at.line}:${at.col}` : ''}: yaml tag ${name} is not allowed`)
    }

    data = document.toJS({maxAliasCount: 100})
  } catch (error) {
    if (error instanceof SecretsError) throw error
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
 * The file's text, or undefined when there is none. A clone decides what this path is: a symlink
 * (to `/dev/zero`, to a file outside the repository), a FIFO or a huge file are refused, never
 * followed or read to the end. O_NOFOLLOW and fstat close the gap between lstat and open.
 */
function readConfigText(path: string): string | undefined {
  let stat
  try {
    stat = lstatSync(path)
  } catch (error) {
    // As existsSync did: no file (or no directory to hold one) means the defaults.
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined
    throw usage(`cannot read ${path}: ${(error as Error).message}`)
  }

  if (stat.isSymbolicLink()) throw usage(`${path} is a symlink: refusing to follow it`, 'make .secrets/config.yml a regular file')
  if (!stat.isFile()) throw usage(`${path} is not a regular file`)
  if (stat.size > MAX_CONFIG_BYTES) throw usage(`${path} is too big (${stat.size} bytes; at most ${MAX_CONFIG_BYTES})`)

  let fd: number
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK)
  } catch (error) {
    throw usage(`cannot read ${path}: ${(error as Error).message}`)
  }

  try {
    if (!fstatSync(fd).isFile()) throw usage(`${path} is not a regular file`)
    // One byte more than allowed tells a file that grew since the lstat.
    const buffer = Buffer.alloc(MAX_CONFIG_BYTES + 1)
    let length = 0
    for (let read = 1; read > 0 && length < buffer.length; length += read) read = readSync(fd, buffer, length, buffer.length - length, null)
    if (length > MAX_CONFIG_BYTES) throw usage(`${path} is too big (more than ${MAX_CONFIG_BYTES} bytes)`)
    return buffer.toString('utf8', 0, length)
  } finally {
    closeSync(fd)
  }
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
