// Reading secrets' rows. "Current version" and version numbers are derived (latest by time,
// ties by id), never stored: two branches can both add versions and still merge.
import type {SecretRow, VersionRow} from './records.js'
import type {Vault} from './vault.js'

/** Secrets without a tombstone, optionally of one name, ordered by name then scope. */
export function liveSecrets(vault: Vault, name?: string): SecretRow[] {
  const where = name === undefined ? '' : 'AND s.name = @name'
  return vault.db
    .prepare(
      `SELECT s.* FROM secrets s
       WHERE NOT EXISTS (SELECT 1 FROM tombstones t WHERE t.secret_id = s.id) ${where}
       ORDER BY s.name, s.environment, s.branch, s.created_at, s.id`,
    )
    .all(name === undefined ? {} : {name}) as SecretRow[]
}

/** Oldest first; version N is the N-th of these. */
export function versionsOf(vault: Vault, secretId: string): VersionRow[] {
  return vault.db.prepare('SELECT * FROM versions WHERE secret_id = ? ORDER BY created_at, id').all(secretId) as VersionRow[]
}

/**
 * A timestamp for a new row that sorts after `after`: a frozen or skewed clock
 * (SECRETS_NOW, a laptop behind) must not make a new version older than the current one.
 */
export function stampAfter(now: Date, after?: string): string {
  const floor = after ? Date.parse(after) + 1 : Number.NEGATIVE_INFINITY
  return new Date(Math.max(now.getTime(), floor)).toISOString()
}
