// What this computer has seen of each vault: the heads of its history, per git branch. Every
// operation is hash-linked to its parents, so a present head vouches for all of its ancestors;
// a copy of the vault that lost a head pinned for this branch lost operations (a revocation, a
// removal, a rotation) and is refused, naming what is missing. Pins are per branch because
// switching branches legitimately shows another history; on a branch this computer has not
// pinned yet, the vault is trusted as found, and what it lacks of the other branches' pins is
// said. A computer that has never seen a vault (a fresh clone, a CI runner) trusts what it
// finds; CI pins a checkpoint instead, with SECRETS_TRUST.
import {existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

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
  branches: Record<string, BranchPin>
}

/** Where pins apply: a branch name, `-` outside git; undefined (a detached HEAD) pins nothing. */
export type PinScope = string | undefined

/** What pins need of a history (the session builds it from the judged history). */
export interface PinView {
  /** Whether the history holds the operation. */
  has(id: string): boolean
  /** Every operation id (for SECRETS_TRUST's prefixes). */
  ids: readonly string[]
  /** The current heads, with how to name each. */
  heads(): PinnedOp[]
  /** Operations that do not count. */
  voided: readonly string[]
}

export function pinPath(configDir: string, vaultId: string): string {
  return join(configDir, 'secrets', 'pins', `${vaultId}.json`)
}

export interface PinCheck {
  /** No pin of this vault existed on this computer at all. */
  firstUse: boolean
  /** Heads pinned on other branches that this vault lacks (said, not refused). */
  elsewhere: PinnedOp[]
  /** Heads pinned for this branch that this vault lacks: refused unless accepted. */
  lost: PinnedOp[]
  /** Operations that do not count and that this computer had not warned about yet. */
  newlyVoided: string[]
}

/** Whether this computer has seen this vault in format 2 (a format-1 copy of it would be a rollback). */
export function hasFormat2Pin(configDir: string, vaultId: string): boolean {
  return readPin(pinPath(configDir, vaultId)) !== undefined
}

/**
 * Compares the history with this computer's pins. Throws when it lost a head pinned for this
 * branch (unless `accept`, for `secrets trust`), or lacks a SECRETS_TRUST checkpoint.
 */
export function checkPins(history: PinView, vaultId: string, vaultPath: string, configDir: string | undefined, scope: PinScope, trust: string | undefined, accept = false): PinCheck {
  if (trust !== undefined && trust.trim() !== '') checkTrust(history, vaultPath, trust)
  if (configDir === undefined) return {firstUse: false, elsewhere: [], lost: [], newlyVoided: []}
  const pin = readPin(pinPath(configDir, vaultId))
  const missing = (heads: readonly PinnedOp[]) => heads.filter((head) => !history.has(head.id))
  const own = scope === undefined ? undefined : pin?.branches[scope]
  const lost = missing(own?.heads ?? [])
  if (lost.length > 0 && !accept) {
    throw integrity(
      `the vault ${vaultPath} lost ${lost.length === 1 ? 'an operation' : `${lost.length} operations`} this computer has seen${scope && scope !== '-' ? ` on branch ${scope}` : ''}: ${lost.slice(0, 3).map((l) => `${shortId(l.id)} (${l.what})`).join('; ')}`,
      'its history was cut or rolled back; restore a copy you trust from git — or, if you dropped them yourself (discarded or reset the vault), `secrets trust` accepts it as it is',
    )
  }

  const others = Object.entries(pin?.branches ?? {}).filter(([name]) => name !== scope)
  const elsewhere = own ? [] : dedupe(others.flatMap(([, branch]) => missing(branch.heads)))
  const warned = new Set([...(own?.voided ?? []), ...(own ? [] : others.flatMap(([, branch]) => branch.voided))])
  return {firstUse: pin === undefined, elsewhere, lost, newlyVoided: history.voided.filter((id) => !warned.has(id))}
}

/** Remembers the current heads for this branch (and the voided operations warned about). */
export function writePin(history: PinView, vaultId: string, configDir: string, scope: PinScope): void {
  if (scope === undefined) return
  const path = pinPath(configDir, vaultId)
  const pin: Pin = readPin(path) ?? {vaultId, format: 2, branches: {}}
  pin.branches[scope] = {heads: history.heads().sort((a, b) => (a.id < b.id ? -1 : 1)), voided: [...history.voided].sort()}
  const text = `${JSON.stringify(pin, null, 1)}\n`
  if (existsSync(path) && readFileSync(path, 'utf8') === text) return
  mkdirSync(join(configDir, 'secrets', 'pins'), {recursive: true, mode: 0o700})
  const temp = `${path}.${process.pid}.tmp`
  writeFileSync(temp, text, {mode: 0o600})
  renameSync(temp, path)
}

export function removePin(configDir: string, vaultId: string): string | undefined {
  const path = pinPath(configDir, vaultId)
  if (!existsSync(path)) return undefined
  rmSync(path)
  return path
}

function readPin(path: string): Pin | undefined {
  if (!existsSync(path)) return undefined
  try {
    const pin = JSON.parse(readFileSync(path, 'utf8')) as Partial<Pin>
    // A format-1 pin (log entry ids) says nothing about a format-2 history.
    if (pin.format !== 2 || typeof pin.branches !== 'object' || pin.branches === null) return undefined
    return {vaultId: String(pin.vaultId), format: 2, branches: pin.branches}
  } catch {
    return undefined
  }
}

function dedupe(ops: PinnedOp[]): PinnedOp[] {
  return [...new Map(ops.map((op) => [op.id, op])).values()]
}

/** SECRETS_TRUST: operation ids (or prefixes of at least 12 hex digits) the vault must hold. */
function checkTrust(history: PinView, vaultPath: string, trust: string): void {
  for (const wanted of trust.split(/[\s,]+/).filter(Boolean)) {
    if (!/^[0-9a-f]{12,64}$/.test(wanted)) {
      throw usage(`SECRETS_TRUST must list operation ids (12 to 64 hex digits): ${JSON.stringify(wanted.slice(0, 70))}`, '`secrets log` prints the checkpoint to pin')
    }

    if (!history.ids.some((id) => id.startsWith(wanted))) {
      throw integrity(
        `the vault ${vaultPath} does not hold the trusted checkpoint ${wanted.slice(0, 12)} (SECRETS_TRUST)`,
        'its history was rolled back below the checkpoint, or this is another vault; restore a copy that holds it',
      )
    }
  }
}
