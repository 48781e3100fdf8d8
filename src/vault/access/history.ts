// The state a vault's history leaves: members, rules, keys and secrets, derived from the
// operations that count (judge.ts). Pure and read-only; one per history, so every question a
// command asks is answered from the same judgement.
import {type Scoped, secretKey} from '../../scope.js'
import type {DataOf, Operation, Sealed} from '../store/operations.js'
import {AccessState, type Member} from './access-state.js'
import type {Dag} from './dag.js'
import {type Judgement, type SecretState, type Verdict, judge, judgeOrdered, secretState, standingOf} from './judge.js'

export interface SecretRecord extends Scoped {
  name: string
  /** Index of the current version's operation. */
  current: number
  /** The versions of its current life (since it was last removed), canonical order. */
  versions: number[]
  /** Two or more versions were written concurrently: one is current, `list` says so. */
  conflict: boolean
}

export interface Exposure {
  exposed: boolean
  /** Names of members who can read the current value but no longer may. */
  to: string[]
  /** Marked exposed by an operation (e.g. carried over by `secrets upgrade`). */
  marked: boolean
}

export class History {
  readonly access: AccessState
  private readonly members: Member[]
  private readonly keysByScope = new Map<string, number[]>()
  private readonly sharesByKey = new Map<number, number[]>()
  private readonly marksByVersion = new Map<string, number[]>()
  private readonly secretsByKey = new Map<string, SecretRecord>()

  private constructor(private readonly judgement: Judgement) {
    const {ops, verdicts} = judgement
    const valid = ops.filter((_, i) => verdicts[i]!.valid)
    this.access = AccessState.of(valid)
    this.members = valid.flatMap((op) => (op.data?.kind === 'vault.create' || op.data?.kind === 'member.add' ? [judgement.members.get(op.id)!] : []))

    const secretOps = new Map<string, number[]>()
    ops.forEach((op, i) => {
      const data = op.data
      if (!verdicts[i]!.valid || !data) return
      if (data.kind === 'key.add') push(this.keysByScope, scopeKey(data), i)
      else if (data.kind === 'key.share') push(this.sharesByKey, judgement.dag.indexOf.get(data.key)!, i)
      else if (data.kind === 'secret.expose') push(this.marksByVersion, data.version, i)
      else if (data.kind === 'secret.set' || data.kind === 'secret.remove') push(secretOps, secretKey(data), i)
    })

    for (const [key, seen] of secretOps) {
      const scope = ops[seen[0]!]!.data as Scoped
      const state: SecretState = secretState(judgement.dag, ops, verdicts, seen, (id) => standingOf(judgement.members.get(id), this.access, scope))
      if (!state.live) continue
      const data = ops[state.winner!]!.data as DataOf<'secret.set'>
      this.secretsByKey.set(key, {
        name: data.name, environment: data.environment, branch: data.branch,
        current: state.winner!, versions: state.versions, conflict: state.heads.length > 1,
      })
    }
  }

  static of(ops: readonly Operation[]): History {
    return new History(judge(ops))
  }

  static ofOrdered(dag: Dag, ops: readonly Operation[]): History {
    return new History(judgeOrdered(dag, ops))
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
    return [...this.secretsByKey.values()].sort((a, b) => compare(a.name, b.name) || compare(a.environment, b.environment) || compare(a.branch, b.branch))
  }

  secretsNamed(name: string): SecretRecord[] {
    return this.secrets().filter((s) => s.name === name)
  }

  secret(s: Scoped & {name: string}): SecretRecord | undefined {
    return this.secretsByKey.get(secretKey(s))
  }

  version(index: number): Operation & {data: DataOf<'secret.set'>} {
    return this.op(index) as Operation & {data: DataOf<'secret.set'>}
  }

  /**
   * Whether someone who may no longer read a secret can read its current value: a holder of its
   * key who lost read (or was revoked), its author revoked, or a mark on that version.
   */
  exposure(secret: SecretRecord): Exposure {
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

function push<K>(map: Map<K, number[]>, key: K, value: number): void {
  const list = map.get(key)
  if (list) list.push(value)
  else map.set(key, [value])
}

export function scopeKey(scope: Scoped): string {
  return JSON.stringify([scope.environment, scope.branch])
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
