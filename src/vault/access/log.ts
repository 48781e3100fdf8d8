// `secrets log`: the history as people read it, in causal order (parents before children),
// with every operation that does not count and why. Needs no identity.
import {summarizeOp} from './describe.js'
import type {History} from './history.js'

export interface LogEntry {
  id: string
  parents: string[]
  at: string
  author: string
  kind: string
  summary: string
  valid: boolean
  reason: string | null
}

export interface LogView {
  entries: LogEntry[]
  /** The current heads: any of them is a checkpoint for SECRETS_TRUST. */
  heads: string[]
}

export function historyLog(history: History): LogView {
  const nameOf = (id: string | null) => history.memberName(id)
  const entries = history.ops.map((op, i) => {
    const verdict = history.verdict(i)
    const author = op.author === null ? (op.data?.kind === 'vault.create' ? op.data.member.name : 'nobody') : nameOf(op.author)
    return {
      id: op.id, parents: op.parents, at: op.at, author, kind: op.kind,
      summary: summarizeOp(op, nameOf), valid: verdict.valid, reason: verdict.valid ? null : (verdict.reason ?? null),
    }
  })
  return {entries, heads: history.heads}
}
