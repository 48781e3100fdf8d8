// File-type secrets: each value in a 0600 file inside a fresh 0700 directory, removed when the
// child ends. A run killed before it could clean up leaves its directory behind; the next run
// sweeps directories whose process is gone.
import {chmodSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import type {Env} from '../env.js'
import {SecretsError} from '../errors.js'

/** Where run directories live: per user, under XDG_RUNTIME_DIR (a tmpfs) when there is one. */
export function runBaseDir(env: Env): string {
  const uid = process.getuid?.() ?? 0
  return env.XDG_RUNTIME_DIR ? join(env.XDG_RUNTIME_DIR, 'secrets') : join(tmpdir(), `secrets-${uid}`)
}

export class SecretFiles {
  private constructor(readonly dir: string) {}

  /** A fresh directory for this run (`run-<pid>-<random>`), after sweeping stale ones. */
  static create(base: string): SecretFiles {
    ensurePrivateDir(base)
    sweepStale(base)
    return new SecretFiles(mkdtempSync(join(base, `run-${process.pid}-`)))
  }

  /** Writes one value; the returned path is what the variable holds. */
  write(variable: string, value: Uint8Array): string {
    const path = join(this.dir, variable)
    writeFileSync(path, value, {mode: 0o600, flag: 'wx'})
    return path
  }

  remove(): void {
    rmSync(this.dir, {recursive: true, force: true})
  }
}

/**
 * The base directory must be ours and private: in a shared /tmp, someone else could have made
 * it first (or a symlink by that name) to read what we write.
 */
function ensurePrivateDir(base: string): void {
  mkdirSync(base, {recursive: true, mode: 0o700})
  const stat = lstatSync(base)
  const uid = process.getuid?.()
  if (!stat.isDirectory() || (uid !== undefined && stat.uid !== uid)) {
    throw new SecretsError('ERROR', `refusing to write secret files under ${base}: it is not a directory owned by you`)
  }

  if ((stat.mode & 0o077) !== 0) chmodSync(base, 0o700)
}

/** Removes run directories whose process is gone. */
export function sweepStale(base: string): string[] {
  const swept: string[] = []
  for (const name of readdirSync(base)) {
    const pid = Number(/^run-(\d+)-/.exec(name)?.[1])
    if (!pid || pid === process.pid || isAlive(pid)) continue
    rmSync(join(base, name), {recursive: true, force: true})
    swept.push(name)
  }

  return swept
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}
