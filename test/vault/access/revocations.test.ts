// Which revocations take effect, on attack graphs written out by hand: the grounded semantics
// (unattacked ones count, those attacked by one that counts do not, repeat), then cycles of
// owners revoking one another taking effect whole. Each graph is given in an order where the
// answer needs more than one pass, so a single sweep in canonical order would get it wrong.
import {describe, expect, it} from 'vitest'

import type {Dag} from '../../../src/vault/access/dag.js'
import {type RevocationGraph, attacks, effectiveRevocations} from '../../../src/vault/access/revocations.js'

/**
 * Revocations 0…n-1 in the order given by `order`; revocation r is written by member `A<r>` and
 * revokes `T<r>`. For each edge [a, r], r's authority chain passes an operation by `T<a>` that
 * `a` did not see, so a voids r; `seen` lists the [link, revocation] pairs where the revocation
 * had seen the link (and so does not attack through it).
 */
function graphOf(order: number[], edges: [number, number][], seen: [number, number][] = []): RevocationGraph {
  const LINK = 1000
  const dag = {isAncestorOrSelf: (a: number, b: number) => a === b || seen.some(([link, r]) => link === a && r === b)} as unknown as Dag
  return {
    dag,
    candidates: order,
    targetOf: (r) => `T${r}`,
    authorOf: (op) => (op < LINK ? `A${op}` : `T${edges[op - LINK]![0]}`),
    chainOf: (op) => (op < LINK ? [op, ...edges.flatMap(([, r], k) => (r === op ? [LINK + k] : []))] : [op]),
  }
}

const effective = (order: number[], edges: [number, number][], seen: [number, number][] = []): number[] =>
  [...effectiveRevocations(graphOf(order, edges, seen))].sort((a, b) => a - b)

describe('attacks', () => {
  it('holds when the chain passes an unseen operation of the target, not when the revocation had seen it', () => {
    expect(attacks(graphOf([0, 1], [[0, 1]]), 0, 1)).toBe(true)
    expect(attacks(graphOf([0, 1], [[0, 1]]), 1, 0)).toBe(false)
    expect(attacks(graphOf([0, 1], [[0, 1]], [[1000, 0]]), 0, 1)).toBe(false)
  })
})

describe('effective revocations', () => {
  it('are all of them when none voids another', () => {
    expect(effective([0, 1, 2], [])).toEqual([0, 1, 2])
  })

  it('leave out one voided by one that takes effect', () => {
    expect(effective([1, 0], [[0, 1]])).toEqual([0])
  })

  it('restore one whose only attacker is itself voided, along a chain in any order', () => {
    // 0 voids 1, 1 voids 2, 2 voids 3: 0 and 2 take effect, 1 and 3 do not.
    const edges: [number, number][] = [[0, 1], [1, 2], [2, 3]]
    expect(effective([3, 2, 1, 0], edges)).toEqual([0, 2])
    expect(effective([0, 1, 2, 3], edges)).toEqual([0, 2])
    expect(effective([2, 0, 3, 1], edges)).toEqual([0, 2])
  })

  it('leave out one attacked by any that takes effect, even when its other attackers are voided', () => {
    // 0 voids 1; 1 and 2 both attack 3; 2 stands, so 3 does not.
    expect(effective([3, 1, 2, 0], [[0, 1], [1, 3], [2, 3]])).toEqual([0, 2])
  })

  it('take effect whole when owners revoke one another unseen', () => {
    expect(effective([0, 1], [[0, 1], [1, 0]])).toEqual([0, 1])
    expect(effective([2, 1, 0], [[0, 1], [1, 2], [2, 0]])).toEqual([0, 1, 2])
  })

  it('leave out one only attacked by a cycle, and restore what that one attacked', () => {
    // 0 and 1 revoke each other; 1 voids 2; 2 would void 3.
    expect(effective([3, 2, 1, 0], [[0, 1], [1, 0], [1, 2], [2, 3]])).toEqual([0, 1, 3])
  })

  it('do not count a path through an already decided revocation as a cycle', () => {
    // 5 voids 4 outright. 4 and 3 attack each other, but 4 is decided (voided): 3 is not on a
    // cycle. 3 is attacked by 2, which is voided by the 0–1 cycle; 4 also attacks 2. So 3 stands.
    const edges: [number, number][] = [[0, 1], [1, 0], [1, 2], [2, 3], [3, 4], [4, 3], [4, 2], [5, 4]]
    expect(effective([3, 4, 2, 1, 0, 5], edges)).toEqual([0, 1, 3, 5])
  })

  it('do not count a path that leaves the undecided ones and comes back as a cycle', () => {
    // 5 voids 4 outright. 3 attacks 4 and 4 attacks 2, which attacks 3: a loop only through
    // the decided 4. The 0–1 cycle voids 6, which restores 2, which voids 3.
    const edges: [number, number][] = [[0, 1], [1, 0], [1, 6], [6, 2], [4, 2], [2, 3], [3, 4], [5, 4]]
    expect(effective([3, 4, 2, 6, 1, 0, 5], edges)).toEqual([0, 1, 2, 5])
  })
})
