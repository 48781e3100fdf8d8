// Which operations count. Pure: from signed, parent-complete operations to a verdict on each.
//
// An operation counts only if its author held the right for it in the state formed by its
// ancestors (the history its author had), and no revocation that takes effect voids it
// (revocations.ts). Timestamps play no part. In order:
//
// 1. Static checks: well-formed fields; the author was added in the history the operation saw;
//    access changes come from owners (settings from owners and maintainers); a revocation names
//    a member it had seen, not its author. An operation is only as good as the chain of
//    operations that added its author, and the one that added theirs, up to vault.create.
// 2. Revocations are decided together (revocations.ts).
// 3. Every operation whose chain passes an operation of a revoked member that the revocation
//    did not see is void.
// 4. Keys and secrets are judged in canonical order against the rules, groups and secrets of
//    the valid operations among their ancestors: read (or owner/maintainer) to make a scope's
//    key, create or update (update when the secret exists there), delete, maintainer or owner
//    for --variable secrets, a value only under a key of its own scope that it had seen.
import {type Scoped, describeScope, secretKey, shadows} from '../../scope.js'
import {ACCESS_KINDS, type OpData, type Operation, shortId} from '../store/operations.js'
import type {Action} from '../validate.js'
import {AccessState, type Member} from './access-state.js'
import {Dag, TooWideError} from './dag.js'
import {type RevocationGraph, attacks, effectiveRevocations} from './revocations.js'

/**
 * Bounds on how wide one secret's history may be — versions written concurrently at one time,
 * concurrent lines over its life — and how many scopes one name may have. No honest history
 * comes close; one made wide on purpose would cost every reader time quadratic in its width, so
 * it is refused with a clear error instead.
 */
export const MAX_HEADS_PER_SECRET = 256
export const MAX_CHAINS_PER_SECRET = 1024
export const MAX_SCOPES_PER_NAME = 1024

export interface Verdict {
  valid: boolean
  /** Why it does not count, for `secrets log` and warnings. */
  reason?: string
  /** A secret.set that updated a secret existing in the history it saw (else it created one). */
  update?: boolean
}

export interface Judgement {
  dag: Dag
  /** In canonical order: ops[i] is node i of the dag. */
  ops: readonly Operation[]
  verdicts: readonly Verdict[]
  /** Every member ever added, valid or not, by id. */
  members: ReadonlyMap<string, Member>
  /** Index of the operation that added each member. */
  memberIndex: ReadonlyMap<string, number>
  /** The revocations that take effect. */
  effective: ReadonlySet<number>
}

/** Ops whose signatures, ids and parents were checked (the store does that). */
export function judge(ops: readonly Operation[]): Judgement {
  const dag = Dag.build(ops)
  const byId = new Map(ops.map((op) => [op.id, op]))
  return new Judge(dag, dag.ids.map((id) => byId.get(id)!)).run()
}

/** As judge(), for ops already in canonical order with their dag. */
export function judgeOrdered(dag: Dag, ops: readonly Operation[]): Judgement {
  return new Judge(dag, ops).run()
}

class Judge {
  private readonly members = new Map<string, Member>()
  private readonly memberIndex = new Map<string, number>()
  private readonly staticProblems: (string | null)[]
  private readonly chains: number[][]
  private readonly verdicts: Verdict[]
  /** Valid access operations, canonical order (decided before any data operation). */
  private validAccess: number[] = []
  /** The member who created the vault (and, in an upgraded vault, carried format 1 over). */
  private creator?: string
  private effective = new Set<number>()
  private readonly revocationsOf = new Map<string, number[]>()
  /** Valid access operations among each operation's ancestors (shared arrays, never mutated). */
  private readonly accessAncestors: number[][] = []
  private readonly views = new Map<string, AccessState>()
  /** Valid secret.set / secret.remove operations per secret, in canonical order. */
  private readonly secretOps = new Map<string, number[]>()
  /** The latest of those (none an ancestor of another), and the removals: a secret's state as of all judged so far. */
  private readonly secretHeads = new Map<string, number[]>()
  private readonly secretRemovals = new Map<string, number[]>()
  /** Per secret, its valid operations by chain of the dag (positions ascending), for the ancestors of a concurrent one. */
  private readonly secretChains = new Map<string, Map<number, {positions: number[]; ops: number[]}>>()
  /** Secret keys by name, to find the secrets a new one would shadow. */
  private readonly secretKeysByName = new Map<string, Map<string, Scoped & {name: string}>>()

  constructor(
    private readonly dag: Dag,
    private readonly ops: readonly Operation[],
  ) {
    this.verdicts = new Array<Verdict>(ops.length)
    ops.forEach((op, i) => {
      const data = op.data
      if (data?.kind === 'vault.create') this.creator = op.id
      if (data?.kind === 'vault.create' || data?.kind === 'member.add') {
        this.members.set(op.id, {...data.member, id: op.id, addedBy: op.author, at: op.at})
        this.memberIndex.set(op.id, i)
      }
    })
    this.staticProblems = ops.map((_, i) => this.staticProblem(i))
    this.chains = ops.map((_, i) => this.chainOf(i))
  }

  run(): Judgement {
    const graph: RevocationGraph = {
      dag: this.dag,
      candidates: this.ops.map((op, i) => (op.data?.kind === 'member.revoke' && this.chainProblem(i) === null ? i : -1)).filter((i) => i >= 0),
      targetOf: (r) => (this.ops[r]!.data as Extract<OpData, {kind: 'member.revoke'}>).member,
      authorOf: (i) => this.ops[i]!.author,
      chainOf: (i) => this.chains[i]!,
    }
    this.effective = effectiveRevocations(graph)
    for (const r of this.effective) {
      const target = graph.targetOf(r)
      this.revocationsOf.set(target, [...(this.revocationsOf.get(target) ?? []), r])
    }

    // Access operations first: whether they count never depends on keys or secrets, and every
    // data operation is judged against them, those it saw and those it did not.
    this.ops.forEach((op, i) => {
      if (ACCESS_KINDS.has(op.kind)) this.verdicts[i] = this.verdict(i, graph)
    })
    this.validAccess = this.ops.flatMap((op, i) => (ACCESS_KINDS.has(op.kind) && this.verdicts[i]!.valid ? [i] : []))
    this.ops.forEach((op, i) => {
      this.accessAncestors.push(this.accessAncestorsOf(i))
      if (!ACCESS_KINDS.has(op.kind)) this.verdicts[i] = this.verdict(i, graph)
      const data = op.data
      if (this.verdicts[i]!.valid && (data?.kind === 'secret.set' || data?.kind === 'secret.remove')) {
        const key = secretKey(data)
        push(this.secretOps, key, i)
        this.indexByChain(key, i)
        const names = this.secretKeysByName.get(data.name) ?? new Map<string, Scoped & {name: string}>()
        if (!names.has(key) && names.size >= MAX_SCOPES_PER_NAME) throw new TooWideError(`more than ${MAX_SCOPES_PER_NAME} scopes of ${data.name}`)
        this.secretKeysByName.set(data.name, names.set(key, {name: data.name, environment: data.environment, branch: data.branch}))
        const heads = [...(this.secretHeads.get(key) ?? []).filter((h) => !this.dag.isAncestor(h, i)), i]
        if (heads.length > MAX_HEADS_PER_SECRET) throw new TooWideError(`more than ${MAX_HEADS_PER_SECRET} versions of ${data.name} written concurrently`)
        this.secretHeads.set(key, heads)
        if (data.kind === 'secret.remove') push(this.secretRemovals, key, i)
      }
    })

    return {dag: this.dag, ops: this.ops, verdicts: this.verdicts, members: this.members, memberIndex: this.memberIndex, effective: this.effective}
  }

  private verdict(i: number, graph: RevocationGraph): Verdict {
    const problem = this.chainProblem(i)
    if (problem !== null) return {valid: false, reason: problem}
    if (!this.effective.has(i)) {
      const voidedBy = this.voidingRevocation(i, graph)
      if (voidedBy) return {valid: false, reason: voidedBy}
    }

    const op = this.ops[i]!
    if (ACCESS_KINDS.has(op.kind)) return {valid: true}
    return this.judgeData(i)
  }

  /** The reason an effective revocation voids operation i, if one does. */
  private voidingRevocation(i: number, graph: RevocationGraph): string | undefined {
    for (const link of this.chains[i]!) {
      const author = this.ops[link]!.author
      if (author === null) continue
      for (const r of this.revocationsOf.get(author) ?? []) {
        if (!attacks(graph, r, i)) continue
        const revoker = this.nameOf(this.ops[r]!.author)
        const revoked = this.nameOf(author)
        return link === i
          ? `${revoked} wrote it in a history that had not seen their revocation by ${revoker} (${shortId(this.ops[r]!.id)})`
          : `its author was added by ${revoked} in a history that had not seen ${revoked}'s revocation by ${revoker} (${shortId(this.ops[r]!.id)})`
      }
    }

    return undefined
  }

  // -- static checks --------------------------------------------------------------------------

  private staticProblem(i: number): string | null {
    const op = this.ops[i]!
    if (op.problem !== undefined || !op.data) return `its fields are malformed (${op.problem ?? 'no data'})`
    const data = op.data
    if (data.kind === 'vault.create') return null
    const authorIndex = this.memberIndex.get(op.author!)
    const author = this.members.get(op.author!)
    if (authorIndex === undefined || !author) return 'its author is not a member'
    if (!this.dag.isAncestor(authorIndex, i)) return `its author ${author.name} had not been added in the history it saw`
    const role = author.role
    if (data.kind === 'setting.set') {
      if (role !== 'owner' && role !== 'maintainer') return `${author.name} (${role}) may not change settings: owners and maintainers do`
    } else if (ACCESS_KINDS.has(data.kind) && role !== 'owner') {
      return `${author.name} (${role}) may not change access: only owners do`
    }

    if (data.kind === 'secret.set' && data.origin !== null && op.author !== this.creator) {
      return 'only the vault\'s creator carries versions over from format 1 (secrets upgrade)'
    }

    if (data.kind === 'member.revoke') {
      const target = this.memberIndex.get(data.member)
      if (target === undefined || !this.dag.isAncestor(target, i)) return 'it revokes a member it had not seen added'
      if (data.member === op.author) return 'a member cannot revoke themselves'
    }

    return null
  }

  /** i, the operation that added i's author, the one that added theirs, … up to vault.create. */
  private chainOf(i: number): number[] {
    const chain = [i]
    const seen = new Set(chain)
    let author = this.ops[i]!.author
    while (author !== null) {
      const index = this.memberIndex.get(author)
      if (index === undefined || seen.has(index)) break
      chain.push(index)
      seen.add(index)
      author = this.ops[index]!.author
    }

    return chain
  }

  private chainProblem(i: number): string | null {
    const chain = this.chains[i] ?? this.chainOf(i)
    for (const link of chain) {
      const problem = this.staticProblems[link]
      if (problem === null || problem === undefined) continue
      if (link === i) return problem
      const member = this.members.get(this.ops[link]!.id)
      return `its author's membership does not count: ${member?.name ?? shortId(this.ops[link]!.id)} was added by an operation where ${problem}`
    }

    return null
  }

  // -- keys and secrets -----------------------------------------------------------------------

  private judgeData(i: number): Verdict {
    const op = this.ops[i]!
    const data = op.data!
    const author = this.members.get(op.author!)!
    const view = this.viewAt(i)
    // A right counts only if no access change the operation did not see took it away: a
    // backdated operation cannot be told apart from one written concurrently, for a rule or
    // group change as for a revocation.
    const unseen = this.unseenViewAt(i)
    const may = (action: Action, scope: Scoped) => view.allows(author, action, scope) && unseen.allows(author, action, scope)
    const denied = (action: Action, what: string, scope: Scoped) =>
      view.allows(author, action, scope)
        ? `${author.name} (${author.role}) could not ${what} in ${describeScope(scope)}: an access change that operation did not see took the right away`
        : `${author.name} (${author.role}) could not ${what} in ${describeScope(scope)} in the history it saw`

    switch (data.kind) {
      case 'key.add':
        // Owners and maintainers re-key every scope; anyone else only scopes they may read.
        return view.isMaintainer(author) || may('read', data) ? {valid: true} : {valid: false, reason: denied('read', 'make a key', data)}
      case 'key.share': {
        const key = this.keyOp(data.key, i)
        if (typeof key === 'string') return {valid: false, reason: key}
        return view.isMaintainer(author) || may('read', key.scope) ? {valid: true} : {valid: false, reason: denied('read', 'share a key', key.scope)}
      }

      case 'secret.set': {
        const existing = this.secretAt(data, i, view)
        const action: Action = existing.live ? 'update' : 'create'
        if (!may(action, data)) return {valid: false, reason: denied(action, `${action} secret ${data.name}`, data)}
        // A new secret that runs would choose over a live one of the same name changes what they
        // get: that is an update, in its own scope.
        const shadowed = existing.live ? undefined : this.shadowedAt(data, i, view)
        if (shadowed && !may('update', data)) {
          return {valid: false, reason: `${author.name} (${author.role}) could not create secret ${data.name} in ${describeScope(data)}: runs there would get it instead of the one in ${describeScope(shadowed)}, which is an update`}
        }
        if ((data.variable || existing.variable) && !view.isMaintainer(author)) {
          return {valid: false, reason: `${author.name} (${author.role}) may not add or change --variable secrets: maintainers and owners do`}
        }

        // A provider reference decides which secret a CI job gets: binding one redirects jobs.
        if (data.ref !== null && data.ref !== existing.ref && !view.isMaintainer(author)) {
          return {valid: false, reason: `${author.name} (${author.role}) may not bind provider references (--ref): maintainers and owners do`}
        }

        if (typeof data.key === 'string') {
          const key = this.keyOp(data.key, i)
          if (typeof key === 'string') return {valid: false, reason: key}
          if (this.ops[key.index]!.kind !== 'key.add' || key.scope.environment !== data.environment || key.scope.branch !== data.branch) {
            return {valid: false, reason: `its value is under the key of another scope (${describeScope(key.scope)})`}
          }
        }

        return {valid: true, update: existing.live}
      }

      case 'secret.remove': {
        const existing = this.secretAt(data, i, view)
        if (!existing.live) return {valid: false, reason: `it removes secret ${data.name} (${describeScope(data)}), which did not exist in the history it saw`}
        if (!may('delete', data)) return {valid: false, reason: denied('delete', `delete secret ${data.name}`, data)}
        if (existing.variable && !view.isMaintainer(author)) return {valid: false, reason: `${author.name} (${author.role}) may not remove --variable secrets: maintainers and owners do`}
        return {valid: true}
      }

      case 'secret.expose': {
        const version = this.dag.indexOf.get(data.version)
        const target = version === undefined ? undefined : this.ops[version]!.data
        if (version === undefined || !this.dag.isAncestor(version, i) || !this.verdicts[version]!.valid || target?.kind !== 'secret.set' || secretKey(target) !== secretKey(data)) {
          return {valid: false, reason: 'it marks a version it had not seen'}
        }

        return view.isMaintainer(author) || may('update', data) ? {valid: true} : {valid: false, reason: denied('update', `mark secret ${data.name} exposed`, data)}
      }

      default:
        return {valid: false, reason: 'not a data operation'}
    }
  }

  /** A valid key (key.add, or a secret.set carrying one) among i's ancestors, or why not. */
  private keyOp(id: string, i: number): {index: number; scope: Scoped} | string {
    const index = this.dag.indexOf.get(id)
    if (index === undefined || !this.dag.isAncestor(index, i)) return `it uses a key it had not seen (${shortId(id)})`
    const data = this.ops[index]!.data
    const isKey = data?.kind === 'key.add' || (data?.kind === 'secret.set' && typeof data.key !== 'string')
    if (!isKey || !this.verdicts[index]!.valid) return `it uses a key that does not count (${shortId(id)})`
    return {index, scope: {environment: data.environment, branch: data.branch}}
  }

  /** Whether a secret existed (and was a --variable, and its reference) in the history operation i saw. */
  private secretAt(secret: Scoped & {name: string}, i: number, view: AccessState): {live: boolean; variable: boolean; ref: string | null} {
    const key = secretKey(secret)
    const standing = (member: string) => standingOf(this.members.get(member), view, secret)

    // Usually the operation saw every operation of the secret judged so far: its heads say it
    // all. Only an operation written concurrently with some of them needs the ancestry filtered.
    const heads = this.secretHeads.get(key) ?? []
    const removals = this.secretRemovals.get(key) ?? []
    const state = heads.every((h) => this.dag.isAncestor(h, i))
      ? stateOfHeads(this.ops, this.verdicts, heads, removals, this.dag, standing)
      : stateOfHeads(this.ops, this.verdicts, this.dag.maximal(this.latestAncestorsOn(key, i)), removals.filter((r) => this.dag.isAncestor(r, i)), this.dag, standing)
    const winner = state.winner === undefined ? undefined : this.ops[state.winner]!.data
    return {live: state.live, variable: winner?.kind === 'secret.set' && winner.variable, ref: winner?.kind === 'secret.set' ? winner.ref : null}
  }

  /**
   * The latest valid operation of a secret on each chain that is an ancestor of i: every other
   * ancestor is below one of them. The cost is the number of chains the secret's operations lie
   * on, which a history made wide on purpose could grow, so it is bounded.
   */
  private latestAncestorsOn(key: string, i: number): number[] {
    const found: number[] = []
    for (const [chain, {positions, ops}] of this.secretChains.get(key) ?? []) {
      const bound = this.dag.ancestorPositionOn(i, chain)
      let lo = 0
      let hi = positions.length - 1
      let at = -1
      while (lo <= hi) {
        const mid = (lo + hi) >> 1
        if (positions[mid]! <= bound) {
          at = mid
          lo = mid + 1
        } else {
          hi = mid - 1
        }
      }

      if (at >= 0) found.push(ops[at]!)
    }

    return found.sort((a, b) => a - b)
  }

  private indexByChain(key: string, i: number): void {
    let chains = this.secretChains.get(key)
    if (!chains) this.secretChains.set(key, (chains = new Map()))
    const {chain, position} = this.dag.chainOf(i)
    const entry = chains.get(chain)
    if (entry) {
      entry.positions.push(position)
      entry.ops.push(i)
    } else {
      if (chains.size >= MAX_CHAINS_PER_SECRET) throw new TooWideError(`${this.ops[i]!.data && 'name' in this.ops[i]!.data! ? (this.ops[i]!.data as {name: string}).name : 'a secret'} written on more than ${MAX_CHAINS_PER_SECRET} concurrent lines`)
      chains.set(chain, {positions: [position], ops: [i]})
    }
  }

  /** A live secret of the same name, among i's ancestors, that `secret` would be chosen over for some run. */
  private shadowedAt(secret: Scoped & {name: string}, i: number, view: AccessState): Scoped | undefined {
    for (const other of this.secretKeysByName.get(secret.name)?.values() ?? []) {
      if (shadows(secret, other) && this.secretAt(other, i, view).live) return other
    }

    return undefined
  }

  /** The valid access operations among i's ancestors: shared with the parent when nothing changed. */
  private accessAncestorsOf(i: number): number[] {
    const parents = this.dag.parents[i]!
    const add = (list: number[], p: number) => (ACCESS_KINDS.has(this.ops[p]!.kind) && this.verdicts[p]!.valid ? [...list, p] : list)
    if (parents.length === 1) return add(this.accessAncestors[parents[0]!]!, parents[0]!)
    const merged = new Set<number>()
    for (const p of parents) for (const a of add(this.accessAncestors[p]!, p)) merged.add(a)
    return [...merged].sort((a, b) => a - b)
  }

  private viewAt(i: number): AccessState {
    return this.viewOf(this.accessAncestors[i]!)
  }

  /** The valid access operations that are not descendants of i: those it saw, and those concurrent with it. */
  private unseenViewAt(i: number): AccessState {
    return this.viewOf(this.validAccess.filter((a) => a < i || (a !== i && !this.dag.isAncestor(i, a))))
  }

  private viewOf(list: number[]): AccessState {
    const key = list.join(',')
    let view = this.views.get(key)
    if (!view) {
      view = AccessState.of(list.map((a) => this.ops[a]!))
      this.views.set(key, view)
    }

    return view
  }

  private nameOf(member: string | null): string {
    return member === null ? 'the vault' : (this.members.get(member)?.name ?? `member ${shortId(member)}`)
  }
}

export interface SecretState {
  /** The versions of its current life: every valid set that came after every valid removal. */
  versions: number[]
  /** The latest of those (none an ancestor of another): several means a conflict. */
  heads: number[]
  live: boolean
  /** The current version: among concurrent head versions, the winner. */
  winner?: number
}

/**
 * A secret's state from its valid set and remove operations (canonical order). A version
 * counts only if it came after every removal: one written concurrently with a removal lost to
 * it, even when the removal's side later created the secret anew. Concurrent head versions are
 * all kept; the current one is, in order: a version that updated an existing secret over one
 * that created it (a concurrent creation cannot override the secret), then the one whose author
 * stands higher today (`standing`: may update it, and is a maintainer or owner — so an owner's
 * change, unbinding a reference say, is not undone by a concurrent write of a developer's), then
 * the larger operation id.
 */
export function secretState(dag: Dag, ops: readonly Operation[], verdicts: readonly Verdict[], seen: readonly number[], standing: (member: string) => number): SecretState {
  const removals = seen.filter((s) => ops[s]!.kind === 'secret.remove')
  const versions = seen.filter((s) => ops[s]!.kind === 'secret.set' && removals.every((r) => dag.isAncestor(r, s)))
  const heads = dag.maximal(versions)
  if (heads.length === 0) return {versions, heads, live: false}
  return {versions, heads, live: true, winner: winnerOf(ops, verdicts, heads, standing)}
}

/**
 * The same state from the maximal operations of a secret and its removals (what judging keeps
 * as it goes): the live versions among the maximal ones are those after every removal.
 */
function stateOfHeads(ops: readonly Operation[], verdicts: readonly Verdict[], maximal: readonly number[], removals: readonly number[], dag: Dag, standing: (member: string) => number): {live: boolean; winner?: number} {
  const heads = maximal.filter((h) => ops[h]!.kind === 'secret.set' && removals.every((r) => dag.isAncestor(r, h)))
  return heads.length === 0 ? {live: false} : {live: true, winner: winnerOf(ops, verdicts, heads, standing)}
}

/** How much a member's version weighs among concurrent ones: 2 maintainer or owner who may update it, 1 may update it, 0 neither. */
export function standingOf(member: Member | undefined, access: AccessState, secret: Scoped): number {
  if (!member || !access.allows(member, 'update', secret)) return 0
  return access.isMaintainer(member) ? 2 : 1
}

function winnerOf(ops: readonly Operation[], verdicts: readonly Verdict[], heads: readonly number[], standing: (member: string) => number): number {
  const rank = (h: number): [number, number, string] => [verdicts[h]!.update ? 1 : 0, standing(ops[h]!.author!), ops[h]!.id]
  return heads.reduce((best, h) => (compareRank(rank(h), rank(best)) > 0 ? h : best))
}

function push<K>(map: Map<K, number[]>, key: K, value: number): void {
  const list = map.get(key)
  if (list) list.push(value)
  else map.set(key, [value])
}

function compareRank(a: [number, number, string], b: [number, number, string]): number {
  return a[0] - b[0] || a[1] - b[1] || (a[2] < b[2] ? -1 : a[2] > b[2] ? 1 : 0)
}
