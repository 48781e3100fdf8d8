// Reads a format-1 vault in full, for `secrets upgrade` only: every signature checked, every
// row judged as format 1 judged it (by the rules in force at its timestamp), and more strictly
// where format 1 was too trusting — a member row must come from an owner who was not revoked
// then, a data key from someone who could read its scope (or an owner or maintainer) — and
// every value decrypted by the upgrading owner. Anything that fails refuses the upgrade.
import {DecryptionFailed, type Identity, KEY_COMMITMENT, Recipient, constantTimeEqual, decryptValue, hash, wipe} from '../../../crypto/index.js'
import {denied, integrity} from '../../../errors.js'
import {type Scoped, describeSecret} from '../../../scope.js'
import {AccessState, type Member, type Rule} from '../../access/access-state.js'
import type {Database} from '../../store/database.js'
import {RESTORE_HINT} from '../../store/verified-ops.js'
import type {Action} from '../../validate.js'
import {
  type DataKeyRow, type ExposureRow, type LogRow, type MemberRow, type SecretRow, type Signed, type TombstoneRow, type VersionRow,
  dataKeySigned, exposureSigned, logSigned, memberSigned, secretSigned, tombstoneSigned, versionSigned,
} from './records.js'

export interface Format1Version {
  at: string
  author: string
  value: Uint8Array
}

export interface Format1Secret extends Scoped {
  name: string
  description: string | null
  rotation_days: number | null
  variable: boolean
  file: boolean
  protected: boolean
  ref: string | null
  createdAt: string
  versions: Format1Version[]
  removed: boolean
  /** A member who lost access could read its current value (format 1's exposure marks). */
  exposed: boolean
  /**
   * A --variable secret or a provider reference that a member who was neither owner nor
   * maintainer added or changed (format 1 allowed it; format 2 does not): carried over as a
   * plain secret, without the reference.
   */
  demoted: boolean
}

export interface Format1Snapshot {
  vaultId: string
  /** Members not revoked, in the order they were added. */
  members: MemberRow[]
  /** The upgrading identity's member row. */
  me: MemberRow
  rules: Omit<Rule, 'op' | 'at'>[]
  groups: Map<string, string[]>
  /** Every secret row, oldest first (several rows of one name and scope after a format-1 merge). */
  secrets: Format1Secret[]
}

export function readFormat1(db: Database, vaultId: string, identity: Identity): Format1Snapshot {
  const memberRows = db.prepare('SELECT * FROM members ORDER BY created_at, id').all() as MemberRow[]
  const members = new Map(memberRows.map((m) => [m.id, m]))
  const log = db.prepare('SELECT * FROM log ORDER BY created_at, id').all() as LogRow[]
  const asMember = (m: MemberRow): Member => ({...m, addedBy: m.author_id, at: m.created_at})
  const accessAt = (at: string): AccessState => {
    const rules = new Map<string, Omit<Rule, 'op' | 'at'> & {op: string; at: string}>()
    const groups = new Map<string, string[]>()
    const revoked = new Set<string>()
    for (const entry of log.filter((e) => e.created_at <= at)) {
      const data = JSON.parse(entry.data) as Record<string, unknown>
      if (entry.kind === 'rule.set') {
        const rule = {principal: entry.subject, actions: (data.actions as Action[]) ?? [], environment: String(data.environment ?? '*'), branch: String(data.branch ?? '*'), op: entry.id, at: entry.created_at}
        const key = JSON.stringify([rule.principal, rule.environment, rule.branch])
        rules.delete(key)
        if (rule.actions.length > 0) rules.set(key, rule)
      } else if (entry.kind === 'group.set') {
        groups.set(entry.subject, (data.members as string[]) ?? [])
      } else {
        revoked.add(String(data.member_id))
      }
    }

    return new AccessState([...rules.values()], groups, revoked, undefined)
  }

  const verify = (what: string, authorId: string, signed: Signed, signature: Uint8Array): MemberRow => {
    const author = members.get(authorId)
    if (!author) throw integrity(`integrity check failed for ${what}: signed by an unknown member ${authorId.slice(0, 8)}`, RESTORE_HINT)
    if (!Recipient.parse(author.recipient).verify(signed.label, signed.fields, signature)) {
      throw integrity(`integrity check failed for ${what}: the signature by ${author.name} does not match`, RESTORE_HINT)
    }

    return author
  }

  const allowed = (what: string, author: MemberRow, action: Action, scope: Scoped, at: string) => {
    if (!accessAt(at).allows(asMember(author), action, scope)) {
      throw integrity(`integrity check failed for ${what}: written by ${author.name}, who was not allowed to ${action} it`, RESTORE_HINT)
    }
  }

  // Members: signed by an owner not revoked at the time; only the first owner signs their own.
  const genesis = memberRows.filter((m) => m.author_id === m.id)
  if (genesis.length !== 1) throw integrity('integrity check failed: the vault has no single first owner', RESTORE_HINT)
  for (const m of memberRows) {
    const author = verify(`member ${m.name}`, m.author_id, memberSigned(vaultId, m), m.signature)
    if (author.role !== 'owner' || (m.author_id !== m.id && !accessAt(m.created_at).isActive(asMember(author)))) {
      throw integrity(`integrity check failed for member ${m.name}: added by ${author.name}, who was not an active owner then`, RESTORE_HINT)
    }
  }

  // The access log: owners not revoked at the time.
  for (const entry of log) {
    const author = verify(`access log entry ${entry.kind} ${entry.subject}`, entry.author_id, logSigned(vaultId, entry), entry.signature)
    if (author.role !== 'owner' || !accessAt(entry.created_at).isActive(asMember(author))) {
      throw integrity(`integrity check failed for access log entry ${entry.kind} ${entry.subject}: written by ${author.name}, who is not an active owner`, RESTORE_HINT)
    }
  }

  const now = accessAt('\uffff')
  const me = memberRows.find((m) => m.recipient === identity.recipient.toString() && now.isActive(asMember(m)))
  if (!me) throw denied(`your identity is not an active member of this vault (${identity.recipient.fingerprint})`)
  if (me.role !== 'owner') throw denied(`${me.name} (${me.role}) may not upgrade the vault: owners do`)

  // Data keys: by someone who could read the scope then, or an owner or maintainer.
  const dataKeys = new Map((db.prepare('SELECT * FROM data_keys').all() as DataKeyRow[]).map((k) => [k.id, k]))
  const keys = new Map<string, Uint8Array>()
  const keyOf = (id: string, what: string): {row: DataKeyRow; key: Uint8Array} => {
    const row = dataKeys.get(id)
    if (!row) throw integrity(`integrity check failed for ${what}: its data key is missing`, RESTORE_HINT)
    const cached = keys.get(id)
    if (cached) return {row, key: cached}
    const author = verify(`the data key of ${what}`, row.author_id, dataKeySigned(vaultId, row), row.signature)
    const entitled = author.role === 'owner' || author.role === 'maintainer' || accessAt(row.created_at).allows(asMember(author), 'read', row)
    if (!entitled) throw integrity(`integrity check failed for the data key of ${what}: made by ${author.name}, who could not read ${row.environment}/${row.branch}`, RESTORE_HINT)
    const boxes = db.prepare('SELECT sealed FROM sealed_keys WHERE data_key_id = ? AND member_id = ?').all(id, me.id) as {sealed: Uint8Array}[]
    for (const {sealed} of boxes) {
      let key: Uint8Array
      try {
        key = identity.openSealed(sealed)
      } catch (error) {
        if (error instanceof DecryptionFailed) continue
        throw error
      }

      if (constantTimeEqual(commitmentV1(key), row.commitment)) {
        keys.set(id, key)
        return {row, key}
      }

      wipe(key)
    }

    throw denied(`${me.name} cannot read ${what}: no key for it was sealed to you in format 1`, 'another owner who can read every secret runs `secrets upgrade`')
  }

  const tombstones = db.prepare('SELECT * FROM tombstones').all() as TombstoneRow[]
  const exposures = db.prepare('SELECT * FROM exposures').all() as ExposureRow[]
  const secrets: Format1Secret[] = []
  for (const row of db.prepare('SELECT * FROM secrets ORDER BY created_at, id').all() as SecretRow[]) {
    const what = describeSecret(row)
    const author = verify(what, row.author_id, secretSigned(vaultId, row), row.signature)
    allowed(what, author, 'create', row, row.created_at)
    const versions = (db.prepare('SELECT * FROM versions WHERE secret_id = ? ORDER BY created_at, id').all(row.id) as VersionRow[]).map((v, i) => {
      verify(what, v.signer_id, versionSigned(vaultId, row, v), v.signature)
      const writer = members.get(v.author_id)
      if (!writer) throw integrity(`integrity check failed for ${what}: written by an unknown member`, RESTORE_HINT)
      allowed(what, writer, i === 0 ? 'create' : 'update', row, v.created_at)
      if (v.signer_id !== v.author_id) {
        // A re-key re-signs someone else's version with the same author; format 1 cannot tell
        // that from a version the signer wrote in another's name. So the signer must have been
        // allowed to write it themselves.
        const signer = members.get(v.signer_id)
        if (!['owner', 'maintainer'].includes(signer?.role ?? '')) throw integrity(`integrity check failed for ${what}: re-encrypted by someone who may not re-key`, RESTORE_HINT)
        if (!accessAt(v.created_at).allows(asMember(signer!), i === 0 ? 'create' : 'update', row) && !accessAt('\uffff').allows(asMember(signer!), 'update', row)) {
          throw integrity(
            `integrity check failed for ${what}: a version naming ${writer.name} as its author was signed by ${signer!.name}, who could not have written it (format 1 cannot tell a re-key from a forgery here)`,
            'upgrade from a copy before that re-key, or have an owner re-key it with the previous release of secrets first',
          )
        }
      }

      const {row: dataKey, key} = keyOf(v.data_key_id, what)
      if (dataKey.environment !== row.environment || dataKey.branch !== row.branch) throw integrity(`integrity check failed for ${what}: its value is under another scope's key`, RESTORE_HINT)
      let value: Uint8Array
      try {
        value = decryptValue(key, {
          vaultId, secretId: row.id, versionId: v.id, name: row.name, environment: row.environment, branch: row.branch, epochId: dataKey.epoch_id, dataKeyId: dataKey.id,
        }, v.nonce, v.ciphertext)
      } catch (error) {
        if (error instanceof DecryptionFailed) throw integrity(`integrity check failed for ${what}: the value does not decrypt in its place`, RESTORE_HINT)
        throw error
      }

      return {at: v.created_at, author: writer.name, value}
    })
    if (versions.length === 0) throw integrity(`integrity check failed for ${what}: it has no value`, RESTORE_HINT)

    const removal = tombstones.filter((t) => t.secret_id === row.id)
    for (const t of removal) {
      const remover = verify(`the removal of ${what}`, t.author_id, tombstoneSigned(vaultId, row, t), t.signature)
      allowed(`the removal of ${what}`, remover, 'delete', row, t.created_at)
    }

    const current = versions.at(-1)!
    const maintainer = (m: MemberRow | undefined) => m?.role === 'owner' || m?.role === 'maintainer'
    const writers = [row.author_id, ...(db.prepare('SELECT author_id FROM versions WHERE secret_id = ?').all(row.id) as {author_id: string}[]).map((v) => v.author_id)]
    const demoted = (row.variable === 1 || row.ref !== null) && !writers.every((id) => maintainer(members.get(id)))
    const marks = exposures.filter((e) => e.secret_id === row.id)
    for (const e of marks) verify('an exposure mark', e.author_id, exposureSigned(vaultId, e), e.signature)
    secrets.push({
      name: row.name, environment: row.environment, branch: row.branch, description: row.description, rotation_days: row.rotation_days,
      variable: row.variable === 1 && !demoted, file: row.file === 1 && !demoted, protected: row.protected === 1, ref: demoted ? null : row.ref, createdAt: row.created_at,
      versions, removed: removal.length > 0, exposed: marks.some((e) => e.created_at >= current.at), demoted,
    })
  }

  for (const key of keys.values()) wipe(key)
  return {
    vaultId,
    members: memberRows.filter((m) => now.isActive(asMember(m))),
    me,
    rules: now.rules.map(({principal, actions, environment, branch}) => ({principal, actions, environment, branch})),
    groups: new Map([...now.groups].map(([g, list]) => [g, [...list]])),
    secrets,
  }
}

/** Format 1's key commitment: BLAKE2b-256 of the label's bytes followed by the key. */
function commitmentV1(key: Uint8Array): Uint8Array {
  const label = new TextEncoder().encode(KEY_COMMITMENT)
  const input = new Uint8Array(label.length + key.length)
  input.set(label)
  input.set(key, label.length)
  return hash(input, 32)
}
