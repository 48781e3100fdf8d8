// What people must hear about a merge that git itself would call clean: the union keeps every
// row, but some combinations of changes mean something to a person (two new values for one
// secret, a re-key on one side and a new value or member on the other).
import {epochOfDataKey, keyEpochOrder} from './version-rule.js'
import {type Row, type VaultRows, idsOf, rowsOf} from './vault-rows.js'

export interface SecretRef {
  name: string
  environment: string
  branch: string
}

export interface MergeFindings {
  /** Both sides added versions to the same secret: both kept, the newer is current. */
  changedOnBothSides: SecretRef[]
  /** Each side added its own secret with this name and scope: two secret rows now. */
  addedOnBothSides: SecretRef[]
  /** Removed on one side, given a new value on the other: it stays removed. */
  removedAndChanged: SecretRef[]
  /** Has a value under an older key epoch than the newest (the other side re-keyed). */
  underOlderKey: SecretRef[]
  /** Members added on one side while the other re-keyed: no key of the newest epoch is sealed to them. */
  membersWithoutNewestKey: string[]
}

export function findMergeFindings(ours: VaultRows, theirs: VaultRows, merged: VaultRows): MergeFindings {
  const secrets = new Map(rowsOf(merged, 'secrets').map((s) => [String(s.id), s]))
  const ref = (id: string): SecretRef[] => {
    const s = secrets.get(id)
    return s ? [{name: String(s.name), environment: String(s.environment), branch: String(s.branch)}] : []
  }

  const onlyIn = (table: string, side: VaultRows, other: VaultRows): Row[] => {
    const otherIds = idsOf(other, table)
    return rowsOf(side, table).filter((r) => !otherIds.has(String(r.id)))
  }

  const secretIds = (rows: Row[]) => new Set(rows.map((r) => String(r.secret_id)))
  const newVersions = {ours: secretIds(onlyIn('versions', ours, theirs)), theirs: secretIds(onlyIn('versions', theirs, ours))}
  const newTombstones = {ours: secretIds(onlyIn('tombstones', ours, theirs)), theirs: secretIds(onlyIn('tombstones', theirs, ours))}
  const removed = secretIds(rowsOf(merged, 'tombstones'))

  const changedOnBothSides = [...newVersions.ours].filter((id) => newVersions.theirs.has(id) && !removed.has(id)).flatMap(ref)
  const removedAndChanged = [
    ...[...newTombstones.ours].filter((id) => newVersions.theirs.has(id)),
    ...[...newTombstones.theirs].filter((id) => newVersions.ours.has(id)),
  ].flatMap(ref)

  // The same identity twice among live secrets, where the two rows came from different sides.
  const ourSecretIds = idsOf(ours, 'secrets')
  const theirSecretIds = idsOf(theirs, 'secrets')
  const byIdentity = new Map<string, string[]>()
  for (const [id, s] of secrets) {
    if (removed.has(id)) continue
    const identity = JSON.stringify([s.name, s.environment, s.branch])
    byIdentity.set(identity, [...(byIdentity.get(identity) ?? []), id])
  }

  const addedOnBothSides = [...byIdentity.values()]
    .filter((ids) => ids.some((id) => !theirSecretIds.has(id)) && ids.some((id) => !ourSecretIds.has(id)))
    .flatMap((ids) => ref(ids[0]!))

  // Every value is under the newest epoch in a vault that was never merged: new values use the
  // current epoch and a re-key re-encrypts all. A new one that is not came from the side that
  // did not re-key (values both sides have were reported by an earlier merge, if at all).
  const order = keyEpochOrder(merged)
  const epochOf = epochOfDataKey(merged)
  const newest = [...order].at(-1)?.[0]
  const stale = new Set<string>()
  if (newest !== undefined) {
    const theirVersions = idsOf(theirs, 'versions')
    const inBoth = new Set([...idsOf(ours, 'versions')].filter((id) => theirVersions.has(id)))
    for (const v of rowsOf(merged, 'versions')) {
      const epoch = epochOf.get(String(v.data_key_id))
      if (!inBoth.has(String(v.id)) && epoch !== undefined && epoch !== newest) stale.add(String(v.secret_id))
    }
  }

  const membersWithoutNewestKey: string[] = []
  if (newest !== undefined) {
    const newestKeys = new Set(rowsOf(merged, 'data_keys').filter((k) => String(k.epoch_id) === newest).map((k) => String(k.id)))
    const holders = new Set(rowsOf(merged, 'sealed_keys').filter((s) => newestKeys.has(String(s.data_key_id))).map((s) => String(s.member_id)))
    const epochOnlyOurs = !idsOf(theirs, 'key_epochs').has(newest)
    const epochOnlyTheirs = !idsOf(ours, 'key_epochs').has(newest)
    for (const [side, other, epochOnOther] of [[ours, theirs, epochOnlyTheirs], [theirs, ours, epochOnlyOurs]] as const) {
      if (!epochOnOther) continue
      for (const m of onlyIn('members', side, other)) if (!holders.has(String(m.id))) membersWithoutNewestKey.push(String(m.name))
    }
  }

  return {
    changedOnBothSides: sortRefs(changedOnBothSides),
    addedOnBothSides: sortRefs(addedOnBothSides),
    removedAndChanged: sortRefs(removedAndChanged),
    underOlderKey: sortRefs([...stale].filter((id) => !removed.has(id)).flatMap(ref)),
    membersWithoutNewestKey: membersWithoutNewestKey.sort(),
  }
}

function sortRefs(refs: SecretRef[]): SecretRef[] {
  const key = (r: SecretRef) => `${r.name}\u0000${r.environment}\u0000${r.branch}`
  return refs.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0))
}
