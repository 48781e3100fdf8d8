// A vault's rows in memory, table by table, keyed by primary key: what the merge compares.
// Generic on purpose: a table added by a later migration merges without code here.
import type {Database} from '../../vault/store/database.js'
import {quoteId, tableNames} from '../vault-file.js'

export type Row = Record<string, unknown>

export interface TableRows {
  name: string
  columns: string[]
  /** The primary key's columns; every column when the table declares none (rows are then kept by content). */
  key: string[]
  hasPrimaryKey: boolean
  /** By `rowKey`. */
  rows: Map<string, Row>
}

export type VaultRows = Map<string, TableRows>

export function readVaultRows(db: Database): VaultRows {
  const result: VaultRows = new Map()
  for (const name of tableNames(db)) {
    const info = db.prepare(`PRAGMA table_info(${quoteId(name)})`).all() as {name: string; pk: number}[]
    const columns = info.map((c) => c.name)
    const pk = info.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk).map((c) => c.name)
    const key = pk.length > 0 ? pk : columns
    const rows = new Map<string, Row>()
    for (const row of db.prepare(`SELECT * FROM ${quoteId(name)}`).all() as Row[]) rows.set(rowKey(key, row), row)
    result.set(name, {name, columns, key, hasPrimaryKey: pk.length > 0, rows})
  }

  return result
}

export function rowKey(key: string[], row: Row): string {
  return JSON.stringify(key.map((c) => comparable(row[c])))
}

export function sameRow(columns: string[], a: Row, b: Row): boolean {
  return columns.every((c) => sameValue(a[c], b[c]))
}

function sameValue(a: unknown, b: unknown): boolean {
  if (Buffer.isBuffer(a) && Buffer.isBuffer(b)) return a.equals(b)
  return a === b
}

function comparable(value: unknown): unknown {
  if (Buffer.isBuffer(value)) return {blob: value.toString('hex')}
  if (typeof value === 'bigint') return {bigint: value.toString()}
  return value ?? null
}

/** The rows of `table` (none when the side has no such table). */
export function rowsOf(side: VaultRows | undefined, table: string): Row[] {
  return [...(side?.get(table)?.rows.values() ?? [])]
}

export function idsOf(side: VaultRows | undefined, table: string): Set<string> {
  return new Set(rowsOf(side, table).map((r) => String(r.id)))
}
