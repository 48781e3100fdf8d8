// The one row that is changed in place: `rotate --key` re-encrypts every version under the
// new epoch's keys (same id, new data_key_id, nonce, ciphertext, signer, signature). When both
// sides changed a version, the copy under the newer key epoch is the one to keep.
import type {BothChangedRule} from './row-union.js'
import {type VaultRows, rowsOf} from './vault-rows.js'

/** Epoch id → position (0 = oldest), over both sides' epochs: by created_at, ties by id. */
export function keyEpochOrder(...sides: VaultRows[]): Map<string, number> {
  const epochs = new Map<string, string>()
  for (const side of sides) for (const e of rowsOf(side, 'key_epochs')) epochs.set(String(e.id), String(e.created_at))
  const sorted = [...epochs].sort(([ia, ca], [ib, cb]) => (ca < cb ? -1 : ca > cb ? 1 : ia < ib ? -1 : ia > ib ? 1 : 0))
  return new Map(sorted.map(([id], i) => [id, i]))
}

/** Data key id → its epoch id, over both sides. */
export function epochOfDataKey(...sides: VaultRows[]): Map<string, string> {
  const map = new Map<string, string>()
  for (const side of sides) for (const k of rowsOf(side, 'data_keys')) map.set(String(k.id), String(k.epoch_id))
  return map
}

/**
 * `versions`: the newer key epoch wins (a re-key re-encrypted it there); within one epoch the
 * later created_at. Any other table: no rule (ours is kept and the row reported).
 */
export function versionRule(ours: VaultRows, theirs: VaultRows): BothChangedRule {
  const order = keyEpochOrder(ours, theirs)
  const epochOf = epochOfDataKey(ours, theirs)
  const rank = (dataKeyId: unknown) => order.get(epochOf.get(String(dataKeyId)) ?? '')
  return (table, o, t) => {
    if (table !== 'versions') return undefined
    const ro = rank(o.data_key_id)
    const rt = rank(t.data_key_id)
    if (ro !== undefined && rt !== undefined && ro !== rt) return {keep: rt > ro ? 'theirs' : 'ours', rule: 'versions: newer key epoch'}
    const co = String(o.created_at)
    const ct = String(t.created_at)
    if (co !== ct) return {keep: ct > co ? 'theirs' : 'ours', rule: 'versions: later created_at'}
    return undefined
  }
}
