// `secrets upgrade`: a format-1 vault becomes a format-2 history. The whole format-1 vault is
// verified and decrypted by an owner first (read-format1.ts); then a new history is written
// beside it by that owner — members, groups, rules, protected branches, and every version of
// every secret re-encrypted under new keys, with who wrote it and when kept as its origin — and
// renamed over the old file in one step. A crash leaves the old vault or the new one.
import {randomBytes} from 'node:crypto'
import {copyFileSync, renameSync, rmSync} from 'node:fs'
import {basename, dirname, join} from 'node:path'

import {type Identity, wipe} from '../../crypto/index.js'
import {integrity} from '../../errors.js'
import {secretKey} from '../../scope.js'
import type {KeyChoices} from '../keys/choose-key.js'
import {appendVersion} from '../secrets/write-value.js'
import {VaultSession, pinView} from '../session.js'
import {openVaultFile} from '../store/database.js'
import {loadHistory} from '../load-history.js'
import type {MemberSpec} from '../store/operations.js'
import {hasFormat2Pin, writePin} from '../store/pins.js'
import {openFormat1} from './format1/format1-database.js'
import {type Format1Secret, type Format1Snapshot, readFormat1} from './format1/read-format1.js'
import type {MemberRow} from './format1/records.js'

export interface UpgradeResult {
  path: string
  vaultId: string
  /** The vault was already in format 2: nothing was done. */
  already: boolean
  dryRun: boolean
  members: number
  secrets: number
  versions: number
  removed: number
  exposed: number
  protectedBranches: string[] | null
  /** --variable secrets and provider references a non-maintainer added or changed in format 1, carried over as plain secrets. */
  demoted: string[]
}

export interface UpgradeOptions {
  identity: () => Identity
  now: Date
  configDir?: string
  /** The branches this computer pins the upgraded history for. */
  pinScope?: readonly string[]
  /** `protected_branches` from .secrets/config.yml, carried into the signed history. */
  protectedBranches?: string[]
  dryRun: boolean
}

export function upgradeVault(path: string, options: UpgradeOptions): UpgradeResult {
  const probe = openVaultFile(path, {readonly: true, format1: true})
  const {vaultId, format} = probe
  probe.db.close()
  const empty = {path, vaultId, dryRun: options.dryRun, members: 0, secrets: 0, versions: 0, removed: 0, exposed: 0, protectedBranches: null, demoted: []}
  if (format === 2) return {...empty, already: true}
  if (options.configDir && hasFormat2Pin(options.configDir, vaultId)) {
    throw integrity(
      `this computer has seen the vault ${vaultId.slice(0, 8)}… in format 2: this format-1 copy is older (a rollback)`,
      'restore the upgraded vault from git (git log .secrets/vault.db) instead of upgrading an old copy',
    )
  }

  const identity = options.identity()
  const snapshot = readCopy(path, vaultId, identity)
  const summary = {
    ...empty,
    already: false,
    members: snapshot.members.length,
    secrets: new Set(snapshot.secrets.filter((s) => !s.removed).map(secretKey)).size,
    versions: snapshot.secrets.reduce((n, s) => n + s.versions.length, 0),
    removed: new Set(snapshot.secrets.filter((s) => s.removed).map(secretKey)).size,
    exposed: snapshot.secrets.filter((s) => !s.removed && s.exposed).length,
    protectedBranches: options.protectedBranches ?? null,
    demoted: [...new Set(snapshot.secrets.filter((s) => s.demoted && !s.removed).map((s) => `${s.name} (environment ${s.environment}, branch ${s.branch})`))],
  }
  try {
    if (options.dryRun) return summary
    writeFormat2(path, snapshot, identity, options)
    return summary
  } finally {
    for (const s of snapshot.secrets) for (const v of s.versions) wipe(v.value)
    identity.wipe()
  }
}

/** Reads from a private copy: git's file is never migrated in place, and a format-1 schema 1 is brought forward there. */
function readCopy(path: string, vaultId: string, identity: Identity): Format1Snapshot {
  const copy = join(dirname(path), `.${basename(path)}.upgrade-read-${randomBytes(6).toString('hex')}.tmp`)
  try {
    copyFileSync(path, copy)
    const db = openFormat1(copy)
    try {
      return readFormat1(db, vaultId, identity)
    } finally {
      db.close()
    }
  } finally {
    for (const leftover of [copy, `${copy}-journal`]) rmSync(leftover, {force: true})
  }
}

function writeFormat2(path: string, snapshot: Format1Snapshot, identity: Identity, options: UpgradeOptions): void {
  const temp = join(dirname(path), `.${basename(path)}.upgrade-${randomBytes(6).toString('hex')}.tmp`)
  try {
    const session = VaultSession.create(temp, snapshot.vaultId, identity, {kind: 'vault.create', member: spec(snapshot.me)}, {now: options.now}, (s) => {
      for (const m of snapshot.members) if (m.id !== snapshot.me.id) s.append({kind: 'member.add', member: spec(m)})
      for (const [group, members] of snapshot.groups) if (members.length > 0) s.append({kind: 'group.set', group, members})
      for (const rule of snapshot.rules) s.append({kind: 'rule.set', ...rule})
      if (options.protectedBranches) s.append({kind: 'setting.set', name: 'protected_branches', value: options.protectedBranches})
      const choices: KeyChoices = new Map()
      for (const secret of inOrder(snapshot.secrets)) writeSecret(s, secret, choices)
    })
    session.close()
    // The new file must load as a vault before it replaces anything.
    const check = openVaultFile(temp, {readonly: true})
    let history
    try {
      history = loadHistory(check.db, snapshot.vaultId)
    } finally {
      check.db.close()
    }

    renameSync(temp, path)
    if (options.configDir) writePin(pinView(history), {vaultId: snapshot.vaultId, vaultPath: path, configDir: options.configDir, scopes: options.pinScope ?? ['-']})
  } finally {
    for (const leftover of [temp, `${temp}-journal`]) rmSync(leftover, {force: true})
  }
}

/**
 * Per name and scope, removed rows before live ones (a format-1 merge can leave two rows, one
 * of them removed), each oldest first: the last one written decides whether it is live.
 */
function inOrder(secrets: readonly Format1Secret[]): Format1Secret[] {
  const groups = new Map<string, Format1Secret[]>()
  for (const s of secrets) groups.set(secretKey(s), [...(groups.get(secretKey(s)) ?? []), s])
  return [...groups.values()].flatMap((rows) => [...rows.filter((r) => r.removed), ...rows.filter((r) => !r.removed)])
}

function writeSecret(session: VaultSession, secret: Format1Secret, choices: KeyChoices): void {
  const metadata = {
    description: secret.description, rotation_days: secret.rotation_days, variable: secret.variable,
    file: secret.file, protected: secret.protected, ref: secret.ref,
  }
  let last = ''
  for (const v of secret.versions) last = appendVersion(session, secret, metadata, v.value, {origin: {author: v.author, at: v.at}, choices}).id
  const target = {name: secret.name, environment: secret.environment, branch: secret.branch}
  if (secret.removed) session.append({kind: 'secret.remove', ...target})
  else if (secret.exposed) session.append({kind: 'secret.expose', ...target, version: last})
}

function spec(m: MemberRow): MemberSpec {
  return {name: m.name, kind: m.kind, recipient: m.recipient, role: m.role, environment: m.environment, branch: m.branch}
}
