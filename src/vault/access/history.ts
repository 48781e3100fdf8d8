// The state a vault's history leaves: members, rules, keys and secrets, derived from the
// operations that count (judge.ts). Pure and read-only; one per history, so every question a
// command asks is answered from the same judgement.
import {type Scoped, secretKey} from '../../scope.js'
import type {DataOf, Operation, Sealed} from '../store/operations.js'
import {AccessState, type Member, type Rule} from './access-state.js'
import {Dag, type DagData} from './dag.js'
import {type Exposure, type SecretFacts, type SecretRecord, SecretTable, type SecretTableData, type Stamp} from './secret-table.js'
import {type LoadedOp, type OpColumns, type OpHeader, type VerdictColumns, opColumns, restoredOps, restoredVerdicts, verdictColumns} from './history-snapshot.js'
export type {Exposure, SecretFacts, SecretRecord, Stamp} from './secret-table.js'
import {type Judgement, type SecretState, type Verdict, judge, judgeOrdered, secretState, standingOf} from './judge.js'

/**
 * Everything a History derived from its operations, without their bytes and fields: what
 * store/judged-cache.ts keeps so that a vault whose file has not changed is not judged again.
 * Plain data (v8.serialize keeps maps, sets, typed arrays and shared objects).
 */
export interface HistorySnapshot {
  dag: DagData
  ops: OpColumns
  verdicts: VerdictColumns
  judgedMembers: ReadonlyMap<string, Member>
  memberIndex: ReadonlyMap<string, number>
  effective: ReadonlySet<number>
  access: {rules: readonly Rule[]; groups: ReadonlyMap<string, readonly string[]>; revoked: ReadonlySet<string>; protectedBranches: readonly string[] | undefined}
  members: string[]
  keysByScope: Map<string, number[]>
  sharesByKey: Map<number, number[]>
  marksByVersion: Map<string, number[]>
  secrets: SecretTableData
}

interface Derived {
  access: AccessState
  members: Member[]
  keysByScope: Map<string, number[]>
  sharesByKey: Map<number, number[]>
  marksByVersion: Map<string, number[]>
  secrets: SecretTable
}

export class History {
  readonly access: AccessState
  private readonly members: Member[]
  private readonly keysByScope: Map<string, number[]>
  private readonly sharesByKey: Map<number, number[]>
  private readonly marksByVersion: Map<string, number[]>
  /** Live secrets, with their facts and exposures once asked for (a restored history has them all). */
  private readonly table: SecretTable

  private constructor(
    private readonly judgement: Judgement,
    derived?: Derived,
  ) {
    const d = derived ?? derive(judgement)
    this.access = d.access
    this.members = d.members
    this.keysByScope = d.keysByScope
    this.sharesByKey = d.sharesByKey
    this.marksByVersion = d.marksByVersion
    this.table = d.secrets
  }

  static of(ops: readonly Operation[]): History {
    return new History(judge(ops))
  }

  static ofOrdered(dag: Dag, ops: readonly Operation[]): History {
    return new History(judgeOrdered(dag, ops))
  }

  /**
   * Everything this history derived, every secret's facts and exposure included, for
   * restore(). Reads the current version of every live secret.
   */
  snapshot(): HistorySnapshot | undefined {
    const {dag, ops, verdicts, members, memberIndex, effective} = this.judgement
    const columns = opColumns(ops)
    if (!columns) return undefined
    const {rules, groups, revoked, protectedBranches} = this.access
    return {
      dag: dag.toData(), ops: columns, verdicts: verdictColumns(verdicts), judgedMembers: members, memberIndex, effective,
      access: {rules, groups, revoked, protectedBranches},
      members: this.members.map((m) => m.id),
      keysByScope: this.keysByScope, sharesByKey: this.sharesByKey, marksByVersion: this.marksByVersion,
      secrets: this.table.toData({facts: (r) => this.secretFacts(r), exposure: (r) => this.exposure(r), stampOf: (i) => this.ownStamp(i)}),
    }
  }

  /**
   * The history a snapshot describes, without judging it again. Each operation's fields and
   * bytes are read when first asked for, through `load`, which must check them against the
   * header (the same id, hence the same bytes, and a valid signature).
   */
  static restore(snapshot: HistorySnapshot, load: (header: OpHeader) => LoadedOp): History {
    const dag = Dag.fromData(snapshot.dag)
    const judgement: Judgement = {
      dag, ops: restoredOps(snapshot.ops, dag, load), verdicts: restoredVerdicts(snapshot.verdicts),
      members: snapshot.judgedMembers, memberIndex: snapshot.memberIndex, effective: snapshot.effective,
    }
    const {rules, groups, revoked, protectedBranches} = snapshot.access
    // Built before the history it belongs to: its stamps need only the operations' columns.
    let history: History | undefined
    const secrets = SecretTable.fromData(snapshot.secrets, (i) => history!.ownStamp(i))
    history = new History(judgement, {
      access: new AccessState(rules, groups, revoked, protectedBranches),
      members: snapshot.members.map((id) => snapshot.judgedMembers.get(id)!),
      keysByScope: snapshot.keysByScope, sharesByKey: snapshot.sharesByKey, marksByVersion: snapshot.marksByVersion,
      secrets,
    })
    return history
  }


  get dag(): Dag {
    return this.judgement.dag
  }

  /** Canonical order. */
  get ops(): readonly Operation[] {
    return this.judgement.ops
  }

  verdict(index: number): Verdict {
    return this.judgement.verdicts[index]!
  }

  op(index: number): Operation {
    return this.judgement.ops[index]!
  }

  indexOf(id: string): number | undefined {
    return this.judgement.dag.indexOf.get(id)
  }

  /** The ids of the operations no other names as a parent: what a new operation's parents are. */
  get heads(): string[] {
    return this.judgement.dag.heads.map((i) => this.judgement.ops[i]!.id)
  }

  /** Operations that do not count, with the reason. */
  voided(): {index: number; op: Operation; reason: string}[] {
    return this.judgement.ops.flatMap((op, i) => (this.judgement.verdicts[i]!.valid ? [] : [{index: i, op, reason: this.judgement.verdicts[i]!.reason ?? 'it does not count'}]))
  }

  // -- members --------------------------------------------------------------------------------

  /** Every member whose addition counts, revoked ones included, in the order they were added. */
  allMembers(): readonly Member[] {
    return this.members
  }

  activeMembers(): Member[] {
    return this.members.filter((m) => this.access.isActive(m))
  }

  /** Any member ever named in the history (for names in messages), valid or not. */
  memberById(id: string): Member | undefined {
    return this.judgement.members.get(id)
  }

  memberName(id: string | null): string {
    if (id === null) return 'the vault'
    return this.memberById(id)?.name ?? `unknown member ${id.slice(0, 8)}`
  }

  /** The active members with this recipient (normally one). */
  membersWithRecipient(recipient: string): {active: Member[]; revoked: Member[]} {
    const mine = this.members.filter((m) => m.recipient === recipient)
    return {active: mine.filter((m) => this.access.isActive(m)), revoked: mine.filter((m) => !this.access.isActive(m))}
  }

  /**
   * The values and member additions by `member` that every revocation of them that takes effect
   * saw: what stays good of a revoked member's work (the rest is void).
   */
  sawOf(member: string): string[] {
    const revocations = [...this.judgement.effective].filter((r) => (this.op(r).data as {member?: string}).member === member)
    return this.judgement.ops.flatMap((op, i) =>
      op.author === member && (op.kind === 'secret.set' || op.kind === 'member.add') && revocations.every((r) => this.dag.isAncestor(i, r)) ? [op.id] : [],
    )
  }

  readersOf(scope: Scoped): Member[] {
    return this.activeMembers().filter((m) => this.access.allows(m, 'read', scope))
  }

  // -- keys -----------------------------------------------------------------------------------

  /** Valid key.add operations for exactly this scope, canonical order. */
  keysOf(scope: Scoped): readonly number[] {
    return this.keysByScope.get(scopeKey(scope)) ?? []
  }

  /** Every scope that has a key. */
  keyScopes(): Scoped[] {
    return [...this.keysByScope.keys()].map((k) => {
      const [environment, branch] = JSON.parse(k) as [string, string]
      return {environment, branch}
    })
  }

  /**
   * The current key of a scope: the latest in causal order; of concurrent ones, the later in
   * the canonical order. Writers still check who holds it (keys/choose-key.ts).
   */
  currentKey(scope: Scoped): number | undefined {
    const latest = this.dag.maximal([...this.keysOf(scope)])
    return latest.length === 0 ? undefined : Math.max(...latest)
  }

  /** The sealed copies of a key (a key.add, or a secret.set carrying one) and its valid shares. */
  sealedCopies(key: number): Sealed[] {
    const data = this.op(key).data
    const own = data?.kind === 'key.add' ? data.sealed : data?.kind === 'secret.set' && typeof data.key !== 'string' ? data.key.sealed : []
    const shared = (this.sharesByKey.get(key) ?? []).flatMap((s) => (this.op(s).data as DataOf<'key.share'>).sealed)
    return [...own, ...shared]
  }

  /** Who can open a key: whoever it is sealed or shared to, and the author of a key.add (who made it). */
  holders(key: number): Set<string> {
    const holders = new Set(this.sealedCopies(key).map((s) => s.member))
    if (this.op(key).kind === 'key.add') holders.add(this.op(key).author!)
    return holders
  }

  // -- secrets --------------------------------------------------------------------------------

  /** Live secrets ordered by name, environment, branch. */
  secrets(): SecretRecord[] {
    return this.table.all()
  }

  /** Live secrets named in `names`, or --variable ones, or bound to a reference (SecretStore.listForRun), in order. */
  secretsForRun(names: ReadonlySet<string>): SecretRecord[] {
    return this.table.forRun(names, (record) => this.secretFacts(record))
  }

  secretsNamed(name: string): SecretRecord[] {
    return this.table.named(name)
  }

  secret(s: Scoped & {name: string}): SecretRecord | undefined {
    return this.table.find(s)
  }

  version(index: number): Operation & {data: DataOf<'secret.set'>} {
    return this.op(index) as Operation & {data: DataOf<'secret.set'>}
  }

  /**
   * Whether someone who may no longer read a secret can read its current value: a holder of its
   * key who lost read (or was revoked), its author revoked, or a mark on that version.
   */
  exposure(secret: SecretRecord): Exposure {
    const i = this.table.indexOfRecord(secret)
    const known = i === -1 ? undefined : this.table.exposureAt(i)
    if (known) return known
    const exposure = this.computeExposure(secret)
    if (i !== -1) this.table.setExposure(i, exposure)
    return exposure
  }

  /** What summaries read from a secret's versions (description, settings, who wrote it when). */
  secretFacts(secret: SecretRecord): SecretFacts {
    const i = this.table.indexOfRecord(secret)
    const known = i === -1 ? undefined : this.table.factsAt(i)
    if (known) return known
    const current = this.version(secret.current).data
    const facts: SecretFacts = {
      description: current.description, rotationDays: current.rotation_days,
      variable: current.variable, file: current.file, protected: current.protected, ref: current.ref,
      created: this.stamp(secret.versions[0] ?? secret.current), updated: this.stamp(secret.current),
    }
    if (i !== -1) this.table.setFacts(i, facts)
    return facts
  }

  /** When version `index` was written, as its author (or the format-1 vault it came from) says, and by whom. */
  stamp(index: number): Stamp {
    const op = this.version(index)
    if (op.data.origin) return {at: op.data.origin.at, author: op.data.origin.author}
    return this.ownStamp(index)
  }

  /** The operation's own time and author, whatever it carries over from a format-1 vault. */
  private ownStamp(index: number): Stamp {
    const op = this.op(index)
    return {at: op.at, author: this.memberName(op.author)}
  }

  private computeExposure(secret: SecretRecord): Exposure {
    const version = this.version(secret.current)
    const marked = (this.marksByVersion.get(version.id) ?? []).length > 0
    const keyIndex = typeof version.data.key === 'string' ? this.indexOf(version.data.key)! : secret.current
    const readers = new Set(this.readersOf(secret).map((m) => m.id))
    const lost = new Set([...this.holders(keyIndex)].filter((id) => !readers.has(id)))
    const author = this.memberById(version.author!)
    if (author && !this.access.isActive(author)) lost.add(author.id)
    const to = [...lost].map((id) => this.memberName(id)).sort()
    return {exposed: marked || to.length > 0, to, marked}
  }
}

/** What the constructor derives from a judgement: members, rules, keys and live secrets. */
function derive(judgement: Judgement): Derived {
  const {ops, verdicts} = judgement
  const valid = ops.filter((_, i) => verdicts[i]!.valid)
  const access = AccessState.of(valid)
  const members = valid.flatMap((op) => (op.data?.kind === 'vault.create' || op.data?.kind === 'member.add' ? [judgement.members.get(op.id)!] : []))
  const d = {access, members, keysByScope: new Map<string, number[]>(), sharesByKey: new Map<number, number[]>(), marksByVersion: new Map<string, number[]>()}
  const records: SecretRecord[] = []

  const secretOps = new Map<string, number[]>()
  ops.forEach((op, i) => {
    const data = op.data
    if (!verdicts[i]!.valid || !data) return
    if (data.kind === 'key.add') push(d.keysByScope, scopeKey(data), i)
    else if (data.kind === 'key.share') push(d.sharesByKey, judgement.dag.indexOf.get(data.key)!, i)
    else if (data.kind === 'secret.expose') push(d.marksByVersion, data.version, i)
    else if (data.kind === 'secret.set' || data.kind === 'secret.remove') push(secretOps, secretKey(data), i)
  })

  for (const seen of secretOps.values()) {
    const scope = ops[seen[0]!]!.data as Scoped
    const state: SecretState = secretState(judgement.dag, ops, verdicts, seen, (id) => standingOf(judgement.members.get(id), access, scope))
    if (!state.live) continue
    const data = ops[state.winner!]!.data as DataOf<'secret.set'>
    records.push({
      name: data.name, environment: data.environment, branch: data.branch,
      current: state.winner!, versions: state.versions, conflict: state.heads.length > 1,
    })
  }

  return {...d, secrets: SecretTable.of(records)}
}

function push<K>(map: Map<K, number[]>, key: K, value: number): void {
  const list = map.get(key)
  if (list) list.push(value)
  else map.set(key, [value])
}

export function scopeKey(scope: Scoped): string {
  return JSON.stringify([scope.environment, scope.branch])
}
