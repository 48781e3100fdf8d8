// File-type secrets: each value in a 0600 file inside a fresh 0700 directory, removed when the
// child ends (or run is stopped by a signal). A run killed before it could clean up (SIGKILL)
// leaves its directory behind; the next run, dry runs included, sweeps directories whose run
// is gone. The directory's name is its owner marker: `run-<pid>-<start time>-XXXXXX`, the
// start time (Linux: clock ticks since boot, /proc/<pid>/stat field 22) telling a live run
// from a new process that reuses a dead run's pid.
import {lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join, resolve} from 'node:path'

import type {Env} from '../env.js'
import {usage} from '../errors.js'
import {isVariableName} from '../vault/validate.js'
import {processExists} from '../process-exists.js'

/** Where run directories live: per user, under XDG_RUNTIME_DIR (a tmpfs) when there is one. */
export function runBaseDir(env: Env): string {
  return env.XDG_RUNTIME_DIR ? join(env.XDG_RUNTIME_DIR, 'secrets') : join(tmpdir(), `secrets-${uid()}`)
}

export class SecretFiles {
  private constructor(readonly dir: string) {}

  /**
   * A fresh directory for this run, after sweeping stale ones. When `base` is not a private
   * directory of ours (another local user made it first, or a symlink by that name, or its
   * mode lets others in), the run does not stop: it uses a fresh private directory of its own
   * in the system's temporary directory, and `warn` says so in one line.
   */
  static create(base: string, warn: (line: string) => void = () => {}): SecretFiles {
    const problem = claimPrivateDir(base)
    sweepFallbacks()
    if (problem === undefined) {
      sweepStale(base)
      return new SecretFiles(mkdtempSync(join(base, `${ownerMarker()}-`)))
    }

    // mkdtemp makes the directory 0700 under a name nobody could have guessed beforehand.
    const dir = mkdtempSync(join(tmpdir(), `${FALLBACK_PREFIX()}${ownerMarker()}-`))
    warn(`${base} ${problem}: secret files go to ${dir} for this run`)
    return new SecretFiles(dir)
  }

  /** Writes one value; the returned path is what the variable holds. */
  write(variable: string, value: Uint8Array): string {
    // Names are checked long before this (a job's `secrets:` keys, --variable names), but a
    // path made from one must stay in this directory whatever slipped through.
    const path = resolve(this.dir, variable)
    if (!isVariableName(variable) || dirname(path) !== resolve(this.dir)) {
      throw usage(`refusing to write the secret file for ${JSON.stringify(variable.slice(0, 64))}: not a valid variable name`)
    }

    writeFileSync(path, value, {mode: 0o600, flag: 'wx'})
    return path
  }

  remove(): void {
    rmSync(this.dir, {recursive: true, force: true})
  }
}

/** Sweeps the directories of dead runs without creating anything: for dry runs. */
export function sweepStaleRunDirs(env: Env): void {
  try {
    sweepFallbacks()
    const base = runBaseDir(env)
    if (privacyProblem(base) === undefined) sweepStale(base)
  } catch {
    // A sweep is housekeeping: it never stops a run.
  }
}

/**
 * Makes `base` (0700) when it is missing; returns why it cannot be used, or undefined when it
 * is a real directory (not a symlink), owned by us, that nobody else may enter.
 */
function claimPrivateDir(base: string): string | undefined {
  try {
    mkdirSync(dirname(base), {recursive: true, mode: 0o700})
    mkdirSync(base, {mode: 0o700})
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') return `cannot be created (${(error as NodeJS.ErrnoException).code ?? 'error'})`
  }

  return privacyProblem(base)
}

function privacyProblem(base: string): string | undefined {
  let stat
  try {
    stat = lstatSync(base)
  } catch {
    return 'is missing'
  }

  if (stat.isSymbolicLink()) return 'is a symbolic link'
  if (!stat.isDirectory()) return 'is not a directory'
  const me = process.getuid?.()
  if (me !== undefined && stat.uid !== me) return `belongs to another user (uid ${stat.uid})`
  // Made by us it would be 0700: a wider mode means someone changed it, and may have been inside.
  if ((stat.mode & 0o077) !== 0) return `is open to others (mode ${(stat.mode & 0o777).toString(8).padStart(4, '0')})`
  return undefined
}

/** Removes run directories in `base` whose run is gone; returns their names. */
export function sweepStale(base: string): string[] {
  const swept: string[] = []
  for (const name of readdirSync(base)) {
    const owner = parseMarker(name)
    if (!owner || isAlive(owner)) continue
    rmSync(join(base, name), {recursive: true, force: true})
    swept.push(name)
  }

  return swept
}

/** Fallback directories of dead runs, in the shared temporary directory: only ours, only real directories. */
function sweepFallbacks(): void {
  const prefix = FALLBACK_PREFIX()
  let names: string[]
  try {
    names = readdirSync(tmpdir()).filter((name) => name.startsWith(prefix))
  } catch {
    return
  }

  for (const name of names) {
    const owner = parseMarker(name.slice(prefix.length))
    if (!owner || isAlive(owner)) continue
    const path = join(tmpdir(), name)
    const stat = lstatSync(path, {throwIfNoEntry: false})
    if (!stat?.isDirectory() || stat.uid !== process.getuid?.()) continue
    rmSync(path, {recursive: true, force: true})
  }
}

const FALLBACK_PREFIX = () => `secrets-${uid()}-`

interface Owner {
  pid: number
  /** The run's start time; undefined in names written before it was recorded, or where it is unknown. */
  start?: string
}

/** `run-<pid>-<start>-XXXXXX`, or the older `run-<pid>-XXXXXX`. */
export function parseMarker(name: string): Owner | undefined {
  const match = /^run-(\d+)-(?:(\d+)-)?[^-]+$/.exec(name)
  if (!match) return undefined
  const start = match[2] === undefined || match[2] === '0' ? undefined : match[2]
  return {pid: Number(match[1]), start}
}

export function ownerMarker(): string {
  return `run-${process.pid}-${startTime(process.pid) ?? '0'}`
}

/** A process's start time (clock ticks after boot, field 22 of /proc/<pid>/stat); undefined without /proc. */
export function startTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1')
    const field = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[22 - 3]
    return field && /^\d+$/.test(field) ? field : undefined
  } catch {
    return undefined
  }
}

function isAlive(owner: Owner): boolean {
  if (owner.pid === 0) return true
  if (!processExists(owner.pid)) return false

  // Alive, but is it the run that made the directory, or a new process that got its pid?
  if (owner.start === undefined) return true
  const now = startTime(owner.pid)
  return now === undefined || now === owner.start
}

function uid(): number {
  return process.getuid?.() ?? 0
}
