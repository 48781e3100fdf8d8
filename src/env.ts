// Every environment variable the tool reads, named once (as sops does), with what it means.

/** The private identity itself (`SECRETS-IDENTITY-1…`), for CI: put it in a masked, protected variable. */
export const SECRETS_IDENTITY = 'SECRETS_IDENTITY'
/** A file holding the private identity. */
export const SECRETS_IDENTITY_FILE = 'SECRETS_IDENTITY_FILE'
/** The vault file to use instead of `<repo root>/.secrets/vault.db`. */
export const SECRETS_VAULT = 'SECRETS_VAULT'
/** The clock, as ISO 8601: for tests and for "what will be overdue on …" questions. */
export const SECRETS_NOW = 'SECRETS_NOW'
/** `off` skips the OS keychain (the identity then lives in the config directory). */
export const SECRETS_KEYCHAIN = 'SECRETS_KEYCHAIN'
/** The keychain service name (default `secrets`); separate names keep separate identities. */
export const SECRETS_KEYCHAIN_SERVICE = 'SECRETS_KEYCHAIN_SERVICE'
/**
 * Whole operation ids (64 hex digits, comma-separated) the vault's history must hold: a CI runner, which has never seen the vault before, pins a checkpoint this way
 * and refuses a history rolled back below it. `secrets log` prints the current one.
 */
export const SECRETS_TRUST = 'SECRETS_TRUST'
/**
 * How long, in seconds, a command waits for another secrets process to finish with the vault
 * (default 10; 0 fails at once). When the wait runs out the command exits with the busy code,
 * naming the process that holds the vault.
 */
export const SECRETS_LOCK_TIMEOUT = 'SECRETS_LOCK_TIMEOUT'
/** Set to anything to get stack traces with errors. */
export const DEBUG = 'DEBUG'

/**
 * Ours and carrying key material (the identity, or where to read it): `secrets run` never
 * hands them to the command it runs, and the process scrubs SECRETS_IDENTITY from its own
 * environment as it starts (src/keychain/identity-env.ts).
 */
export const KEY_MATERIAL_VARIABLES: readonly string[] = [SECRETS_IDENTITY, SECRETS_IDENTITY_FILE]

export type Env = Readonly<Record<string, string | undefined>>
