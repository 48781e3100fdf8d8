// A history's live secrets, sorted by name, environment and branch, in columns: looked up by
// binary search, made into objects only when asked for. A judged-state snapshot
// (store/judged-cache.ts) keeps the columns, with what summaries read of each secret's versions
// (its facts) and exposures, so that `get` in a vault of 10,000 secrets makes one record, not
// 10,000, and `list` reads no operation's fields.
import type {Scoped} from '../../scope.js'

export interface SecretRecord extends Scoped {
  name: string
  /** Index of the current version's operation. */
  current: number
  /** The versions of its current life (since it was last removed), canonical order. */
  versions: number[]
  /** Two or more versions were written concurrently: one is current, `list` says so. */
  conflict: boolean
}

/** When a version was written (as its author says: display and reminders only) and by whom. */
export interface Stamp {
  at: string
  author: string
}

/** What a summary of a secret reads from its versions; the rest is its record and the clock. */
export interface SecretFacts {
  description: string | null
  rotationDays: number | null
  variable: boolean
  file: boolean
  protected: boolean
  ref: string | null
  created: Stamp
  updated: Stamp
}

export interface Exposure {
  exposed: boolean
  /** Names of members who can read the current value but no longer may. */
  to: string[]
  /** Marked exposed by an operation (e.g. carried over by `secrets upgrade`). */
  marked: boolean
}

/** The columns a snapshot keeps; facts and exposures of every secret, the common values left out. */
export interface SecretTableData {
  names: string[]
  /** Distinct environments and branches; `environment[i]`, `branch[i]` index them. */
  scopes: string[]
  environment: Int32Array
  branch: Int32Array
  current: Int32Array
  /** Secret i's versions are versions[versionStart[i]] … versions[versionStart[i + 1] - 1]. */
  versionStart: Int32Array
  versions: Int32Array
  conflict: Uint8Array
  facts: {
    description: Map<number, string>
    /** -1: none. */
    rotationDays: Int32Array
    /** 1 variable, 2 file, 4 protected. */
    flags: Uint8Array
    ref: Map<number, string>
    /** Only stamps that differ from the version operation's own time and author. */
    created: Map<number, Stamp>
    updated: Map<number, Stamp>
  }
  /** Only exposed secrets. */
  exposures: Map<number, Exposure>
}

const NOT_EXPOSED: Exposure = Object.freeze({exposed: false, to: Object.freeze([]) as unknown as string[], marked: false})

export class SecretTable {
  private readonly records: (SecretRecord | undefined)[]
  /** Where each record made or given is: `list` asks for the facts of every one. */
  private readonly positions = new Map<SecretRecord, number>()
  private readonly facts: (SecretFacts | undefined)[]
  private readonly exposures: (Exposure | undefined)[]

  private constructor(
    private readonly data: Omit<SecretTableData, 'facts' | 'exposures'>,
    /** A restored table's facts and exposures, made into objects when asked for. */
    private readonly stored?: {facts: SecretTableData['facts']; exposures: SecretTableData['exposures']; stampOf: (index: number) => Stamp},
  ) {
    this.records = Array.from({length: data.names.length})
    this.facts = Array.from({length: data.names.length})
    this.exposures = Array.from({length: data.names.length})
  }

  static of(records: readonly SecretRecord[]): SecretTable {
    const sorted = [...records].sort(compareRecords)
    const scopeIndex = new Map<string, number>()
    const scopes: string[] = []
    const scope = (s: string): number => indexIn(scopeIndex, scopes, s)

    const n = sorted.length
    const versionStart = new Int32Array(n + 1)
    for (const [i, r] of sorted.entries()) versionStart[i + 1] = versionStart[i]! + r.versions.length
    const data = {
      names: sorted.map((r) => r.name), scopes, environment: Int32Array.from(sorted, (r) => scope(r.environment)), branch: Int32Array.from(sorted, (r) => scope(r.branch)),
      current: Int32Array.from(sorted, (r) => r.current), versionStart, versions: Int32Array.from(sorted.flatMap((r) => r.versions)), conflict: Uint8Array.from(sorted, (r) => (r.conflict ? 1 : 0)),
    }
    const table = new SecretTable(data)
    // The records given are the records: whoever made them may hold them.
    sorted.forEach((r, i) => {
      table.records[i] = r
      table.positions.set(r, i)
    })
    return table
  }

  /** `stampOf(index)`: a version operation's own time and author, for the stamps the data leaves out. */
  static fromData(data: SecretTableData, stampOf: (index: number) => Stamp): SecretTable {
    return new SecretTable(data, {facts: data.facts, exposures: data.exposures, stampOf})
  }

  /** Every secret's facts and exposure in columns; `compute` gives those not known yet. */
  toData(compute: {facts: (r: SecretRecord) => SecretFacts; exposure: (r: SecretRecord) => Exposure; stampOf: (index: number) => Stamp}): SecretTableData {
    const n = this.size
    const facts: SecretTableData['facts'] = {description: new Map(), rotationDays: new Int32Array(n), flags: new Uint8Array(n), ref: new Map(), created: new Map(), updated: new Map()}
    const exposures = new Map<number, Exposure>()
    for (let i = 0; i < n; i++) {
      const record = this.record(i)
      const f = this.factsAt(i) ?? compute.facts(record)
      if (f.description !== null) facts.description.set(i, f.description)
      facts.rotationDays[i] = f.rotationDays ?? -1
      facts.flags[i] = (f.variable ? 1 : 0) | (f.file ? 2 : 0) | (f.protected ? 4 : 0)
      if (f.ref !== null) facts.ref.set(i, f.ref)
      if (!sameStamp(f.created, compute.stampOf(record.versions[0] ?? record.current))) facts.created.set(i, f.created)
      if (!sameStamp(f.updated, compute.stampOf(record.current))) facts.updated.set(i, f.updated)
      const e = this.exposureAt(i) ?? compute.exposure(record)
      if (e.exposed || e.marked || e.to.length > 0) exposures.set(i, e)
    }

    return {...this.data, facts, exposures}
  }

  get size(): number {
    return this.data.names.length
  }

  /** Sorted by name, environment, branch. */
  all(): SecretRecord[] {
    return Array.from({length: this.size}, (_, i) => this.record(i))
  }

  /**
   * The records named in `names`, or whose facts say --variable or a bound reference, in
   * order. A restored table answers from its columns without making the others into objects;
   * `factsOf` gives the facts of a record this table has none for yet.
   */
  forRun(names: ReadonlySet<string>, factsOf: (record: SecretRecord) => SecretFacts): SecretRecord[] {
    const found: SecretRecord[] = []
    for (let i = 0; i < this.size; i++) {
      let wanted = names.has(this.data.names[i]!)
      if (!wanted && this.stored && !this.facts[i]) {
        wanted = (this.stored.facts.flags[i]! & 1) !== 0 || this.stored.facts.ref.has(i)
      } else if (!wanted) {
        const facts = this.factsAt(i) ?? factsOf(this.record(i))
        wanted = facts.variable || facts.ref !== null
      }

      if (wanted) found.push(this.record(i))
    }

    return found
  }

  named(name: string): SecretRecord[] {
    const found: SecretRecord[] = []
    for (let i = this.lowerBound(name, '', ''); i < this.size && this.data.names[i] === name; i++) found.push(this.record(i))
    return found
  }

  find(s: Scoped & {name: string}): SecretRecord | undefined {
    const i = this.indexOf(s)
    return i === -1 ? undefined : this.record(i)
  }

  /** Where this secret is in the table, or -1. */
  indexOf(s: Scoped & {name: string}): number {
    const i = this.lowerBound(s.name, s.environment, s.branch)
    return i < this.size && this.compareAt(i, s.name, s.environment, s.branch) === 0 ? i : -1
  }

  /** The index of this very record (one this table made or was made of), or -1. */
  indexOfRecord(record: SecretRecord): number {
    return this.positions.get(record) ?? -1
  }

  record(i: number): SecretRecord {
    let record = this.records[i]
    if (!record) {
      const d = this.data
      record = {
        name: d.names[i]!, environment: d.scopes[d.environment[i]!]!, branch: d.scopes[d.branch[i]!]!,
        current: d.current[i]!, versions: Array.from(d.versions.subarray(d.versionStart[i]!, d.versionStart[i + 1]!)), conflict: d.conflict[i] === 1,
      }
      this.records[i] = record
      this.positions.set(record, i)
    }

    return record
  }

  factsAt(i: number): SecretFacts | undefined {
    let facts = this.facts[i]
    if (!facts && this.stored) {
      const f = this.stored.facts
      const record = this.record(i)
      const rotation = f.rotationDays[i]!
      const flags = f.flags[i]!
      facts = {
        description: f.description.get(i) ?? null, rotationDays: rotation === -1 ? null : rotation,
        variable: (flags & 1) !== 0, file: (flags & 2) !== 0, protected: (flags & 4) !== 0, ref: f.ref.get(i) ?? null,
        created: f.created.get(i) ?? this.stored.stampOf(record.versions[0] ?? record.current),
        updated: f.updated.get(i) ?? this.stored.stampOf(record.current),
      }
      this.facts[i] = facts
    }

    return facts
  }

  setFacts(i: number, facts: SecretFacts): void {
    this.facts[i] = facts
  }

  exposureAt(i: number): Exposure | undefined {
    let exposure = this.exposures[i]
    if (!exposure && this.stored) {
      exposure = this.stored.exposures.get(i) ?? NOT_EXPOSED
      this.exposures[i] = exposure
    }

    return exposure
  }

  setExposure(i: number, exposure: Exposure): void {
    this.exposures[i] = exposure
  }

  private compareAt(i: number, name: string, environment: string, branch: string): number {
    const d = this.data
    return compare(d.names[i]!, name) || compare(d.scopes[d.environment[i]!]!, environment) || compare(d.scopes[d.branch[i]!]!, branch)
  }

  /** The first index whose (name, environment, branch) is not below the one given. */
  private lowerBound(name: string, environment: string, branch: string): number {
    let low = 0
    let high = this.size
    while (low < high) {
      const middle = (low + high) >>> 1
      if (this.compareAt(middle, name, environment, branch) < 0) low = middle + 1
      else high = middle
    }

    return low
  }
}

/** Where `value` is in `list` (a table of distinct values, with `index` its inverse), added at the end the first time. */
export function indexIn<T>(index: Map<T, number>, list: T[], value: T): number {
  let at = index.get(value)
  if (at === undefined) {
    at = list.length
    list.push(value)
    index.set(value, at)
  }

  return at
}

function compareRecords(a: SecretRecord, b: SecretRecord): number {
  return compare(a.name, b.name) || compare(a.environment, b.environment) || compare(a.branch, b.branch)
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

function sameStamp(a: Stamp, b: Stamp): boolean {
  return a.at === b.at && a.author === b.author
}
