// Which revocations take effect. A revocation of member Z voids every operation whose authority
// passes through an operation of Z that the revocation did not see: Z's own operations made
// after it or concurrently with it (a backdated one cannot be told apart from a concurrent one),
// and those of members Z added in such operations. Revocations can void one another that way
// too, so they are decided together:
//
// 1. A revocation none of whose attackers stands takes effect; one attacked by a revocation
//    that takes effect does not (the grounded semantics of an attack graph: repeat until
//    nothing changes).
// 2. What is left are owners revoking one another in histories that did not see each other's
//    revocation (directly, or through members they added). No order between them can be told
//    from the history, and picking one would let a revoked owner keep their powers by writing a
//    backdated counter-revocation. So every revocation in such a cycle takes effect: all the
//    owners in it lose access, and none keeps power. A revocation that is only attacked by a
//    cycle (not part of one) does not take effect.
import type {Dag} from './dag.js'

export interface RevocationGraph {
  dag: Dag
  /** Revocation operations whose fields and authority chain passed the static checks. */
  candidates: readonly number[]
  /** The member id a revocation revokes. */
  targetOf(revocation: number): string
  /** The author's member id of an operation (null for vault.create). */
  authorOf(op: number): string | null
  /** The operation, then the operation that added its author, then the one that added theirs… */
  chainOf(op: number): readonly number[]
}

/** Whether `revocation` voids `op`: some operation in `op`'s chain is by its target and unseen by it. */
export function attacks(graph: RevocationGraph, revocation: number, op: number): boolean {
  const target = graph.targetOf(revocation)
  return graph.chainOf(op).some((link) => graph.authorOf(link) === target && !graph.dag.isAncestorOrSelf(link, revocation))
}

export function effectiveRevocations(graph: RevocationGraph): Set<number> {
  const {candidates} = graph
  const attackers = new Map<number, number[]>(candidates.map((r) => [r, candidates.filter((a) => a !== r && attacks(graph, a, r))]))
  const label = new Map<number, 'in' | 'out'>()
  for (;;) {
    let changed = true
    while (changed) {
      changed = false
      for (const r of candidates) {
        if (label.has(r)) continue
        const against = attackers.get(r)!
        if (against.every((a) => label.get(a) === 'out')) label.set(r, 'in')
        else if (against.some((a) => label.get(a) === 'in')) label.set(r, 'out')
        else continue
        changed = true
      }
    }

    const undecided = candidates.filter((r) => !label.has(r))
    if (undecided.length === 0) break
    // Cycles take effect whole; then what they attack is decided as before.
    const cyclic = undecided.filter((r) => onCycle(r, undecided, attackers))
    for (const r of cyclic) label.set(r, 'in')
    if (cyclic.length === 0) break
  }

  return new Set(candidates.filter((r) => label.get(r) === 'in'))
}

/** Whether `start` attacks itself through undecided revocations. */
function onCycle(start: number, undecided: readonly number[], attackers: ReadonlyMap<number, readonly number[]>): boolean {
  const pool = new Set(undecided)
  const seen = new Set<number>()
  const stack = [...attackers.get(start)!.filter((a) => pool.has(a))]
  while (stack.length > 0) {
    const r = stack.pop()!
    if (r === start) return true
    if (seen.has(r)) continue
    seen.add(r)
    for (const a of attackers.get(r)!) if (pool.has(a)) stack.push(a)
  }

  return false
}
