// The union of two vaults' rows, table by table, with the base to tell who changed what.
// Pure: rows in, rows and decisions out; merge-vaults.ts writes them.
import {type Row, type TableRows, type VaultRows, sameRow} from './vault-rows.js'

export type Side = 'ours' | 'theirs'

/**
 * Decides a row that both sides changed since the base (or that differs with no base to
 * compare). `undefined`: no rule applies, ours is kept and the row reported.
 */
export type BothChangedRule = (table: string, ours: Row, theirs: Row) => {keep: Side; rule: string} | undefined

export interface TableChanges {
  /** Rows only their side has. */
  inserts: Row[]
  /** Rows both sides have, where their copy replaces ours. */
  updates: Row[]
}

export interface RowConflict {
  table: string
  /** The row's primary key values, as text. */
  id: string
}

export interface RowUnion {
  merged: VaultRows
  changes: Map<string, TableChanges>
  /** Rows both sides changed that no rule decided: ours kept. */
  conflicts: RowConflict[]
  /** How many rows each rule decided, e.g. `{"versions: newer key epoch": 3}`. */
  decided: Record<string, number>
  /** Rows the base had that one side deleted: the union keeps them. */
  keptDeletions: number
  /** Tables only their side has (a schema this side does not know): not merged. */
  skippedTables: string[]
}

export function unionRows(base: VaultRows | undefined, ours: VaultRows, theirs: VaultRows, rule: BothChangedRule): RowUnion {
  const merged: VaultRows = new Map()
  const changes = new Map<string, TableChanges>()
  const conflicts: RowConflict[] = []
  const decided: Record<string, number> = {}
  let keptDeletions = 0

  for (const [name, ourTable] of ours) {
    const theirTable = theirs.get(name)
    const baseTable = base?.get(name)
    const rows = new Map(ourTable.rows)
    const change: TableChanges = {inserts: [], updates: []}
    for (const [key, theirRow] of theirTable?.rows ?? []) {
      const ourRow = rows.get(key)
      if (!ourRow) {
        rows.set(key, theirRow)
        change.inserts.push(theirRow)
        if (baseTable?.rows.has(key)) keptDeletions++
        continue
      }

      if (sameRow(ourTable.columns, ourRow, theirRow)) continue
      const baseRow = baseTable?.rows.get(key)
      // Changed on one side only: that side's change stands.
      if (baseRow && sameRow(ourTable.columns, baseRow, theirRow)) continue
      if (baseRow && sameRow(ourTable.columns, baseRow, ourRow)) {
        rows.set(key, theirRow)
        change.updates.push(theirRow)
        continue
      }

      const decision = rule(name, ourRow, theirRow)
      if (!decision) {
        conflicts.push({table: name, id: ourTable.key.map((c) => String(ourRow[c])).join(', ')})
        continue
      }

      decided[decision.rule] = (decided[decision.rule] ?? 0) + 1
      if (decision.keep === 'theirs') {
        rows.set(key, theirRow)
        change.updates.push(theirRow)
      }
    }

    for (const key of ourTable.rows.keys()) {
      if (theirTable && !theirTable.rows.has(key) && baseTable?.rows.has(key)) keptDeletions++
    }

    merged.set(name, {...ourTable, rows} satisfies TableRows)
    changes.set(name, change)
  }

  const skippedTables = [...theirs.keys()].filter((name) => !ours.has(name))
  return {merged, changes, conflicts, decided, keptDeletions, skippedTables}
}
