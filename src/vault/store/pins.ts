// What this computer has seen of each vault, in the user's config directory:
//
// - per vault and git branch, the heads of its history. Every operation is hash-linked to its
//   parents, so a present head vouches for all of its ancestors; a copy that lost a head pinned
//   for this branch lost operations (a revocation, a removal, a rotation) and is refused, naming
//   what is missing. Pins are per branch because switching branches legitimately shows another
//   history; a branch not pinned yet is trusted as found, and what it lacks of the other
//   branches' pins is said. On a detached HEAD, the branches whose tip it is apply.
// - per vault, every member it has seen revoked in any history, with what the revocation saw of
//   them: on a branch that lacks the revocation, nothing is sealed to that member from this
//   computer, and values resting on their unseen operations are not handed out.
// - per path, which vault lives there: a different vault put at the same path (a new
//   vault.create written by hand, with members of the attacker's choosing) is refused, not
//   greeted as a first use.
//
// A computer that has never seen a vault (a fresh clone, a CI runner) trusts what it finds; CI
// pins a checkpoint instead, with SECRETS_TRUST.
import {existsSync, mkdirSync, readFileSync, realpathSync, renameSync, rmSync, writeFileSync} from 'node:fs'
import {join, resolve} from 'node:path'

import {integrity, usage} from '../../errors.js'
import {shortId} from './operations.js'

export interface PinnedOp {
  id: string
  /** How to name it when it goes missing: the operation itself is gone then. */
  what: string
}

interface BranchPin {
  heads: PinnedOp[]
  /** Operations that do not count which this computer has already warned about. */
  voided: string[]
}

interface Pin {
  vaultId: string
  format: 2
  /** The id of the history's vault.create: the vault's identity (its id is only a label anyone can copy). */
  genesis: string
  /** Vault path (a clone) → branch → what this computer saw there. */
  places: Record<string, Record<string, BranchPin>>
  /**
   * Members this computer has seen revoked, in any history of this vault → the ids of their
   * operations (values, members they added) that every revocation of them saw.
   */
  revoked: Record<string, string[]>
}

/** Vault path → branch → the vault id this computer saw there. */
type Locations = Record<string, Record<string, string>>

/**
 * The branches pins apply to: the checked-out branch; on a detached HEAD, the branches whose tip
 * it is (none: nothing is pinned); `-` outside git.
 */
export type PinScope = readonly string[]

/** What pins need of a history (the session builds it from the judged history). */
export interface PinView {
  /** The id of its vault.create. */
  genesis: string
  /** Whether the history holds the operation. */
  has(id: string): boolean
  /** The current heads, with how to name each. */
  heads(): PinnedOp[]
  /** Operations that do not count. */
  voided: readonly string[]
  /** Members revoked in this history → their values and additions that the revocations saw. */
  revoked: ReadonlyMap<string, readonly string[]>
}

export interface PinPlace {
  vaultId: string
  vaultPath: string
  configDir: string
  scopes: PinScope
}

export interface PinCheck {
  /** No pin of this vault existed on this computer at all. */
  firstUse: boolean
  /** Heads pinned on other branches that this vault lacks (said, not refused). */
  elsewhere: PinnedOp[]
  /** Heads pinned for these branches that this vault lacks: refused unless accepted. */
  lost: PinnedOp[]
  /** Another vault this computer saw at this path (refused unless accepted). */
  replaced?: string
  /** Operations that do not count and that this computer had not warned about yet. */
  newlyVoided: string[]
  /** Members revoked in some history this computer saw, not in this one → what their revocations saw of them. */
  revokedElsewhere: Map<string, Set<string>>
}

export function pinPath(configDir: string, vaultId: string): string {
  return join(configDir, 'secrets', 'pins', `${vaultId}.json`)
}

function locationsPath(configDir: string): string {
  return join(configDir, 'secrets', 'pins', 'locations.json')
}

/** Whether this computer has seen this vault in format 2 (a format-1 copy of it would be a rollback). */
export function hasFormat2Pin(configDir: string, vaultId: string): boolean {
  return readPin(pinPath(configDir, vaultId)) !== undefined
}

/**
 * Compares the history with this computer's pins. Throws when another vault was seen at this
 * path, when it lost a head pinned for these branches (both unless `accept`, for `secrets
 * trust`), or when it lacks a SECRETS_TRUST checkpoint.
 */
export function checkPins(history: PinView, place: PinPlace | undefined, trust: string | undefined, accept = false, snapshot?: PinSnapshot): PinCheck {
  if (trust !== undefined && trust.trim() !== '') checkTrust(history, place?.vaultPath ?? 'the vault', trust)
  const none: PinCheck = {firstUse: false, elsewhere: [], lost: [], newlyVoided: [], revokedElsewhere: new Map()}
  if (!place) return none
  const {vaultId, vaultPath, scopes} = place
  const {pin, locations} = snapshot ?? readPins(place)

  const location = locationKey(vaultPath)
  const here = own(locations, location) ?? {}
  const replaced = Object.entries(here).find(([, id]) => id !== vaultId)
  if (replaced && !accept) {
    throw integrity(
      `the vault at ${vaultPath} is not the one this computer knows there: it is vault ${vaultId.slice(0, 8)}…, and this computer saw vault ${replaced[1].slice(0, 8)}… on branch ${replaced[0]}`,
      'someone replaced the whole vault (a new history with members of their choosing); restore it from git — or, if the vault was disabled and enabled again on purpose, `secrets trust` accepts it',
    )
  }

  if (pin && pin.genesis !== history.genesis && !accept) {
    throw integrity(
      `the vault at ${vaultPath} carries the id of vault ${vaultId.slice(0, 8)}…, but its history starts from another vault.create than the one this computer knows`,
      'someone made a new vault and gave it this vault\'s id; restore it from git — or, if the vault was made anew on purpose, `secrets trust` accepts it',
    )
  }

  const sameHistory = pin?.genesis === history.genesis
  const branchesHere = sameHistory ? (own(pin!.places, location) ?? {}) : {}
  const mine = scopes.flatMap((scope) => {
    const branch = own(branchesHere, scope)
    return branch ? [branch] : []
  })
  const missing = (heads: readonly PinnedOp[]) => heads.filter((head) => !history.has(head.id))
  const lost = dedupe(mine.flatMap((branch) => missing(branch.heads)))
  if (lost.length > 0 && !accept) {
    const where = scopes.length === 1 && scopes[0] !== '-' ? ` on branch ${scopes[0]}` : ''
    throw integrity(
      `the vault ${vaultPath} lost ${lost.length === 1 ? 'an operation' : `${lost.length} operations`} this computer has seen${where}: ${lost.slice(0, 3).map((l) => `${shortId(l.id)} (${l.what})`).join('; ')}`,
      'its history was cut or rolled back; restore a copy you trust from git — or, if you dropped them yourself (discarded or reset the vault), `secrets trust` accepts it as it is',
    )
  }

  const others = sameHistory
    ? Object.entries(pin!.places).flatMap(([place, branches]) => Object.entries(branches).filter(([name]) => place !== location || !scopes.includes(name)).map(([, branch]) => branch))
    : []
  const elsewhere = mine.length > 0 ? [] : dedupe(others.flatMap((branch) => missing(branch.heads)))
  const warned = new Set((mine.length > 0 ? mine : others).flatMap((branch) => branch.voided))
  const revokedElsewhere = new Map<string, Set<string>>()
  if (sameHistory) for (const [member, saw] of Object.entries(pin!.revoked)) if (!history.revoked.has(member)) revokedElsewhere.set(member, new Set(saw))
  return {
    firstUse: pin === undefined,
    elsewhere,
    lost,
    replaced: replaced?.[1],
    newlyVoided: history.voided.filter((id) => !warned.has(id)),
    revokedElsewhere,
  }
}

/**
 * What this computer's pins say of a vault, read BEFORE its history is read. Writers pin only
 * after their transaction committed, so every head in a pin read first is in any history read
 * after it: another process writing meanwhile can never make a pin look ahead of the file.
 */
export interface PinSnapshot {
  pin: Pin | undefined
  locations: Locations
}

export function readPins(place: PinPlace): PinSnapshot {
  return {pin: readPin(pinPath(place.configDir, place.vaultId)), locations: readLocations(place.configDir)}
}

/**
 * Remembers the current heads for these branches, which vault is at this path, and who was
 * revoked. Heads pinned here that this history lacks were written by another process after this
 * one read the file (a history that lacked them was refused when it was opened): they stay
 * pinned, so a concurrent writer never undoes another's pin. `replace` (trust) drops them.
 */
export function writePin(history: PinView, place: PinPlace, replace = false): void {
  const {vaultId, vaultPath, configDir, scopes} = place
  const path = pinPath(configDir, vaultId)
  const read = readPin(path)
  // A history accepted in place of another with the same id (trust) starts this memory anew.
  const pin: Pin = read && read.genesis === history.genesis ? read : {vaultId, format: 2, genesis: history.genesis, places: dict(), revoked: dict()}
  const location = locationKey(vaultPath)
  const heads = history.heads().sort((a, b) => (a.id < b.id ? -1 : 1))
  const branches = own(pin.places, location) ?? dict<BranchPin>()
  for (const scope of scopes) {
    const newer = replace || pin !== read ? [] : (own(branches, scope)?.heads ?? []).filter((head) => !history.has(head.id))
    branches[scope] = {heads: dedupe([...heads, ...newer]).sort((a, b) => (a.id < b.id ? -1 : 1)), voided: [...history.voided].sort()}
  }
  if (scopes.length > 0) pin.places[location] = branches
  // What a revocation saw of a member only grows narrower: keep what every history agreed on.
  for (const [member, saw] of history.revoked) {
    const before = own(pin.revoked, member)
    pin.revoked[member] = (before ? saw.filter((id) => before.includes(id)) : [...saw]).sort()
  }
  writeIfChanged(path, pin, configDir)

  if (scopes.length === 0) return
  const locations = readLocations(configDir)
  const here = dict<string>()
  // Accepting a vault (trust) at this path forgets what was seen there before, on every branch.
  for (const [scope, id] of Object.entries(own(locations, location) ?? {})) if (id === vaultId) here[scope] = id
  for (const scope of scopes) here[scope] = vaultId
  locations[location] = here
  writeIfChanged(locationsPath(configDir), locations, configDir)
}

export function removePin(configDir: string, vaultId: string, vaultPath: string): string | undefined {
  const locations = readLocations(configDir)
  const key = locationKey(vaultPath)
  if (own(locations, key)) {
    delete locations[key]
    if (Object.keys(locations).length > 0) writeIfChanged(locationsPath(configDir), locations, configDir)
    else rmSync(locationsPath(configDir), {force: true})
  }

  const path = pinPath(configDir, vaultId)
  if (!existsSync(path)) return undefined
  rmSync(path)
  return path
}

function readPin(path: string): Pin | undefined {
  const pin = readJson(path) as Partial<Pin> | undefined
  // A format-1 pin (log entry ids), or one from before genesis was pinned, says nothing here.
  if (!pin || pin.format !== 2 || typeof pin.genesis !== 'string' || !isRecord(pin.places)) return undefined
  const places = dict<Record<string, BranchPin>>()
  for (const [place, branches] of Object.entries(pin.places)) if (isRecord(branches)) places[place] = Object.assign(dict<BranchPin>(), branches)
  const revoked = dict<string[]>()
  if (isRecord(pin.revoked)) for (const [member, saw] of Object.entries(pin.revoked)) if (Array.isArray(saw)) revoked[member] = saw.filter((x): x is string => typeof x === 'string')
  return {vaultId: String(pin.vaultId), format: 2, genesis: pin.genesis, places, revoked}
}

function readLocations(configDir: string): Locations {
  const value = readJson(locationsPath(configDir))
  const locations = dict<Record<string, string>>()
  if (isRecord(value)) for (const [place, branches] of Object.entries(value)) if (isRecord(branches)) locations[place] = Object.assign(dict<string>(), branches)
  return locations
}

/**
 * Maps keyed by branch names and paths, which anyone with push access chooses (`__proto__`,
 * `constructor`): objects without a prototype, read by own keys only.
 */
function dict<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>
}

function own<T>(record: Record<string, T>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function readJson(path: string): unknown {
  if (!existsSync(path)) return undefined
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as unknown
  } catch {
    return undefined
  }
}

function writeIfChanged(path: string, value: unknown, configDir: string): void {
  const text = `${JSON.stringify(value, null, 1)}\n`
  if (existsSync(path) && readFileSync(path, 'utf8') === text) return
  mkdirSync(join(configDir, 'secrets', 'pins'), {recursive: true, mode: 0o700})
  const temp = `${path}.${process.pid}.tmp`
  writeFileSync(temp, text, {mode: 0o600})
  renameSync(temp, path)
}

/** The vault file's real path: the same file reached through a symlink is the same place. */
function locationKey(vaultPath: string): string {
  try {
    return realpathSync(vaultPath)
  } catch {
    return resolve(vaultPath)
  }
}

function dedupe(ops: PinnedOp[]): PinnedOp[] {
  return [...new Map(ops.map((op) => [op.id, op])).values()]
}

/**
 * SECRETS_TRUST: operation ids the vault must hold, whole: a prefix could be matched by an
 * operation an attacker ground for it (48 bits is days of hashing, not years).
 */
function checkTrust(history: PinView, vaultPath: string, trust: string): void {
  for (const wanted of trust.split(/[\s,]+/).filter(Boolean)) {
    if (!/^[0-9a-f]{64}$/.test(wanted)) {
      throw usage(`SECRETS_TRUST must list whole operation ids (64 hex digits): ${JSON.stringify(wanted.slice(0, 70))}`, '`secrets log` prints the checkpoint to pin')
    }

    if (!history.has(wanted)) {
      throw integrity(
        `the vault ${vaultPath} does not hold the trusted checkpoint ${wanted.slice(0, 12)} (SECRETS_TRUST)`,
        'its history was rolled back below the checkpoint, or this is another vault; restore a copy that holds it',
      )
    }
  }
}
