// An open vault: the file, its judged history, and (when a command needs one) the identity
// acting on it. The one place that builds, signs and stores an operation.
//
// Contract: every write runs in write(), one IMMEDIATE transaction that first reloads the
// history if another process added to it, so checks inside it see the latest state; an
// operation's parents are the heads of that state. The session wipes the identity and every
// data key it opened on close().
import {closeSync, constants, openSync, rmSync} from 'node:fs'

import {type Identity, wipe} from '../crypto/index.js'
import {projectOfVault} from '../private-dir.js'
import {denied} from '../errors.js'
import type {Member} from './access/access-state.js'
import type {Scoped} from '../scope.js'
import {describeOp, describeOpText} from './access/describe.js'
import {History} from './access/history.js'
import {type VaultFile, createVaultFile, openVaultFile, storeFailure} from './store/database.js'
import {recordHolder} from './store/lock-holder.js'
import {loadHistory, loadJudgedHistory} from './load-history.js'
import {openJudgedCache} from './store/judged-cache.js'
import {openVerifiedRecord} from './store/verified-cache.js'
import {type OpData, type Operation, decodeOperation, encodeOperation, signOperation} from './store/operations.js'
import {countOps, insertOp} from './store/op-table.js'
import {type PinCheck, type PinPlace, type PinScope, type PinSnapshot, type PinView, checkPins, readPins, writePin} from './store/pins.js'

export interface SessionOptions {
  now: Date
  /** Asked only when a command needs a key or writes: listing needs none. */
  identity?: () => Identity
  /** The user's config directory, where this computer pins the vaults it has seen. */
  configDir?: string
  /** The user's cache directory, where this computer records the operations it verified (store/verified-cache.ts). */
  cacheDir?: string
  /** Operations read so far while the vault opens (a progress line for large vaults). */
  onLoad?: (done: number, total: number) => void
  /**
   * Use this computer's judged state of the vault file when its bytes are unchanged
   * (store/judged-cache.ts): for commands that read. A write judges the file afresh first.
   */
  judgedCache?: boolean
  /** Smaller files are judged in full (default JUDGED_CACHE_MIN_BYTES); tests lower it. */
  judgedCacheMinBytes?: number
  /** The git branches the pins apply to (`['-']` outside git, the default; none on a detached HEAD no branch points at). */
  pinScope?: PinScope
  /** SECRETS_TRUST: checkpoints the history must hold. */
  trust?: string
  /** Warnings for stderr: operations that do not count. */
  warn?: (message: string) => void
  /** Notes for stderr: first use of a vault on this computer. */
  note?: (message: string) => void
}

export interface Me {
  identity: Identity
  /** The member this identity writes as. */
  member: Member
  /** Every active member with this identity's recipient (normally just `member`). */
  memberIds: Set<string>
}

export class VaultSession {
  private ops: Operation[]
  private heads: string[]
  private built: History | undefined
  private meCache?: Me
  /** The history came from the judged-state cache: its operations' fields are read as used. */
  private restored = false
  private identity?: Identity
  private readonly openedKeys = new Map<string, Uint8Array>()

  private constructor(
    private readonly file: VaultFile,
    history: History,
    private readonly options: SessionOptions,
  ) {
    this.built = history
    this.ops = [...history.ops]
    this.heads = history.heads
  }

  /** What the pins said when this session opened the vault. */
  pinCheck?: PinCheck

  /** `acceptLoss`: pins that lost heads do not refuse the vault (`secrets trust`); `pinCheck.lost` says what. */
  static open(path: string, options: SessionOptions, mode: {readonly?: boolean; acceptLoss?: boolean} = {}): VaultSession {
    // Opened before SQLite opens the path: the judged-state cache hashes the file SQLite reads
    // only if the path still names this very file once SQLite has it (load-history.ts).
    const pinned = options.judgedCache ? openPinned(path) : undefined
    let file: VaultFile
    try {
      file = openVaultFile(path, mode)
    } catch (error) {
      if (pinned !== undefined) closeSync(pinned)
      throw error
    }

    try {
      // The pins before the history (pins.ts, PinSnapshot): a writer that commits in between
      // then only makes the history newer than the pins, never older.
      const place = placeOf(path, file.vaultId, options)
      const pins = place ? readPins(place) : undefined
      const loaded = loadFor(file, options, pinned)
      const session = new VaultSession(file, loaded.history, options)
      session.restored = loaded.restored
      session.checkPins(mode.readonly ?? false, mode.acceptLoss ?? false, pins)
      return session
    } catch (error) {
      file.db.close()
      throw error
    } finally {
      // Closed only now, outside any transaction: closing a descriptor of a file drops every
      // POSIX lock this process holds on it, SQLite's included.
      if (pinned !== undefined) closeSync(pinned)
    }
  }

  /**
   * A new vault whose history starts with `first` (vault.create by `owner`), then whatever
   * `rest` appends, in one transaction.
   */
  static create(path: string, vaultId: string, owner: Identity, first: OpData, options: SessionOptions, rest: (session: VaultSession) => void): VaultSession {
    const file = createVaultFile(path, vaultId)
    const session = new VaultSession(file, History.of([]), {...options, identity: () => owner})
    try {
      file.db.transaction(() => {
        session.insert(null, first, owner)
        rest(session)
      })()
    } catch (error) {
      // Nothing half-made stays behind: the file did not exist before.
      file.db.close()
      rmSync(path, {force: true})
      throw error
    }

    const place = placeOf(path, vaultId, options)
    if (place) writePin(pinView(session.history), place)
    return session
  }

  get path(): string {
    return this.file.path
  }

  get vaultId(): string {
    return this.file.vaultId
  }

  get now(): Date {
    return this.options.now
  }

  /** The judged history, including this session's own writes (judged again after them). */
  get history(): History {
    this.built ??= History.of(this.ops)
    return this.built
  }

  /** The identity and the member it acts as; PERMISSION_DENIED when it is not an active member. */
  me(): Me {
    if (this.meCache) return this.meCache
    if (!this.options.identity) throw new Error('this session has no identity')
    this.identity ??= this.options.identity()
    const identity = this.identity
    const {active, revoked} = this.history.membersWithRecipient(identity.recipient.toString())
    if (active.length === 0) {
      if (revoked.length > 0) {
        throw denied(`${revoked[0]!.name} is no longer a member of this vault: access was revoked`, 'ask an owner of the vault if that is a mistake')
      }

      throw denied(
        `your identity is not a member of this vault (${identity.recipient.fingerprint})`,
        `send your recipient (\`secrets identity\`) to an owner of the vault, who can run \`secrets permit user:NAME --recipient ${identity.recipient.toString()}\``,
      )
    }

    this.meCache = {identity, member: active[0]!, memberIds: new Set(active.map((m) => m.id))}
    return this.meCache
  }

  /**
   * Runs `work` as one IMMEDIATE transaction: the write lock is taken first, and the history
   * reloaded if another process changed it since this session read it.
   */
  write<T>(work: () => T): T {
    let result: T
    let release = () => {}
    try {
      // BEGIN IMMEDIATE waits (the busy timeout) for any other writer, and takes the write lock
      // before anything is read: no two writers ever both read a state and then append to it.
      result = this.file.db
        .transaction(() => {
          release = recordHolder(this.path)
          // A restored history is judged afresh: what is written is judged with every operation read.
          if (this.restored || countOps(this.file.db) !== this.ops.length) this.reload()
          return work()
        })
        .immediate()
    } catch (thrown) {
      // A wait that ran out (or a damaged file) in our terms; SQLite only says "database is locked".
      const error = storeFailure(thrown, this.path) ?? thrown
      // Rolled back: read the file again, so this session never reads what was not written.
      if (this.file.db.open) {
        try {
          this.reload()
        } catch {
          // The error that rolled the transaction back is the one to report.
        }
      }

      throw error
    } finally {
      release()
    }

    const place = placeOf(this.path, this.vaultId, this.options)
    if (place) writePin(pinView(this.history), place)
    return result
  }

  /** The parents the next operation will have (sorted): values bind them into their ciphertext. */
  nextParents(): string[] {
    return [...this.heads].sort()
  }

  /** Signs and stores one operation by this identity, its parents the current heads. Inside write(). */
  append(data: OpData, at: Date = this.now): Operation {
    const {identity, member} = this.me()
    return this.insert(member.id, data, identity, at)
  }

  /**
   * Who may read a scope, for sealing keys and choosing one: the history's readers, less any
   * member this computer has seen revoked in another history of this vault (a branch that lacks
   * a revocation never gets a new value sealed to the revoked member from here).
   */
  readersOf(scope: Scoped): Member[] {
    const revokedElsewhere = this.pinCheck?.revokedElsewhere ?? new Map()
    return this.history.readersOf(scope).filter((m) => !revokedElsewhere.has(m.id))
  }

  /**
   * A member this computer has seen revoked in another history of this vault, through whom
   * (as its author, or as whoever added its author, up the chain) operation `index` came —
   * in a copy that lacks that revocation. Undefined when none.
   */
  revokedElsewhereBehind(index: number): Member | undefined {
    const revokedElsewhere = this.pinCheck?.revokedElsewhere ?? new Map<string, Set<string>>()
    if (revokedElsewhere.size === 0) return undefined
    const history = this.history
    // The operation, then the addition of its author, of theirs, …: each by someone revoked
    // elsewhere must be one their revocation saw.
    let op = history.op(index)
    for (let depth = 0; depth < 64 && op.author !== null; depth++) {
      const saw = revokedElsewhere.get(op.author)
      if (saw && !saw.has(op.id)) return history.memberById(op.author)
      const addedAt = history.indexOf(op.author)
      if (addedAt === undefined) return undefined
      op = history.op(addedAt)
    }

    return undefined
  }

  /** A data key this session opened (by its key operation's id); wiped on close. */
  openedKey(id: string): Uint8Array | undefined {
    return this.openedKeys.get(id)
  }

  rememberKey(id: string, key: Uint8Array): void {
    this.openedKeys.set(id, key)
  }

  close(): void {
    for (const key of this.openedKeys.values()) wipe(key)
    this.openedKeys.clear()
    this.identity?.wipe()
    if (this.file.db.open) this.file.db.close()
  }

  private insert(author: string | null, data: OpData, identity: Identity, at: Date = this.now): Operation {
    const {id, body} = encodeOperation({vault: this.vaultId, author, at: at.toISOString(), parents: this.heads, data})
    const signature = signOperation(identity, body)
    // Read back as any reader will: a field this code cannot write correctly fails here, not later.
    const op = decodeOperation(id, body, signature)
    if (op.problem !== undefined) throw new Error(`refusing to write a malformed ${op.kind} operation: ${op.problem}`)
    insertOp(this.file.db, {id, body, signature})
    this.ops.push(op)
    // Its parents were every head, so it is the only head now.
    this.heads = [id]
    this.built = undefined
    return op
  }

  private reload(): void {
    for (const key of this.openedKeys.values()) wipe(key)
    this.openedKeys.clear()
    const history = loadHistory(this.file.db, this.vaultId, verifiedRecord(this.path, this.vaultId, this.options), this.options.onLoad)
    this.built = history
    this.ops = [...history.ops]
    this.heads = history.heads
    this.meCache = undefined
    this.restored = false
  }

  private checkPins(readonly: boolean, acceptLoss: boolean, pins: PinSnapshot | undefined): void {
    const {trust, warn, note} = this.options
    const history = this.history
    const place = placeOf(this.path, this.vaultId, this.options)
    const check = checkPins(pinView(history), place, trust, acceptLoss, pins)
    this.pinCheck = check
    const nameOf = (id: string | null) => history.memberName(id)
    if (check.firstUse && !trust && place) {
      note?.(`first use of this vault on this computer: its history (${history.ops.length} operations) is trusted as found, and from now on a copy that lost any of it is refused; in CI, pin a checkpoint with SECRETS_TRUST (see \`secrets log\`)`)
    } else if (check.elsewhere.length > 0) {
      const scopes = place?.scopes ?? []
      const where = scopes.length === 0 ? 'a detached HEAD' : scopes[0] === '-' ? 'this copy' : `branch ${scopes.join(', ')}`
      note?.(`the vault on ${where} lacks ${check.elsewhere.length} operation(s) this computer saw on other branches (${check.elsewhere.slice(0, 2).map((o) => o.what).join('; ')}): it is trusted as found`)
    }

    if (check.revokedElsewhere.size > 0) {
      warn?.(`this copy of the vault lacks the revocation of ${[...check.revokedElsewhere.keys()].map(nameOf).join(', ')} that this computer saw in another history: nothing written from here is sealed to them, and no value resting on what the revocation did not see is handed out`)
    }

    const newlyVoided = new Set(check.newlyVoided)
    const voided = history.voided().filter((v) => newlyVoided.has(v.op.id))
    for (const v of voided.slice(0, 5)) warn?.(`ignored operation ${describeOp(v.op, nameOf)}: ${v.reason}`)
    if (voided.length > 5) warn?.(`… and ${voided.length - 5} more operations that do not count (\`secrets log\` lists them)`)
    if (!readonly && place) writePin(pinView(history), place, acceptLoss)
  }
}

/** What this computer's pins need of a history. */
export function pinView(history: History): PinView {
  const nameOf = (id: string | null) => history.memberName(id)
  return {
    genesis: history.ops.find((op) => op.kind === 'vault.create')?.id ?? '',
    has: (id) => history.indexOf(id) !== undefined,
    heads: () => history.heads.map((id) => ({id, what: describeOpText(history.op(history.indexOf(id)!), nameOf)})),
    voided: history.voided().map((v) => v.op.id),
    revoked: new Map([...history.access.revoked].map((member) => [member, history.sawOf(member)])),
  }
}

function loadFor(file: VaultFile, options: SessionOptions, pinned: number | undefined): {history: History; restored: boolean} {
  const cache = pinned !== undefined && options.cacheDir && options.configDir ? openJudgedCache({cacheDir: options.cacheDir, configDir: options.configDir, projects: [projectOfVault(file.path)]}, file.vaultId) : undefined
  if (!cache || pinned === undefined) return {history: loadHistory(file.db, file.vaultId, verifiedRecord(file.path, file.vaultId, options), options.onLoad), restored: false}
  // The record of verified rows is read only when the history is (a restored one needs none).
  return loadJudgedHistory(file, pinned, cache, {record: () => verifiedRecord(file.path, file.vaultId, options), onProgress: options.onLoad, minBytes: options.judgedCacheMinBytes})
}

/** A descriptor of the file at `path`, or undefined when it cannot be opened (openVaultFile then says why). */
function openPinned(path: string): number | undefined {
  try {
    return openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK)
  } catch {
    return undefined
  }
}

/** `vaultPath`: caches are never kept inside the vault's project (src/private-dir.ts). */
function verifiedRecord(vaultPath: string, vaultId: string, options: SessionOptions) {
  return options.cacheDir && options.configDir ? openVerifiedRecord({cacheDir: options.cacheDir, configDir: options.configDir, projects: [projectOfVault(vaultPath)]}, vaultId) : undefined
}

function placeOf(vaultPath: string, vaultId: string, options: SessionOptions): PinPlace | undefined {
  return options.configDir ? {vaultId, vaultPath, configDir: options.configDir, scopes: options.pinScope ?? ['-']} : undefined
}
