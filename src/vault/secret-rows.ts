// Reading secrets' rows. "Current version" and version numbers are derived (latest by time,
// ties by id), never stored: two branches can both add versions and still merge.
import type {SecretRow, VersionRow} from './records.js'
import type {Vault} from './vault.js'

/**
 * Secrets without a tombstone, optionally of one name, ordered by name then scope. Two
 * branches that each added the same name and scope leave two rows after a merge: they are one
 * secret, whose current row is the one with the newest version (the other is `shadowed`).
 */
export function liveSecrets(vault: Vault, name?: string): SecretRow[] {
  return liveRows(vault, name).filter((row, i, rows) => !sameScope(row, rows[i + 1]))
}

/** Every live row of one name and scope, the current one last. */
export function rowsOfScope(vault: Vault, secret: {name: string; environment: string; branch: string}): SecretRow[] {
  return liveRows(vault, secret.name).filter((row) => sameScope(row, secret))
}

function liveRows(vault: Vault, name?: string): SecretRow[] {
  const where = name === undefined ? '' : 'AND s.name = @name'
  // Within a scope: oldest current version first, so the last row of a scope is the current one.
  return vault.db
    .prepare(
      `SELECT s.* FROM secrets s
       WHERE NOT EXISTS (SELECT 1 FROM tombstones t WHERE t.secret_id = s.id) ${where}
       ORDER BY s.name, s.environment, s.branch,
         (SELECT MAX(v.created_at) FROM versions v WHERE v.secret_id = s.id), s.id`,
    )
    .all(name === undefined ? {} : {name}) as SecretRow[]
}

function sameScope(a: SecretRow, b?: {name: string; environment: string; branch: string}): boolean {
  return b !== undefined && a.name === b.name && a.environment === b.environment && a.branch === b.branch
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
