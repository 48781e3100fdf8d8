// Read is cryptographic: a member who may read a scope gets a sealed copy of each of its keys
// (every re-key's, so they can read old versions too). When access is granted, whoever grants
// it shares the keys they can open with the new readers.
import {describeScope} from '../../scope.js'
import type {VaultSession} from '../session.js'
import {canOpen, keyInfo, openKey, sealTo} from './key-material.js'

/** Shares every key this identity can open with the readers of its scope who lack it. Inside a write. */
export function shareWithReaders(session: VaultSession): number {
  const history = session.history
  const shares: {key: string; sealed: ReturnType<typeof sealTo>}[] = []
  history.ops.forEach((op, index) => {
    const data = op.data
    const isKey = data?.kind === 'key.add' || (data?.kind === 'secret.set' && typeof data.key !== 'string')
    if (!isKey || !history.verdict(index).valid) return
    const {scope} = keyInfo(session, index)
    const holders = history.holders(index)
    const missing = history.readersOf(scope).filter((r) => !holders.has(r.id))
    if (missing.length === 0 || !canOpen(session, index)) return
    const key = openKey(session, index, `the key of ${describeScope(scope)}`)
    shares.push({key: op.id, sealed: sealTo(missing, key)})
  })
  for (const share of shares) session.append({kind: 'key.share', ...share})
  return shares.length
}
