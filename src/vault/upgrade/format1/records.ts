// The rows of a format-1 vault and exactly which of their fields each signature covers (read by
// `secrets upgrade` only). docs/FORMAT.md sections 1-5 list the same field orders.
import type {Field} from '../../../crypto/canonical.js'
import {DATA_KEY_SIG, LOG_SIG, MEMBER_SIG, SECRET_SIG, TOMBSTONE_SIG, VERSION_SIG} from '../../../crypto/labels.js'

export type Role = 'owner' | 'maintainer' | 'developer' | 'reporter'

export interface MemberRow {
  id: string
  name: string
  kind: 'user' | 'machine'
  recipient: string
  role: Role
  environment: string
  branch: string
  created_at: string
  author_id: string
  signature: Uint8Array
}

export interface EpochRow {
  id: string
  created_at: string
  author_id: string
  signature: Uint8Array
}

export interface DataKeyRow {
  id: string
  epoch_id: string
  environment: string
  branch: string
  commitment: Uint8Array
  created_at: string
  author_id: string
  signature: Uint8Array
}

export interface SealedKeyRow {
  id: string
  data_key_id: string
  member_id: string
  sealed: Uint8Array
  created_at: string
}

export interface SecretRow {
  id: string
  name: string
  environment: string
  branch: string
  description: string | null
  rotation_days: number | null
  variable: number
  file: number
  protected: number
  ref: string | null
  created_at: string
  author_id: string
  signature: Uint8Array
}

export interface VersionRow {
  id: string
  secret_id: string
  data_key_id: string
  nonce: Uint8Array
  ciphertext: Uint8Array
  created_at: string
  author_id: string
  signer_id: string
  signature: Uint8Array
}

export interface TombstoneRow {
  id: string
  secret_id: string
  created_at: string
  author_id: string
  signature: Uint8Array
}

export interface Signed {
  label: string
  fields: Field[]
}

export function memberSigned(vaultId: string, m: Omit<MemberRow, 'signature'>): Signed {
  return {label: MEMBER_SIG, fields: [vaultId, m.id, m.name, m.kind, m.recipient, m.role, m.environment, m.branch, m.created_at, m.author_id]}
}

export function epochSigned(vaultId: string, e: Omit<EpochRow, 'signature'>): Signed {
  return {label: DATA_KEY_SIG, fields: [vaultId, 'epoch', e.id, e.created_at, e.author_id]}
}

export function dataKeySigned(vaultId: string, k: Omit<DataKeyRow, 'signature'>): Signed {
  return {label: DATA_KEY_SIG, fields: [vaultId, 'key', k.id, k.epoch_id, k.environment, k.branch, k.commitment, k.created_at, k.author_id]}
}

export function secretSigned(vaultId: string, s: Omit<SecretRow, 'signature'>): Signed {
  return {
    label: SECRET_SIG,
    fields: [
      vaultId, s.id, s.name, s.environment, s.branch, s.description, s.rotation_days,
      s.variable === 1, s.file === 1, s.protected === 1, s.ref, s.created_at, s.author_id,
    ],
  }
}

/** Covers the ciphertext and nonce too: a reader cannot swap in a value of their own. */
export function versionSigned(vaultId: string, secret: SecretRow, v: Omit<VersionRow, 'signature'>): Signed {
  return {
    label: VERSION_SIG,
    fields: [
      vaultId, secret.id, v.id, secret.name, secret.environment, secret.branch, v.data_key_id,
      v.nonce, v.ciphertext, v.created_at, v.author_id, v.signer_id,
    ],
  }
}

export function tombstoneSigned(vaultId: string, secret: SecretRow, t: Omit<TombstoneRow, 'signature'>): Signed {
  return {label: TOMBSTONE_SIG, fields: [vaultId, secret.id, t.id, secret.name, secret.environment, secret.branch, t.created_at, t.author_id]}
}

export interface LogRow {
  id: string
  kind: 'rule.set' | 'group.set' | 'member.revoke'
  subject: string
  data: string
  created_at: string
  author_id: string
  signature: Uint8Array
}

export function logSigned(vaultId: string, e: Omit<LogRow, 'signature'>): Signed {
  return {label: LOG_SIG, fields: [vaultId, e.id, e.kind, e.subject, e.data, e.created_at, e.author_id]}
}

export interface ExposureRow {
  id: string
  secret_id: string
  member_id: string
  created_at: string
  author_id: string
  signature: Uint8Array
}

export function exposureSigned(vaultId: string, e: Omit<ExposureRow, 'signature'>): Signed {
  return {label: 'secrets/v1/exposure', fields: [vaultId, e.id, e.secret_id, e.member_id, e.created_at, e.author_id]}
}
