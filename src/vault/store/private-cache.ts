// Files of this computer's caches (store/verified-cache.ts, store/judged-cache.ts): a key only
// this user can read, and files read only when they are this user's own regular files, bounded
// in size. Whoever can write a cache file can plant entries; an HMAC under this key makes them
// worthless to anyone who cannot read it.
import {randomBytes} from 'node:crypto'
import {closeSync, constants, fstatSync, openSync, readSync, renameSync, rmSync, writeFileSync, writeSync} from 'node:fs'
import {join} from 'node:path'

import {ensurePrivateDir} from '../../private-dir.js'

const KEY_BYTES = 32

export function verifiedKeyPath(configDir: string): string {
  return join(configDir, 'secrets', 'verified.key')
}

/** Replaces `path` with `bytes` (0600) through a fresh temporary file; a failure leaves the old file. */
export function writePrivateFile(path: string, bytes: Uint8Array): void {
  const temp = `${path}.${process.pid}.tmp`
  try {
    writeFileSync(temp, bytes, {mode: 0o600, flag: 'wx'})
    renameSync(temp, path)
  } catch {
    rmSync(temp, {force: true})
  }
}

/** This computer's key for its caches (the record of verified rows, judged states), made on first use; undefined where it cannot be kept privately. */
export function cacheKey(configDir: string, projects: readonly string[]): Buffer | undefined {
  const dir = join(configDir, 'secrets')
  if (!ensurePrivateDir(dir, projects)) return undefined
  const path = verifiedKeyPath(configDir)
  const existing = readPrivateFile(path, KEY_BYTES)
  if (existing?.length === KEY_BYTES) return existing
  if (existing !== undefined) return undefined
  const key = randomBytes(KEY_BYTES)
  try {
    // O_EXCL: never through a symlink, never over a key another process just made.
    const fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600)
    try {
      writeSync(fd, key)
    } finally {
      closeSync(fd)
    }

    return key
  } catch {
    // Another process made it first: use theirs.
    const theirs = readPrivateFile(path, KEY_BYTES)
    return theirs?.length === KEY_BYTES ? theirs : undefined
  }
}

/**
 * The bytes of a regular file of this user's that no one else can write, at most `max` bytes;
 * undefined when there is none or it is not such a file (a symlink, a FIFO, /dev/zero, too big).
 */
export function readPrivateFile(path: string, max: number): Buffer | undefined {
  let fd: number | undefined
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK)
    const stat = fstatSync(fd)
    const mine = typeof process.getuid !== 'function' || stat.uid === process.getuid()
    if (!stat.isFile() || !mine || (stat.mode & 0o022) !== 0 || stat.size > max) return undefined
    const bytes = Buffer.alloc(stat.size)
    let read = 0
    while (read < bytes.length) {
      const n = readSync(fd, bytes, read, bytes.length - read, read)
      if (n === 0) break
      read += n
    }

    return read === bytes.length ? bytes : undefined
  } catch {
    return undefined
  } finally {
    if (fd !== undefined) closeSync(fd)
  }
}
