// What people must hear about a merge of two histories that git itself calls clean: the union
// keeps every operation, and the history model says what the combination means.
import {describeOp} from '../vault/access/describe.js'
import type {History} from '../vault/access/history.js'
import {secretKey} from '../scope.js'

export interface SecretRef {
  name: string
  environment: string
  branch: string
}

export interface HistoryMergeFindings {
  /** Both sides wrote a new version: both kept, one is current, `list` shows CONFLICT until someone rotates. */
  changedOnBothSides: SecretRef[]
  /** Removed on one side, given a new value on the other: it stays removed. */
  removedAndChanged: SecretRef[]
  /** Operations that counted on one side and do not after the merge (e.g. their author was revoked on the other side). */
  voided: {id: string; what: string; reason: string}[]
  /** Members who may read a scope but hold no copy of its current key (granted on one side, re-keyed on the other). */
  readersWithoutKey: string[]
}

export function findHistoryMergeFindings(ours: History, theirs: History, merged: History): HistoryMergeFindings {
  const nameOf = (id: string | null) => merged.memberName(id)
  const ourIds = new Set(ours.ops.map((op) => op.id))
  const theirIds = new Set(theirs.ops.map((op) => op.id))

  const changedOnBothSides: SecretRef[] = []
  for (const secret of merged.secrets()) {
    if (!secret.conflict) continue
    const heads = merged.dag.maximal(secret.versions).map((i) => merged.op(i).id)
    if (heads.some((id) => ourIds.has(id) && !theirIds.has(id)) && heads.some((id) => theirIds.has(id) && !ourIds.has(id))) changedOnBothSides.push(ref(secret))
  }

  // Live on one side with a version the other side lacks, and removed by the union: the
  // other side removed it while this one gave it a new value. It stays removed.
  const live = new Set(merged.secrets().map(secretKey))
  const removedAndChanged: SecretRef[] = []
  for (const [side, otherIds] of [[ours, theirIds], [theirs, ourIds]] as const) {
    for (const secret of side.secrets()) {
      if (live.has(secretKey(secret))) continue
      if (secret.versions.some((i) => !otherIds.has(side.op(i).id))) removedAndChanged.push(ref(secret))
    }
  }

  const valid = (h: History) => new Set(h.ops.flatMap((op, i) => (h.verdict(i).valid ? [op.id] : [])))
  const before = new Set([...valid(ours), ...valid(theirs)])
  const voided = merged.voided().filter((v) => before.has(v.op.id)).map((v) => ({id: v.op.id, what: describeOp(v.op, nameOf), reason: v.reason}))

  const readersWithoutKey = new Set<string>()
  for (const scope of merged.keyScopes()) {
    const current = merged.currentKey(scope)
    if (current === undefined) continue
    const holders = merged.holders(current)
    for (const reader of merged.readersOf(scope)) if (!holders.has(reader.id)) readersWithoutKey.add(reader.name)
  }

  return {
    changedOnBothSides: sortRefs(changedOnBothSides),
    removedAndChanged: sortRefs(dedupe(removedAndChanged)),
    voided,
    readersWithoutKey: [...readersWithoutKey].sort(),
  }
}

function ref(s: SecretRef): SecretRef {
  return {name: s.name, environment: s.environment, branch: s.branch}
}

function dedupe(refs: SecretRef[]): SecretRef[] {
  return [...new Map(refs.map((r) => [secretKey(r), r])).values()]
}

function sortRefs(refs: SecretRef[]): SecretRef[] {
  return refs.sort((a, b) => (secretKey(a) < secretKey(b) ? -1 : secretKey(a) > secretKey(b) ? 1 : 0))
}
