// git's merge driver for the vault (`merge.secrets.driver`). A format-2 vault is a set of
// immutable, content-addressed operations, so two branches merge as the union of their
// operations: nothing to decide row by row, no conflict git would have to show. What the union
// means (two new values for one secret, operations that stop counting because the other side
// revoked their author) is judged by the same history model every command uses, and reported.
// Format-1 vaults (branches not upgraded yet) still merge row by row (format1/).
import {copyFileSync, renameSync, rmSync} from 'node:fs'
import {basename} from 'node:path'

import {SecretsError} from '../errors.js'
import {openVaultFile} from '../vault/store/database.js'
import {historyOf, loadHistory} from '../vault/load-history.js'
import {type StoredOp, insertMissingOps, readOps} from '../vault/store/op-table.js'
import {SCHEMA_VERSION} from '../vault/store/schema.js'
import {type Format1MergeReport, mergeFormat1} from './format1/merge-format1.js'
import type {MergeFiles} from './merge-files.js'
import {type HistoryMergeFindings, findHistoryMergeFindings} from './merge-findings.js'
import {type VaultProbe, probeVaultFile} from './vault-file.js'
import {mergeResultPath} from './merge-temp.js'

export type {MergeFiles} from './merge-files.js'

export interface HistoryMergeReport extends HistoryMergeFindings {
  format: 2
  path: string
  vaultId: string
  /** Operations our side had, their side had, and how many of theirs were new to ours. */
  ours: number
  theirs: number
  fromTheirs: number
}

export type MergeReport = HistoryMergeReport | Format1MergeReport

/** Merges THEIRS into OURS (atomically replacing the file), or throws without touching it. */
export function mergeVaultFiles(files: MergeFiles): MergeReport {
  const label = files.path ?? basename(files.ours)
  const ours = requireVault(probeVaultFile(files.ours), label, 'our')
  const theirs = requireVault(probeVaultFile(files.theirs), label, 'their')
  if (ours.vaultId !== theirs.vaultId) {
    throw new SecretsError('CONFLICT', `secrets cannot merge ${label}: the two sides are different vaults (${ours.vaultId.slice(0, 8)}… and ${theirs.vaultId.slice(0, 8)}…)`)
  }

  if (ours.format === 1 && theirs.format === 1) return mergeFormat1(files, label, ours.vaultId)
  if (ours.format !== theirs.format) {
    throw new SecretsError(
      'UPGRADE_NEEDED',
      `secrets cannot merge ${label}: ${ours.format === 1 ? 'our' : 'their'} side is still in format 1`,
      'merge open branches before `secrets upgrade`; for a branch left behind, `secrets export` its changes there and `secrets import` them on the upgraded vault',
    )
  }

  return mergeHistories(files, label, ours.vaultId)
}

function mergeHistories(files: MergeFiles, label: string, vaultId: string): HistoryMergeReport {
  const ourRows = readSide(files.ours, label, 'our')
  const theirRows = readSide(files.theirs, label, 'their')
  const ourHistory = judgeSide(ourRows, vaultId, label, 'our')
  const theirHistory = judgeSide(theirRows, vaultId, label, 'their')
  const union = new Map<string, StoredOp>(ourRows.map((r) => [r.id, r]))
  for (const row of theirRows) if (!union.has(row.id)) union.set(row.id, row)
  const merged = judgeSide([...union.values()], vaultId, label, 'merged')

  // Built beside OURS (same file system), checked to open, then renamed over it.
  const result = mergeResultPath(files.ours)
  try {
    copyFileSync(files.ours, result)
    const file = openVaultFile(result)
    try {
      file.db.transaction(() => insertMissingOps(file.db, theirRows))()
      loadHistory(file.db, vaultId)
    } finally {
      file.db.close()
    }

    renameSync(result, files.ours)
  } finally {
    for (const leftover of [result, `${result}-journal`]) rmSync(leftover, {force: true})
  }

  return {
    format: 2,
    path: label,
    vaultId,
    ours: ourRows.length,
    theirs: theirRows.length,
    fromTheirs: union.size - ourRows.length,
    ...findHistoryMergeFindings(ourHistory, theirHistory, merged),
  }
}

function requireVault(probe: VaultProbe, label: string, side: 'our' | 'their'): Extract<VaultProbe, {kind: 'vault'}> {
  if (probe.kind !== 'vault') throw new SecretsError('CONFLICT', `secrets cannot merge ${label}: ${side} side is not a vault (${probe.reason})`)
  if (probe.schema > SCHEMA_VERSION) {
    throw new SecretsError('ERROR', `secrets cannot merge ${label}: ${side} side has schema ${probe.schema}, newer than this secrets understands (${SCHEMA_VERSION}); upgrade secrets`)
  }

  return probe
}

/** A side's operations, from a file that passes the schema guard. */
function readSide(path: string, label: string, side: string): StoredOp[] {
  try {
    const file = openVaultFile(path, {readonly: true})
    try {
      return readOps(file.db)
    } finally {
      file.db.close()
    }
  } catch (error) {
    if (error instanceof SecretsError) throw new SecretsError(error.code, `secrets cannot merge ${label}: ${side} side: ${error.message}`, error.hint)
    throw error
  }
}

function judgeSide(rows: readonly StoredOp[], vaultId: string, label: string, side: string): ReturnType<typeof historyOf> {
  try {
    return historyOf(rows, vaultId)
  } catch (error) {
    if (error instanceof SecretsError) throw new SecretsError(error.code, `secrets cannot merge ${label}: ${side === 'merged' ? 'the union' : `${side} side`}: ${error.message}`, error.hint)
    throw error
  }
}
