// Read is cryptographic: a member who may read a scope gets a sealed copy of each of its keys
// (every re-key's, so they can read old versions too). When access is granted, whoever grants
// it shares the keys they can open with the new readers.
import {SecretsError} from '../../errors.js'
import {describeScope} from '../../scope.js'
import type {VaultSession} from '../session.js'
import {canOpen, keyInfo, openKey, sealTo} from './key-material.js'

/**
 * Shares every key this identity can open with the readers of its scope who lack it. Inside a
 * write. A key whose copy for this identity does not open to its commitment (a box anyone can
 * write, even a member who may only create) is skipped, never allowed to stop the change: a
 * revocation must always go through. Returns how many were shared and the ids skipped.
 */
export function shareWithReaders(session: VaultSession): {shared: number; skipped: string[]} {
  const history = session.history
  const shares: {key: string; sealed: ReturnType<typeof sealTo>}[] = []
  const skipped: string[] = []
  history.ops.forEach((op, index) => {
    const data = op.data
    const isKey = data?.kind === 'key.add' || (data?.kind === 'secret.set' && typeof data.key !== 'string')
    if (!isKey || !history.verdict(index).valid) return
    const {scope} = keyInfo(session, index)
    const holders = history.holders(index)
    const missing = session.readersOf(scope).filter((r) => !holders.has(r.id))
    if (missing.length === 0 || !canOpen(session, index)) return
    let key: Uint8Array
    try {
      key = openKey(session, index, `the key of ${describeScope(scope)}`)
    } catch (error) {
      if (error instanceof SecretsError && error.code === 'INTEGRITY') {
        skipped.push(op.id)
        return
      }

      throw error
    }

    shares.push({key: op.id, sealed: sealTo(missing, key)})
  })
  for (const share of shares) session.append({kind: 'key.share', ...share})
  return {shared: shares.length, skipped}
}
