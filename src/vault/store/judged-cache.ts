// This computer's copy of what it derived from a vault's history (access/history.ts,
// HistorySnapshot), so that `get`, `run`, `list` and `check` on a large vault whose file has not
// changed do not read, verify and judge every operation again.
//
// What an entry means: "a vault file with exactly these bytes judges to this state, by this
// version of secrets". It is keyed by the SHA-256 of the whole file (read while SQLite's shared
// lock keeps writers out), so any change to the file, a row added, removed or altered, a merge,
// a checkout, is a miss and the history is read and judged in full, as without the cache. The
// entry is authenticated with an HMAC under this computer's cache key (store/private-cache.ts):
// one copied in from elsewhere (a CI cache, a repository) is ignored. Operations are kept
// without their fields and bytes; those a command reads are read again from the file by id and
// checked then (load-history.ts). Anything unreadable or stale is a miss, never an error.
import {createHash, createHmac, timingSafeEqual} from 'node:crypto'
import {readFileSync, readSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {deserialize, serialize} from 'node:v8'

import {ensurePrivateDir} from '../../private-dir.js'
import type {HistorySnapshot} from '../access/history.js'
import {cacheKey, readPrivateFile, writePrivateFile} from './private-cache.js'

/** Raise when what a history judges to, or the snapshot's shape, changes without a version bump. */
const SNAPSHOT_FORMAT = 1
const MAGIC = Buffer.from('SJUDGED1')
const MAC_BYTES = 32
/** Far more than a vault of 100,000 secrets needs; a larger file is not ours and is ignored. */
const MAX_BYTES = 512 * 2 ** 20
/**
 * Below this size the file is read and judged in full: a vault of a few hundred operations
 * opens in a few milliseconds, less than reading a snapshot and hashing the file costs.
 */
export const JUDGED_CACHE_MIN_BYTES = 512 * 1024

export interface JudgedCache {
  /** The snapshot of a file with this digest, if this computer made one. */
  read(digest: string): HistorySnapshot | undefined
  write(digest: string, snapshot: HistorySnapshot): void
}

export function judgedStatePath(cacheDir: string, vaultId: string): string {
  return join(cacheDir, 'secrets', 'judged', `${vaultId}.bin`)
}

/** What a vault file's snapshot is keyed by: its vault id and every byte of it, read from `fd` a mebibyte at a time. */
export function fileDigest(vaultId: string, fd: number): string {
  const hash = createHash('sha256').update(vaultId).update('\0')
  const chunk = Buffer.allocUnsafe(2 ** 20)
  for (let at = 0; ; ) {
    const n = readSync(fd, chunk, 0, chunk.length, at)
    if (n === 0) break
    hash.update(chunk.subarray(0, n))
    at += n
  }

  return hash.digest('hex')
}

/** `vaultId` comes from the file: only a plain id names an entry (no path in it). */
export function openJudgedCache(dirs: {cacheDir: string; configDir: string; projects: readonly string[]}, vaultId: string): JudgedCache | undefined {
  if (!/^[0-9a-f]{32}$/.test(vaultId)) return undefined
  const key = cacheKey(dirs.configDir, dirs.projects)
  const dir = join(dirs.cacheDir, 'secrets', 'judged')
  if (!key || !ensurePrivateDir(dir, dirs.projects)) return undefined
  const path = judgedStatePath(dirs.cacheDir, vaultId)
  const mac = (payload: Uint8Array): Buffer => createHmac('sha256', key).update('secrets judged state\0').update(vaultId).update('\0').update(payload).digest()
  return {
    read(digest) {
      const bytes = readPrivateFile(path, MAX_BYTES)
      if (!bytes || bytes.length < MAGIC.length + MAC_BYTES || !bytes.subarray(0, MAGIC.length).equals(MAGIC)) return undefined
      const payload = bytes.subarray(MAGIC.length + MAC_BYTES)
      if (!timingSafeEqual(bytes.subarray(MAGIC.length, MAGIC.length + MAC_BYTES), mac(payload))) return undefined
      try {
        // Only bytes this computer wrote under its key reach deserialize().
        const entry = deserialize(payload) as {build?: unknown; digest?: unknown; snapshot?: HistorySnapshot}
        return entry.build === build() && entry.digest === digest ? entry.snapshot : undefined
      } catch {
        return undefined
      }
    },
    write(digest, snapshot) {
      try {
        const payload = serialize({build: build(), digest, snapshot})
        writePrivateFile(path, Buffer.concat([MAGIC, mac(payload), payload]))
      } catch {
        // A cache that cannot be written is no cache.
      }
    },
  }
}

let buildId: string | undefined

/**
 * The code that judged: this package's version, the snapshot format and V8's (whose
 * serialization the entry uses). Another version of secrets judges afresh.
 */
function build(): string {
  buildId ??= `${packageVersion()}/${SNAPSHOT_FORMAT}/${process.versions.v8}`
  return buildId
}

/** The version in the nearest package.json above this module (dist/ or the bundle alike). */
function packageVersion(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    try {
      const found = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {name?: unknown; version?: unknown}
      if (typeof found.version === 'string') return `${String(found.name)}@${found.version}`
    } catch {
      // None here: look further up.
    }

    if (dirname(dir) === dir) return 'unknown'
  }
}
