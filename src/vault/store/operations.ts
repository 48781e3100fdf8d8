// Vault format 2: every change is an immutable operation. Its bytes are canonical JSON
// (src/crypto/canonical-json.ts); its id is the hash of those bytes; its author signs them; it
// names its parents, the heads of the history its author had. docs/FORMAT.md section 6 is the
// same description for a reviewer, with known-answer vectors.
//
// This file is the wire format only: what an operation may hold and how it is spelled. Whether
// its author was allowed to write it is decided by src/vault/access/.
import {
  type Identity, type Json, CanonicalJsonError, OP_ID, OP_SIG, Recipient,
  canonicalEncode, decodeCanonicalJson, encodeCanonicalJson, fromBase64, hash, toBase64, toHex,
} from '../../crypto/index.js'
import {
  type Action, type Role, ACTIONS, ROLES,
  isBranchScope, isDescription, isEnvironmentScope, isName, isPrincipal, isRef, isRotationDays,
} from '../validate.js'

export const FORMAT_VERSION = 2

export const OP_KINDS = [
  'vault.create', 'member.add', 'member.revoke', 'rule.set', 'group.set', 'setting.set',
  'key.add', 'key.share', 'secret.set', 'secret.remove', 'secret.expose',
] as const
export type OpKind = (typeof OP_KINDS)[number]

/** Operations that decide who may do what; only owners write them (settings: maintainers too). */
export const ACCESS_KINDS: ReadonlySet<OpKind> = new Set(['vault.create', 'member.add', 'member.revoke', 'rule.set', 'group.set', 'setting.set'])

export interface MemberSpec {
  name: string
  kind: 'user' | 'machine'
  /** `secrets1…`: verifies the member's signatures and receives their sealed keys. */
  recipient: string
  role: Role
  /** A machine's limits; `*` for people. */
  environment: string
  branch: string
}

/** A data key sealed (crypto_box_seal) to one member, by member id. */
export interface Sealed {
  member: string
  box: Uint8Array
}

/** A one-time key carried by the value itself: how a member who may write but not read encrypts. */
export interface InlineKey {
  commitment: Uint8Array
  sealed: Sealed[]
}

export type Setting = 'protected_branches'

interface SecretName {
  name: string
  environment: string
  branch: string
}

export type OpData =
  | {kind: 'vault.create'; member: MemberSpec}
  | {kind: 'member.add'; member: MemberSpec}
  | {kind: 'member.revoke'; member: string}
  | {kind: 'rule.set'; principal: string; actions: Action[]; environment: string; branch: string}
  | {kind: 'group.set'; group: string; members: string[]}
  | {kind: 'setting.set'; name: Setting; value: string[]}
  | {kind: 'key.add'; environment: string; branch: string; commitment: Uint8Array; sealed: Sealed[]}
  | {kind: 'key.share'; key: string; sealed: Sealed[]}
  | ({
      kind: 'secret.set'
      description: string | null
      rotation_days: number | null
      variable: boolean
      file: boolean
      protected: boolean
      ref: string | null
      /** A key.add operation's id, or a key carried inline. */
      key: string | InlineKey
      nonce: Uint8Array
      ciphertext: Uint8Array
      /** Set by `secrets upgrade`: who wrote this version in the format-1 vault, and when. */
      origin: {author: string; at: string} | null
    } & SecretName)
  | ({kind: 'secret.remove'} & SecretName)
  | ({kind: 'secret.expose'; version: string} & SecretName)

export type DataOf<K extends OpKind> = Extract<OpData, {kind: K}>

export interface Operation {
  id: string
  vault: string
  /** The author's member id; null only for `vault.create`, which creates its author. */
  author: string | null
  /** When the author says they wrote it: for display and rotation reminders, never for authority. */
  at: string
  /** Sorted, unique. */
  parents: string[]
  /** Undefined when the operation is signed and well-formed as an envelope but its fields are not: `problem` says why. */
  data?: OpData
  kind: OpKind
  problem?: string
  body: Uint8Array
  signature: Uint8Array
}

/** The bytes of a stored operation do not form one: tampering, or a newer format. */
export class OperationFormatError extends Error {
  constructor(
    readonly id: string,
    message: string,
    readonly newer = false,
  ) {
    super(message)
    this.name = 'OperationFormatError'
  }
}

const utf8 = new TextDecoder('utf-8', {fatal: true})

export const ID_PATTERN = /^[0-9a-f]{64}$/
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?Z$/

export function operationId(body: Uint8Array): string {
  return toHex(hash(canonicalEncode(OP_ID, [body]), 32))
}

export function shortId(id: string): string {
  return id.slice(0, 12)
}

export interface UnsignedOperation {
  vault: string
  author: string | null
  at: string
  parents: readonly string[]
  data: OpData
}

/** The canonical bytes and id of a new operation, ready to be signed by its author. */
export function encodeOperation(op: UnsignedOperation): {id: string; body: Uint8Array} {
  const {kind, ...fields} = op.data
  const envelope: Json = {
    v: FORMAT_VERSION,
    vault: op.vault,
    kind,
    author: op.author,
    at: op.at,
    parents: [...new Set(op.parents)].sort(),
    data: toJson(fields as Record<string, unknown>),
  }
  const body = encodeCanonicalJson(envelope)
  return {id: operationId(body), body}
}

export function signOperation(identity: Identity, body: Uint8Array): Uint8Array {
  return identity.sign(OP_SIG, [body])
}

export function verifyOperation(recipient: Recipient, body: Uint8Array, signature: Uint8Array): boolean {
  return recipient.verify(OP_SIG, [body], signature)
}

/**
 * Reads a stored operation. Throws OperationFormatError when the bytes are not an operation
 * of this vault (wrong id, not canonical, unknown version or kind); a well-formed envelope
 * with fields no client of ours would write comes back with `problem` set, to be ignored.
 */
export function decodeOperation(id: string, body: Uint8Array, signature: Uint8Array, verifiedBefore = false): Operation {
  // A row this computer verified before, byte for byte (store/verified-cache.ts), hashes to its
  // id and is spelled canonically: only what those checks cost is skipped, nothing they decide.
  if (!ID_PATTERN.test(id) || (!verifiedBefore && operationId(body) !== id)) throw new OperationFormatError(id, 'its bytes do not match its id')
  let value: Json
  try {
    value = verifiedBefore ? (JSON.parse(utf8.decode(body)) as Json) : decodeCanonicalJson(body)
  } catch (error) {
    throw new OperationFormatError(id, error instanceof CanonicalJsonError ? `its bytes are ${error.message}` : 'its bytes are not json')
  }

  if (!isObject(value)) throw new OperationFormatError(id, 'it is not an object')
  if (value.v !== FORMAT_VERSION) {
    const newer = typeof value.v === 'number' && value.v > FORMAT_VERSION
    throw new OperationFormatError(id, newer ? `it has format ${String(value.v)}, newer than this secrets understands` : 'it has no known format', newer)
  }

  if (!hasExactly(value, ['v', 'vault', 'kind', 'author', 'at', 'parents', 'data'])) throw new OperationFormatError(id, 'its envelope has unknown or missing fields')
  const {vault, kind, author, at, parents, data} = value
  if (typeof kind !== 'string' || !(OP_KINDS as readonly string[]).includes(kind)) {
    throw new OperationFormatError(id, `its kind ${JSON.stringify(String(kind).slice(0, 40))} is unknown to this secrets (a newer secrets wrote it, or someone by hand)`, true)
  }

  if (typeof vault !== 'string' || vault === '') throw new OperationFormatError(id, 'it names no vault')
  if (!(author === null ? kind === 'vault.create' : typeof author === 'string' && ID_PATTERN.test(author))) throw new OperationFormatError(id, 'its author is not a member id')
  if (!isTime(at)) throw new OperationFormatError(id, 'its time is not an ISO 8601 UTC time')
  if (!Array.isArray(parents) || !parents.every((p) => typeof p === 'string' && ID_PATTERN.test(p))) throw new OperationFormatError(id, 'its parents are not operation ids')
  const sorted = [...new Set(parents as string[])].sort()
  if (sorted.length !== parents.length || sorted.some((p, i) => p !== parents[i])) throw new OperationFormatError(id, 'its parents are not sorted and unique')
  if ((kind === 'vault.create') !== (parents.length === 0)) throw new OperationFormatError(id, kind === 'vault.create' ? 'a vault.create has parents' : 'it has no parents')
  if (!isObject(data)) throw new OperationFormatError(id, 'its data is not an object')

  const op: Operation = {id, vault, author: author as string | null, at, parents: sorted, kind: kind as OpKind, body, signature}
  const parsed = parseData(kind as OpKind, data)
  if (typeof parsed === 'string') op.problem = parsed
  else op.data = parsed
  return op
}

// -- payloads ---------------------------------------------------------------------------------

type Fields = Record<string, Json>

function parseData(kind: OpKind, d: Fields): OpData | string {
  switch (kind) {
    case 'vault.create':
    case 'member.add': {
      if (!hasExactly(d, ['member'])) return 'unknown or missing fields'
      const member = parseMember(d.member)
      if (typeof member === 'string') return member
      if (kind === 'vault.create' && member.role !== 'owner') return 'the first member is not an owner'
      return {kind, member}
    }

    case 'member.revoke':
      if (!hasExactly(d, ['member']) || typeof d.member !== 'string' || !ID_PATTERN.test(d.member)) return 'it names no member id'
      return {kind, member: d.member}
    case 'rule.set': {
      if (!hasExactly(d, ['principal', 'actions', 'environment', 'branch'])) return 'unknown or missing fields'
      if (!isPrincipal(d.principal)) return 'its principal is not user:, machine:, group: or role:'
      const actions = d.actions
      if (!Array.isArray(actions) || !actions.every((a) => (ACTIONS as readonly Json[]).includes(a)) || new Set(actions).size !== actions.length) return 'its actions are not read, create, update, delete'
      if (!isEnvironmentScope(d.environment) || !isBranchScope(d.branch)) return 'its scope is not valid'
      return {kind, principal: d.principal, actions: actions as Action[], environment: d.environment, branch: d.branch}
    }

    case 'group.set': {
      if (!hasExactly(d, ['group', 'members'])) return 'unknown or missing fields'
      if (!isPrincipal(d.group, ['group'])) return 'its group is not group:NAME'
      if (!Array.isArray(d.members) || !d.members.every((m) => isPrincipal(m, ['user', 'machine']))) return 'its members are not user: or machine: names'
      return {kind, group: d.group, members: d.members as string[]}
    }

    case 'setting.set':
      if (!hasExactly(d, ['name', 'value']) || d.name !== 'protected_branches') return 'an unknown setting'
      if (!Array.isArray(d.value) || !d.value.every(isBranchScope)) return 'its value is not a list of branch patterns'
      return {kind, name: d.name, value: d.value as string[]}
    case 'key.add': {
      if (!hasExactly(d, ['environment', 'branch', 'commitment', 'sealed'])) return 'unknown or missing fields'
      if (!isEnvironmentScope(d.environment) || !isBranchScope(d.branch)) return 'its scope is not valid'
      const commitment = bytes(d.commitment, 32)
      const sealed = parseSealed(d.sealed)
      if (!commitment || !sealed) return 'its commitment or sealed keys are malformed'
      return {kind, environment: d.environment, branch: d.branch, commitment, sealed}
    }

    case 'key.share': {
      if (!hasExactly(d, ['key', 'sealed']) || typeof d.key !== 'string' || !ID_PATTERN.test(d.key)) return 'it names no key'
      const sealed = parseSealed(d.sealed)
      if (!sealed || sealed.length === 0) return 'its sealed keys are malformed'
      return {kind, key: d.key, sealed}
    }

    case 'secret.set': {
      const keys = ['name', 'environment', 'branch', 'description', 'rotation_days', 'variable', 'file', 'protected', 'ref', 'key', 'nonce', 'ciphertext', 'origin']
      if (!hasExactly(d, keys)) return 'unknown or missing fields'
      if (!isSecretName(d)) return 'its name or scope is not valid'
      if (!(d.description === null || isDescription(d.description))) return 'its description is not valid'
      if (!(d.rotation_days === null || isRotationDays(d.rotation_days))) return 'its rotation reminder is not valid'
      if (typeof d.variable !== 'boolean' || typeof d.file !== 'boolean' || typeof d.protected !== 'boolean' || (d.file && !d.variable)) return 'its flags are not valid'
      if (!(d.ref === null || isRef(d.ref))) return 'its provider reference is not valid'
      const key = parseKeyRef(d.key)
      const nonce = bytes(d.nonce, 24)
      const ciphertext = bytes(d.ciphertext)
      if (!key || !nonce || !ciphertext || ciphertext.length < 16) return 'its key, nonce or ciphertext is malformed'
      const origin = d.origin
      if (!(origin === null || (isObject(origin) && hasExactly(origin, ['author', 'at']) && isPrincipal(origin.author, ['user', 'machine']) && isTime(origin.at)))) {
        return 'its origin is malformed'
      }

      return {
        kind, name: d.name, environment: d.environment, branch: d.branch, description: d.description, rotation_days: d.rotation_days,
        variable: d.variable, file: d.file, protected: d.protected, ref: d.ref, key, nonce, ciphertext,
        origin: origin === null ? null : {author: origin.author as string, at: origin.at as string},
      }
    }

    case 'secret.remove':
      if (!hasExactly(d, ['name', 'environment', 'branch']) || !isSecretName(d)) return 'its name or scope is not valid'
      return {kind, name: d.name, environment: d.environment, branch: d.branch}
    case 'secret.expose':
      if (!hasExactly(d, ['name', 'environment', 'branch', 'version']) || !isSecretName(d)) return 'its name or scope is not valid'
      if (typeof d.version !== 'string' || !ID_PATTERN.test(d.version)) return 'it names no version'
      return {kind, name: d.name, environment: d.environment, branch: d.branch, version: d.version}
  }
}

function parseMember(value: Json | undefined): MemberSpec | string {
  if (!isObject(value) || !hasExactly(value, ['name', 'kind', 'recipient', 'role', 'environment', 'branch'])) return 'its member has unknown or missing fields'
  const {name, kind, recipient, role, environment, branch} = value
  if (kind !== 'user' && kind !== 'machine') return 'its member kind is not user or machine'
  if (!isPrincipal(name, [kind])) return `its member name is not ${kind}:NAME`
  if (typeof role !== 'string' || !(ROLES as readonly string[]).includes(role)) return 'its member role is unknown'
  if (!isEnvironmentScope(environment) || !isBranchScope(branch)) return 'its member limits are not valid'
  if (typeof recipient !== 'string') return 'its member has no recipient'
  try {
    if (Recipient.parse(recipient).toString() !== recipient) return 'its member recipient is not in canonical form'
  } catch {
    return 'its member recipient is not valid'
  }

  return {name, kind, recipient, role: role as Role, environment, branch}
}

function parseSealed(value: Json | undefined): Sealed[] | undefined {
  if (!Array.isArray(value)) return undefined
  const out: Sealed[] = []
  for (const item of value) {
    if (!isObject(item) || !hasExactly(item, ['member', 'box']) || typeof item.member !== 'string' || !ID_PATTERN.test(item.member)) return undefined
    const box = bytes(item.box)
    if (!box) return undefined
    out.push({member: item.member, box})
  }

  return out
}

function parseKeyRef(value: Json | undefined): string | InlineKey | undefined {
  if (typeof value === 'string') return ID_PATTERN.test(value) ? value : undefined
  if (!isObject(value) || !hasExactly(value, ['commitment', 'sealed'])) return undefined
  const commitment = bytes(value.commitment, 32)
  const sealed = parseSealed(value.sealed)
  return commitment && sealed ? {commitment, sealed} : undefined
}

/** A real moment (2026-99-99 matches the pattern but is no date), between years 1970 and 9999. */
function isTime(value: Json | undefined): value is string {
  if (typeof value !== 'string' || !ISO_TIME.test(value)) return false
  const time = Date.parse(value)
  return !Number.isNaN(time) && new Date(time).toISOString().slice(0, 19) === value.slice(0, 19) && time >= 0
}

function isSecretName(d: Fields): d is Fields & SecretName {
  return isName(d.name) && isEnvironmentScope(d.environment) && isBranchScope(d.branch)
}

function bytes(value: Json | undefined, length?: number): Uint8Array | undefined {
  if (typeof value !== 'string') return undefined
  const decoded = fromBase64(value)
  return decoded && (length === undefined || decoded.length === length) ? decoded : undefined
}

function isObject(value: Json | undefined): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function hasExactly(value: Fields, keys: readonly string[]): boolean {
  const own = Object.keys(value)
  return own.length === keys.length && keys.every((k) => Object.hasOwn(value, k))
}

/** Bytes become base64 strings; everything else is already JSON. */
function toJson(value: unknown): Json {
  if (value instanceof Uint8Array) return toBase64(value)
  if (Array.isArray(value)) return value.map(toJson)
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined).map(([k, v]) => [k, toJson(v)]))
  }

  return value as Json
}
