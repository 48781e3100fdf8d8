// Random histories against two promises of the model, from seeded scenarios (a failure names
// its seed, and the same seed rebuilds the same signed operations):
//
// (a) Every replica computes the same state: the same operations judged in any order give the
//     same verdicts, secrets, members and access, and which side of a fork merges the other
//     changes nothing about the operations both sides share.
// (b) A revocation that takes effect leaves no valid operation whose authority chain (the
//     operation, the one that added its author, the one that added theirs…) passes through an
//     operation of the revoked member that the revocation did not see. The one exception is a
//     revocation that is itself on a cycle of revocations voiding one another: those all take
//     effect by design. The cycle and the chains are recomputed here from the spec, not taken
//     from the model.
import {beforeAll, describe, expect, it} from 'vitest'

import {loadSodium} from '../../../src/crypto/index.js'
import {History} from '../../../src/vault/access/history.js'
import type {OpData} from '../../../src/vault/store/operations.js'
import {MERGE_SECRET, buildScenario} from './scenarios.js'
import {prng, shuffle} from './support.js'

beforeAll(async () => {
  await loadSodium()
})

const SCENARIOS = 200

/** Everything a replica derives, keyed by operation id (indices depend on nothing but ids, but ids say more). */
function snapshot(history: History, leaveOut?: string) {
  const id = (i: number) => history.op(i).id
  return {
    verdicts: Object.fromEntries(history.ops.map((op, i) => [op.id, history.verdict(i)])),
    secrets: history.secrets().filter((s) => s.name !== leaveOut).map((s) => ({
      name: s.name, environment: s.environment, branch: s.branch,
      current: id(s.current), versions: s.versions.map(id), conflict: s.conflict, exposure: history.exposure(s),
    })),
    members: history.allMembers().map((m) => `${m.id} ${m.name}`),
    active: history.activeMembers().map((m) => m.id),
    rules: history.access.rules,
    groups: [...history.access.groups].sort(),
    revoked: [...history.access.revoked].sort(),
    protectedBranches: history.access.protectedBranches,
  }
}

// -- (b), from the spec ---------------------------------------------------------------------

interface Authority {
  chainOf(i: number): number[]
  /** Whether revocation r voids operation i: some link of i's chain is by r's target and unseen by r. */
  attacks(r: number, i: number): boolean
}

function authority(history: History): Authority {
  const {ops, dag} = history
  const addedAt = new Map<string, number>()
  ops.forEach((op, i) => {
    if (op.kind === 'vault.create' || op.kind === 'member.add') addedAt.set(op.id, i)
  })
  const chainOf = (i: number): number[] => {
    const chain = [i]
    let author = ops[i]!.author
    while (author !== null) {
      const at = addedAt.get(author)
      if (at === undefined || chain.includes(at)) break
      chain.push(at)
      author = ops[at]!.author
    }

    return chain
  }

  const targetOf = (r: number) => (ops[r]!.data as Extract<OpData, {kind: 'member.revoke'}>).member
  return {
    chainOf,
    attacks: (r, i) => chainOf(i).some((link) => ops[link]!.author === targetOf(r) && !dag.isAncestorOrSelf(link, r)),
  }
}

/** Valid revocations that void one another round a cycle (each reaches itself by "is attacked by"). */
function cyclicRevocations(history: History, auth: Authority): Set<number> {
  const revocations = history.ops.flatMap((op, i) => (op.kind === 'member.revoke' && history.verdict(i).valid ? [i] : []))
  const attackers = new Map(revocations.map((r) => [r, revocations.filter((a) => a !== r && auth.attacks(a, r))]))
  const cyclic = new Set<number>()
  for (const start of revocations) {
    const seen = new Set<number>()
    const stack = [...attackers.get(start)!]
    while (stack.length > 0) {
      const r = stack.pop()!
      if (r === start) {
        cyclic.add(start)
        break
      }

      if (seen.has(r)) continue
      seen.add(r)
      stack.push(...attackers.get(r)!)
    }
  }

  return cyclic
}

/** Violations of (b), as readable lines; also counts what the scenario exercised. */
function revocationViolations(history: History, stats: Stats): string[] {
  const {ops, dag} = history
  const auth = authority(history)
  const effectiveOf = new Map<string, number[]>()
  ops.forEach((op, i) => {
    if (op.data?.kind === 'member.revoke' && history.verdict(i).valid) effectiveOf.set(op.data.member, [...(effectiveOf.get(op.data.member) ?? []), i])
  })
  const problems: string[] = []
  for (const target of history.access.revoked) {
    if (!effectiveOf.has(target)) problems.push(`${history.memberName(target)} is revoked by no valid revocation`)
  }

  const cyclic = cyclicRevocations(history, auth)
  if (cyclic.size > 0) stats.cycles++
  if (history.access.revoked.size > 0) stats.revoked++
  if (history.voided().some((v) => v.reason.includes('revocation'))) stats.voidedByRevocation++
  ops.forEach((op, i) => {
    if (!history.verdict(i).valid || cyclic.has(i)) return
    for (const link of auth.chainOf(i)) {
      const author = ops[link]!.author
      if (author === null || !history.access.revoked.has(author)) continue
      for (const r of effectiveOf.get(author) ?? []) {
        if (dag.isAncestorOrSelf(link, r)) continue
        problems.push(
          `${op.kind} ${op.id.slice(0, 8)} by ${history.memberName(op.author)} counts, but its chain passes ${ops[link]!.kind} ${ops[link]!.id.slice(0, 8)} ` +
            `by ${history.memberName(author)}, which the revocation ${ops[r]!.id.slice(0, 8)} by ${history.memberName(ops[r]!.author)} did not see`,
        )
      }
    }
  })
  return problems
}

interface Stats {
  revoked: number
  voidedByRevocation: number
  cycles: number
  directions: number
}

describe('random histories', () => {
  it(`keep replicas in agreement and revocations airtight (${SCENARIOS} seeded scenarios)`, () => {
    const stats: Stats = {revoked: 0, voidedByRevocation: 0, cycles: 0, directions: 0}
    for (let seed = 1; seed <= SCENARIOS; seed++) {
      const scenario = buildScenario(seed)
      const order = prng(seed * 7919)
      const where = `seed ${seed}`

      // (a) Any arrival order, same state.
      const final = History.of(scenario.final)
      const expected = snapshot(final)
      for (let k = 0; k < 3; k++) expect(snapshot(History.of(shuffle(order, scenario.final))), where).toEqual(expected)

      // (a) Merging main into feature or feature into main (or both): the operations both sides
      // share are judged the same, and so is everything they decide.
      const variants = [[scenario.mergeA], [scenario.mergeB], [scenario.mergeA, scenario.mergeB]].map((merges) => {
        const ops = [...scenario.base, ...merges]
        const history = History.of(shuffle(order, ops))
        const state = snapshot(history, MERGE_SECRET)
        const base = new Set(scenario.base.map((op) => op.id))
        return {...state, verdicts: Object.fromEntries(Object.entries(state.verdicts).filter(([id]) => base.has(id)))}
      })
      expect(variants[1], `${where}: feature into main vs main into feature`).toEqual(variants[0])
      expect(variants[2], `${where}: both merges vs main into feature`).toEqual(variants[0])
      stats.directions++

      // (b) No valid operation rests on a revoked member's unseen work.
      expect(revocationViolations(final, stats), where).toEqual([])
    }

    // The scenarios must exercise what they check: revocations that take effect, operations
    // they void, and owners revoking one another.
    expect(stats.revoked, 'scenarios with a revocation that takes effect').toBeGreaterThan(SCENARIOS / 4)
    expect(stats.voidedByRevocation, 'scenarios with an operation a revocation voids').toBeGreaterThan(SCENARIOS / 10)
    // Planted in about a third of the scenarios; fewer means cycles no longer all take effect.
    expect(stats.cycles, 'scenarios where owners revoking one another are all revoked').toBeGreaterThan(SCENARIOS / 20)
  })
})
