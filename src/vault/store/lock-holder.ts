// Who holds the vault's write lock, for the one line a waiting process prints when its wait runs
// out. SQLite does not say which process holds a lock, so each writer records itself in a small
// file beside the vault for as long as its write transaction lasts: one file per process
// (`vault.db.<pid>.holder.tmp`), so a writer only ever removes its own record and never the next
// writer's. The name ends in `.tmp`, which the `.secrets/.gitignore` that `enable` writes has
// always ignored. A record whose process is gone (killed mid-write) is stale: ignored, and swept
// by the next writer. The record is advisory: it never decides anything, it only names.
import {closeSync, constants, fstatSync, openSync, readFileSync, readdirSync, renameSync, rmSync, writeSync} from 'node:fs'
import {basename, dirname, join} from 'node:path'

import {SecretsError} from '../../errors.js'
import {SECRETS_LOCK_TIMEOUT} from '../../env.js'
import {processExists} from '../../process-exists.js'

export interface LockHolder {
  pid: number
  /** `secrets add`, `secrets merge-driver`, … (the command word only: never its arguments). */
  command: string
  /** When its write transaction began. */
  since: Date
}

/** A record, or one being written (renamed into place whole, so a reader never sees half). */
const RECORD = /^(\d{1,10})\.holder(-new)?\.tmp$/

function recordPath(vaultPath: string, pid: number): string {
  return `${vaultPath}.${pid}.holder.tmp`
}

/** The command word of this process, as a person would recognise it. */
function thisCommand(): string {
  const word = process.argv[2] ?? ''
  return /^[a-z][a-z-]{0,30}$/.test(word) ? `secrets ${word}` : 'secrets'
}

/**
 * Records this process as the vault's writer; call once the write lock is held. Returns the
 * function that removes the record. Best effort: a directory we cannot write to only costs the
 * name in someone else's busy message.
 */
export function recordHolder(vaultPath: string): () => void {
  const path = recordPath(vaultPath, process.pid)
  // Records of writers killed mid-write go now (a pid reused since would keep one a while).
  recordedHolders(vaultPath)
  const partial = `${vaultPath}.${process.pid}.holder-new.tmp`
  try {
    // The directory is the repository's: a clone can hold a symlink by this very name (to
    // ~/.bashrc, say). Never write through one: remove whatever is there, then create the file
    // exclusively, refusing a symlink (the rename replaces a link at `path` itself, not its target).
    rmSync(partial, {force: true})
    const fd = openSync(partial, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600)
    try {
      writeSync(fd, `${JSON.stringify({pid: process.pid, command: thisCommand(), since: new Date().toISOString()})}\n`)
    } finally {
      closeSync(fd)
    }

    renameSync(partial, path)
  } catch {
    rmSync(partial, {force: true})
    return () => {}
  }

  return () => rmSync(path, {force: true})
}

/** The live writers recorded beside the vault, latest first (normally one); stale records are removed. */
export function recordedHolders(vaultPath: string, except = process.pid): LockHolder[] {
  const dir = dirname(vaultPath)
  const prefix = `${basename(vaultPath)}.`
  let names: string[]
  try {
    names = readdirSync(dir)
  } catch {
    return []
  }

  const holders: LockHolder[] = []
  for (const name of names) {
    if (!name.startsWith(prefix)) continue
    const match = RECORD.exec(name.slice(prefix.length))
    if (!match) continue
    const pid = Number(match[1])
    if (pid === except) continue
    const path = join(dir, name)
    if (!processExists(pid)) {
      rmSync(path, {force: true})
      continue
    }

    if (match[2]) continue
    const holder = readRecord(path, pid)
    if (holder) holders.push(holder)
  }

  return holders.sort((a, b) => b.since.getTime() - a.since.getTime())
}

/** A record is one short JSON line. */
const MAX_RECORD_BYTES = 512

function readRecord(path: string, pid: number): LockHolder | undefined {
  try {
    // Only a small regular file: a clone could put a symlink (to /dev/zero, a FIFO) by this name.
    const fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK)
    let text: string
    try {
      const stat = fstatSync(fd)
      if (!stat.isFile() || stat.size > MAX_RECORD_BYTES) return undefined
      text = readFileSync(fd, 'utf8')
    } finally {
      closeSync(fd)
    }

    const value = JSON.parse(text) as {command?: unknown; since?: unknown}
    const since = new Date(String(value.since))
    const command = typeof value.command === 'string' && /^secrets( [a-z][a-z-]{0,30})?$/.test(value.command) ? value.command : 'secrets'
    return Number.isNaN(since.getTime()) ? undefined : {pid, command, since}
  } catch {
    // Being written or removed right now: it names nothing yet.
    return undefined
  }
}

/** The error for a wait on the vault's lock that ran out, naming who holds it when a record says. */
export function busyError(vaultPath: string, waitedMs: number, now = new Date()): SecretsError {
  const holder = recordedHolders(vaultPath)[0]
  const waited = `${formatSeconds(waitedMs)} s`
  const hint = `wait for it to finish and try again; ${SECRETS_LOCK_TIMEOUT} sets how long secrets waits (${waited} now)`
  if (!holder) {
    return new SecretsError(
      'BUSY',
      `the vault is busy: another process has held ${vaultPath} for more than ${waited} (no secrets command is writing it: a reader, or a program such as sqlite3)`,
      hint,
    )
  }

  const held = Math.max(0, Math.round((now.getTime() - holder.since.getTime()) / 1000))
  return new SecretsError('BUSY', `the vault is busy: ${holder.command} (pid ${holder.pid}) has held it for ${held} s`, `${hint}, or stop that process`)
}

function formatSeconds(ms: number): string {
  return String(Math.round(ms / 100) / 10)
}

/** Every holder record beside the vault, live or stale: what `disable` removes with the vault. */
export function holderRecordFiles(vaultPath: string): string[] {
  const prefix = `${basename(vaultPath)}.`
  try {
    return readdirSync(dirname(vaultPath))
      .filter((name) => name.startsWith(prefix) && RECORD.test(name.slice(prefix.length)))
      .map((name) => join(dirname(vaultPath), name))
  } catch {
    return []
  }
}
