// What a command needs from its surroundings, built in one place from flags and environment.
import {homedir} from 'node:os'
import {join} from 'node:path'

import {now} from './clock.js'
import type {Identity} from './crypto/identity.js'
import {loadSodium} from './crypto/sodium.js'
import {type Env, SECRETS_TRUST} from './env.js'
import {noIdentity} from './errors.js'
import {currentBranch, headBranches} from './git/repository.js'
import {IdentityStore, type LoadedIdentity, identityFilePath} from './keychain/identity-store.js'
import {type VaultConfig, loadConfig} from './vault/config.js'
import {type VaultLocation, locateVault} from './vault/locate.js'
import {SqliteStore} from './vault/sqlite-store.js'
import type {SecretStore, VaultAdmin} from './vault/secret-store.js'

export interface ContextOptions {
  env: Env
  cwd: string
  vaultFlag?: string
  /** Receives warnings (e.g. the identity file fallback) for stderr. */
  warn: (message: string) => void
  /** Receives notes for stderr (e.g. the first use of a vault on this computer). */
  note: (message: string) => void
  /** Operations read so far while the vault opens, for commands that draw a progress line. */
  onLoad?: (done: number, total: number) => void
  /** The command only reads: it may use this computer's judged state of an unchanged vault file (store/judged-cache.ts). */
  readsOnly?: boolean
}

export function vaultLocation(options: ContextOptions): VaultLocation {
  return locateVault(options.cwd, options.env, options.vaultFlag)
}

/** The identity in use, or a NO_IDENTITY error that says where it looked. */
export function requireIdentity(options: ContextOptions): LoadedIdentity {
  const store = new IdentityStore({env: options.env})
  const found = store.find()
  if (!found) {
    throw noIdentity(
      `no identity: none in SECRETS_IDENTITY, SECRETS_IDENTITY_FILE, the OS keychain or ${identityFilePath(options.env, options.env.HOME || homedir())}`,
      'run `secrets identity` to create yours, then ask an owner of the vault to `secrets permit` it',
    )
  }

  if (found.warning) options.warn(found.warning)
  return found
}

/** The vault, ready to use; `config` when the caller has already read `.secrets/config.yml`. */
export async function openStore(options: ContextOptions, preloaded?: VaultConfig): Promise<SecretStore> {
  return openSqliteStore(options, preloaded)
}

/** The vault's admin side: access, keys, settings, history. */
export async function openAdmin(options: ContextOptions): Promise<VaultAdmin> {
  return openSqliteStore(options)
}

async function openSqliteStore(options: ContextOptions, preloaded?: VaultConfig): Promise<SqliteStore> {
  const location = vaultLocation(options)
  const [config] = await Promise.all([preloaded ?? loadConfig(location.path), loadSodium()])
  return SqliteStore.open(location.path, {
    now: now(options.env),
    maxValueBytes: config.maxValueBytes,
    identity: (): Identity => requireIdentity(options).identity,
    defaultBranch: () => options.env.CI_COMMIT_REF_NAME || currentBranch(options.cwd) || '',
    configDir: configDir(options.env),
    cacheDir: cacheDir(options.env),
    pinScope: pinScope(location),
    trust: options.env[SECRETS_TRUST] || undefined,
    warn: options.warn,
    note: options.note,
    onLoad: options.onLoad,
    judgedCache: options.readsOnly ?? false,
  })
}

/** The user's config directory: XDG_CONFIG_HOME, else ~/.config. */
export function configDir(env: Env): string {
  return env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config')
}

/** The user's cache directory: XDG_CACHE_HOME, else ~/.cache. */
export function cacheDir(env: Env): string {
  return env.XDG_CACHE_HOME || join(env.HOME || homedir(), '.cache')
}

/** The branches this computer's pins of the vault apply to (see store/pins.ts). */
export function pinScope(location: VaultLocation): string[] {
  return location.repoRoot ? headBranches(location.repoRoot) : ['-']
}
