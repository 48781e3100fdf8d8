import type {SecretRecord} from '../access/history.js'
import type {VaultSession} from '../session.js'
import {type Selector, selectExact} from './select.js'
import {type SecretSummary, summarize, versionStamp} from './summary.js'

export interface HistoryEntry {
  version: number
  createdAt: string
  author: string
  current: boolean
  /** Written concurrently with another version that is also a head (a conflict from a merge). */
  concurrent: boolean
}

/** Every version of one secret (exact scope) in canonical order; never a value. */
export function secretHistory(session: VaultSession, selector: Selector): {secret: SecretSummary; versions: HistoryEntry[]} {
  const history = session.history
  const secret: SecretRecord = selectExact(history, selector)
  const heads = new Set(history.dag.maximal(secret.versions))
  return {
    secret: summarize(history, secret, session.now),
    versions: secret.versions.map((index, i) => {
      const stamp = versionStamp(history, index)
      return {version: i + 1, createdAt: stamp.at, author: stamp.author, current: index === secret.current, concurrent: secret.conflict && heads.has(index)}
    }),
  }
}
