// What this computer has seen of each vault: the heads of its history. Every operation is
// hash-linked to its parents, so a present head vouches for all of its ancestors; a copy of the
// vault that lost a pinned head lost operations (a revocation, a removal, a rotation) and is
// refused, naming what is missing. A computer that has never seen a vault (a fresh clone, a CI
// runner) has nothing to compare with and trusts what it finds; CI pins a checkpoint instead,
// with SECRETS_TRUST.
import {existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {integrity, usage} from '../../errors.js'
import {describeOpText} from '../access/describe.js'
import type {History} from '../access/history.js'
import {shortId} from './operations.js'

interface PinnedOp {
  id: string
  /** How to name it when it goes missing: the operation itself is gone then. */
  what: string
}

interface Pin {
  vaultId: string
  format: 2
  heads: PinnedOp[]
  /** Operations that do not count which this computer has already warned about. */
  voided: string[]
}

export function pinPath(configDir: string, vaultId: string): string {
  return join(configDir, 'secrets', 'pins', `${vaultId}.json`)
}

export interface PinCheck {
  /** No pin existed: this computer trusts the history as found. */
  firstUse: boolean
  /** Operations that do not count and that this computer had not warned about yet. */
  newlyVoided: ReturnType<History['voided']>
}

/** Whether this computer has seen this vault in format 2 (a format-1 copy of it would be a rollback). */
export function hasFormat2Pin(configDir: string, vaultId: string): boolean {
  return readPin(pinPath(configDir, vaultId)) !== undefined
}

/** Refuses a history that lost a pinned head, or that lacks a SECRETS_TRUST checkpoint. */
export function checkPins(history: History, vaultId: string, vaultPath: string, configDir: string | undefined, trust: string | undefined): PinCheck {
  if (trust !== undefined && trust.trim() !== '') checkTrust(history, vaultPath, trust)
  const pin = configDir === undefined ? undefined : readPin(pinPath(configDir, vaultId))
  if (configDir === undefined) return {firstUse: false, newlyVoided: []}
  const lost = (pin?.heads ?? []).filter((head) => history.indexOf(head.id) === undefined)
  if (lost.length > 0) {
    throw integrity(
      `the vault ${vaultPath} lost ${lost.length === 1 ? 'an operation' : `${lost.length} operations`} this computer has seen: ${lost.slice(0, 3).map((l) => `${shortId(l.id)} (${l.what})`).join('; ')}`,
      'its history was cut or rolled back (an operation deleted, an older copy restored); restore a copy you trust, e.g. git checkout -- .secrets/vault.db',
    )
  }

  const warned = new Set(pin?.voided ?? [])
  return {firstUse: pin === undefined, newlyVoided: history.voided().filter((v) => !warned.has(v.op.id))}
}

/** Remembers the current heads (and the voided operations warned about). */
export function writePin(history: History, vaultId: string, configDir: string): void {
  const path = pinPath(configDir, vaultId)
  const nameOf = (id: string | null) => history.memberName(id)
  const pin: Pin = {
    vaultId,
    format: 2,
    heads: history.heads.sort().map((id) => ({id, what: describeOpText(history.op(history.indexOf(id)!), nameOf)})),
    voided: history.voided().map((v) => v.op.id).sort(),
  }
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
    if (pin.format !== 2 || !Array.isArray(pin.heads)) return undefined
    return {vaultId: String(pin.vaultId), format: 2, heads: pin.heads, voided: Array.isArray(pin.voided) ? pin.voided : []}
  } catch {
    return undefined
  }
}

/** SECRETS_TRUST: operation ids (or prefixes of at least 12 hex digits) the vault must hold. */
function checkTrust(history: History, vaultPath: string, trust: string): void {
  for (const wanted of trust.split(/[\s,]+/).filter(Boolean)) {
    if (!/^[0-9a-f]{12,64}$/.test(wanted)) {
      throw usage(`SECRETS_TRUST must list operation ids (12 to 64 hex digits): ${JSON.stringify(wanted.slice(0, 70))}`, '`secrets log` prints the checkpoint to pin')
    }

    if (!history.ops.some((op) => op.id.startsWith(wanted))) {
      throw integrity(
        `the vault ${vaultPath} does not hold the trusted checkpoint ${wanted.slice(0, 12)} (SECRETS_TRUST)`,
        'its history was rolled back below the checkpoint, or this is another vault; restore a copy that holds it',
      )
    }
  }
}
