// Merging format-1 vaults (branches not upgraded yet): the union of both sides' rows, table by
// table, written over OURS. Rows are never counters and never deleted, and the only row changed
// in place is a re-keyed version, so a union is the whole merge.
import {copyFileSync, mkdtempSync, renameSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {SecretsError} from '../../errors.js'
import type {Database} from '../../vault/store/database.js'
import type {MergeFiles} from '../merge-files.js'
import {probeVaultFile, quoteId} from '../vault-file.js'
import {FORMAT1_LATEST, openFormat1} from '../../vault/upgrade/format1/format1-database.js'
import {type MergeFindings, findMergeFindings} from './merge-findings.js'
import {type RowConflict, type TableChanges, unionRows} from './row-union.js'
import {type VaultRows, readVaultRows} from './vault-rows.js'
import {versionRule} from './version-rule.js'
import {mergeResultPath} from '../merge-temp.js'

export interface Format1MergeReport extends MergeFindings {
  format: 1
  path: string
  vaultId: string
  /** The schema version of the result (older sides are brought forward first). */
  schema: number
  /** Whether the base was a vault to compare against (else every difference counts as both sides'). */
  withBase: boolean
  /** Rows added from their side, per table (tables with none left out). */
  fromTheirs: Record<string, number>
  /** Rows of ours replaced by their copy (changed on their side only, or a rule chose theirs), per table. */
  replacedByTheirs: Record<string, number>
  /** How many rows both sides changed were decided by which rule. */
  decided: Record<string, number>
  /** Rows both sides changed that no rule decides: ours kept. */
  rowConflicts: RowConflict[]
  /** Rows one side deleted since the base: kept, as a union keeps everything. */
  keptDeletions: number
}

/**
 * Merges two format-1 copies of one vault (the dispatcher checked that): THEIRS into OURS,
 * atomically replacing the file, or throws without touching it.
 */
export function mergeFormat1(files: MergeFiles, label: string, vaultId: string): Format1MergeReport {
  const base = probeVaultFile(files.base)
  const withBase = base.kind === 'vault' && base.vaultId === vaultId && base.schema <= FORMAT1_LATEST
  // Each file git handed over passes the schema guard as it is, before any copy of it is made:
  // a refusal then names the side and git's file, not a private copy that is gone by then.
  checkSide(files.ours, label, 'our side')
  checkSide(files.theirs, label, 'their side')
  if (withBase) checkSide(files.base, label, 'the base')

  // Git's files stay as they were: older schemas are brought forward on private copies, and
  // the result is built beside OURS so that the rename over it is atomic.
  const work = mkdtempSync(join(tmpdir(), 'secrets-merge-'))
  const result = mergeResultPath(files.ours)
  try {
    const theirRows = rowsOfCopy(files.theirs, join(work, 'theirs.db'))
    const baseRows = withBase ? rowsOfCopy(files.base, join(work, 'base.db')) : undefined
    copyFileSync(files.ours, result)
    const db = openFormat1(result)
    let report: Format1MergeReport
    try {
      const ourRows = readVaultRows(db)
      const union = unionRows(baseRows, ourRows, theirRows, versionRule(ourRows, theirRows))
      if (union.skippedTables.length > 0) {
        throw new SecretsError('ERROR', `secrets cannot merge ${label}: their side has tables this secrets does not know (${union.skippedTables.join(', ')})`)
      }

      write(db, ourRows, union.changes, label)
      report = {
        format: 1,
        path: label,
        vaultId,
        schema: db.pragma('user_version', {simple: true}) as number,
        withBase,
        fromTheirs: counts(union.changes, (c) => c.inserts.length),
        replacedByTheirs: counts(union.changes, (c) => c.updates.length),
        decided: union.decided,
        rowConflicts: union.conflicts,
        keptDeletions: union.keptDeletions,
        ...findMergeFindings(ourRows, theirRows, union.merged),
      }
    } finally {
      db.close()
    }

    // The result must open as a vault before it replaces anything.
    openFormat1(result, {readonly: true}).close()
    renameSync(result, files.ours)
    return report
  } finally {
    rmSync(work, {recursive: true, force: true})
    for (const leftover of [result, `${result}-journal`]) rmSync(leftover, {force: true})
  }
}

/** Opens a side read-only (schema guard and all) and closes it, or says which side failed. */
function checkSide(path: string, label: string, side: string): void {
  try {
    openFormat1(path, {readonly: true}).close()
  } catch (error) {
    if (error instanceof SecretsError) throw new SecretsError(error.code, `secrets cannot merge ${label}: ${side}: ${error.message}`, error.hint)
    throw error
  }
}

/** The rows of a vault file, read from a copy brought forward to this schema. */
function rowsOfCopy(path: string, copy: string): VaultRows {
  copyFileSync(path, copy)
  const db = openFormat1(copy)
  try {
    return readVaultRows(db)
  } finally {
    db.close()
  }
}

/**
 * Applies their rows to ours in one transaction. Foreign keys are checked once at the end,
 * not per row, so that tables can be written in any order.
 */
function write(db: Database, ours: VaultRows, changes: Map<string, TableChanges>, label: string): void {
  db.pragma('foreign_keys = OFF')
  try {
    db.transaction(() => {
      for (const [name, change] of changes) {
        const table = ours.get(name)!
        if (change.inserts.length > 0) {
          const insert = db.prepare(
            `INSERT INTO ${quoteId(name)} (${table.columns.map(quoteId).join(', ')}) VALUES (${table.columns.map(() => '?').join(', ')})`,
          )
          for (const row of change.inserts) insert.run(table.columns.map((c) => row[c] ?? null))
        }

        if (change.updates.length > 0) {
          const others = table.columns.filter((c) => !table.key.includes(c))
          const update = db.prepare(
            `UPDATE ${quoteId(name)} SET ${others.map((c) => `${quoteId(c)} = ?`).join(', ')} WHERE ${table.key.map((c) => `${quoteId(c)} = ?`).join(' AND ')}`,
          )
          for (const row of change.updates) update.run([...others, ...table.key].map((c) => row[c] ?? null))
        }
      }

      const broken = db.pragma('foreign_key_check') as {table: string}[]
      if (broken.length > 0) {
        throw new SecretsError('INTEGRITY', `secrets cannot merge ${label}: the union leaves ${broken.length} rows without the rows they refer to (first in ${broken[0]!.table})`)
      }
    })()
  } catch (error) {
    if (error instanceof SecretsError) throw error
    // A UNIQUE constraint other than the id, for instance: a schema that does not merge by union.
    throw new SecretsError('ERROR', `secrets cannot merge ${label}: ${(error as Error).message.toLowerCase()}`)
  } finally {
    db.pragma('foreign_keys = ON')
  }
}

function counts(changes: Map<string, TableChanges>, count: (c: TableChanges) => number): Record<string, number> {
  const out: Record<string, number> = {}
  for (const [name, change] of [...changes].sort(([a], [b]) => (a < b ? -1 : 1))) if (count(change) > 0) out[name] = count(change)
  return out
}
