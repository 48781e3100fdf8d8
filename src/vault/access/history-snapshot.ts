// The operations and verdicts of a judged history as a snapshot keeps them (store/judged-cache.ts):
// in columns, without the operations' fields and bytes, so that a vault of 10,000 operations
// is a few megabytes that deserialize in milliseconds. Restored operations read their fields
// and bytes from the file when first asked (load-history.ts checks them then).
import type {OpData, OpKind, Operation} from '../store/operations.js'
import type {Dag} from './dag.js'
import type {Verdict} from './judge.js'
import {indexIn} from './secret-table.js'

/** What a restored operation is, before its fields are read: enough to find and check its row. */
export interface OpHeader {
  id: string
  vault: string
  author: string | null
  at: string
  parents: string[]
  kind: OpKind
  problem?: string
  hasData: boolean
}

/** An operation's bytes and fields, read again from the vault file and checked. */
export interface LoadedOp {
  data: OpData | undefined
  body: Uint8Array
  signature: Uint8Array
}

export interface OpColumns {
  /** Every operation's vault (a history is of one vault: verified-ops.ts refuses others). */
  vault: string
  /** Distinct authors; `author[i]` indexes them. */
  authors: (string | null)[]
  author: Int32Array
  at: string[]
  kinds: OpKind[]
  kind: Uint8Array
  /** 1 where the operation has fields (0: well-formed envelope, unusable fields: `problems` says why). */
  hasData: Uint8Array
  problems: Map<number, string>
}

export interface VerdictColumns {
  valid: Uint8Array
  /** 0: not said, 1: an update, 2: not an update. */
  update: Uint8Array
  reasons: Map<number, string>
}

/** Undefined when the operations are of several vaults (never, for a history the store verified). */
export function opColumns(ops: readonly Operation[]): OpColumns | undefined {
  const vault = ops[0]?.vault ?? ''
  const authorIndex = new Map<string | null, number>()
  const kindIndex = new Map<OpKind, number>()
  const columns: OpColumns = {
    vault, authors: [], author: new Int32Array(ops.length), at: [], kinds: [], kind: new Uint8Array(ops.length), hasData: new Uint8Array(ops.length), problems: new Map(),
  }
  for (const [i, op] of ops.entries()) {
    if (op.vault !== vault) return undefined
    columns.author[i] = indexIn(authorIndex, columns.authors, op.author)
    columns.kind[i] = indexIn(kindIndex, columns.kinds, op.kind)
    columns.at.push(op.at)
    columns.hasData[i] = op.data === undefined ? 0 : 1
    if (op.problem !== undefined) columns.problems.set(i, op.problem)
  }

  return columns
}

export function verdictColumns(verdicts: readonly Verdict[]): VerdictColumns {
  const columns: VerdictColumns = {valid: new Uint8Array(verdicts.length), update: new Uint8Array(verdicts.length), reasons: new Map()}
  for (const [i, verdict] of verdicts.entries()) {
    columns.valid[i] = verdict.valid ? 1 : 0
    columns.update[i] = verdict.update === undefined ? 0 : verdict.update ? 1 : 2
    if (verdict.reason !== undefined) columns.reasons.set(i, verdict.reason)
  }

  return columns
}

/** The verdicts without a reason, shared (a vault of 10,000 operations has a handful of distinct ones). */
const COMMON: Verdict[][] = [false, true].map((valid) => [{valid}, {valid, update: true}, {valid, update: false}].map((v) => Object.freeze(v)))

export function restoredVerdicts(columns: VerdictColumns): Verdict[] {
  const verdicts: Verdict[] = []
  for (let i = 0; i < columns.valid.length; i++) {
    const reason = columns.reasons.get(i)
    if (reason === undefined) {
      verdicts.push(COMMON[columns.valid[i]!]![columns.update[i]!]!)
      continue
    }

    const verdict: Verdict = {valid: columns.valid[i] === 1, reason}
    if (columns.update[i] !== 0) verdict.update = columns.update[i] === 1
    verdicts.push(verdict)
  }

  return verdicts
}

/** The operations of a restored history, in canonical order (op i is node i of `dag`). */
export function restoredOps(columns: OpColumns, dag: Dag, load: (header: OpHeader) => LoadedOp): Operation[] {
  const table: Table = {columns, dag, load}
  return dag.ids.map((_, i) => new RestoredOperation(table, i))
}

interface Table {
  columns: OpColumns
  dag: Dag
  load: (header: OpHeader) => LoadedOp
}

/** Getters over the columns; the row is read once, when a field or the bytes are first asked for. */
class RestoredOperation implements Operation {
  private loaded?: LoadedOp
  private parentIds?: string[]

  constructor(
    private readonly table: Table,
    private readonly index: number,
  ) {}

  get id(): string {
    return this.table.dag.ids[this.index]!
  }

  get vault(): string {
    return this.table.columns.vault
  }

  get author(): string | null {
    return this.table.columns.authors[this.table.columns.author[this.index]!]!
  }

  get at(): string {
    return this.table.columns.at[this.index]!
  }

  /** Sorted and unique in the operation, as the dag keeps them (Dag.build maps them in order). */
  get parents(): string[] {
    this.parentIds ??= this.table.dag.parents[this.index]!.map((p) => this.table.dag.ids[p]!)
    return this.parentIds
  }

  get kind(): OpKind {
    return this.table.columns.kinds[this.table.columns.kind[this.index]!]!
  }

  get problem(): string | undefined {
    return this.table.columns.problems.get(this.index)
  }

  get data(): OpData | undefined {
    return this.table.columns.hasData[this.index] === 1 ? this.row().data : undefined
  }

  get body(): Uint8Array {
    return this.row().body
  }

  get signature(): Uint8Array {
    return this.row().signature
  }

  private row(): LoadedOp {
    if (!this.loaded) {
      const header: OpHeader = {id: this.id, vault: this.vault, author: this.author, at: this.at, parents: this.parents, kind: this.kind, hasData: this.table.columns.hasData[this.index] === 1}
      const problem = this.problem
      if (problem !== undefined) header.problem = problem
      this.loaded = this.table.load(header)
    }

    return this.loaded
  }
}
