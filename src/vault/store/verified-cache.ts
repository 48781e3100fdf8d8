// This computer's record of the rows of a vault it has already verified, so that opening a vault
// of 10,000 operations checks only the ones it has not seen: the signature (~0.1 ms each), the
// id as the BLAKE2b hash of the bytes, and the bytes' canonical spelling. Judging the history
// runs every time, on the operations as the file holds them.
//
// What an entry means: "a row with exactly this id, these bytes and this signature passed every
// check of store/verified-ops.ts". It is an HMAC-SHA256 of the three together under a random key
// of this computer's (in the config directory, beside the pins), so a row of which anything
// changed since is simply not in the record and is checked again, and nobody without the key
// can write an entry — a record copied in from elsewhere (a CI cache, a repository) vouches for
// nothing. The file always decides; the record only saves repeating checks that passed.
// Both files must be this user's own, not symlinks, in directories no one else can write and
// outside any git worktree (src/private-dir.ts); otherwise there is no record, and everything
// is verified. Anything unreadable is an empty record, never an error.
import {createHmac} from 'node:crypto'
import {join} from 'node:path'

import {ensurePrivateDir} from '../../private-dir.js'
import type {StoredOp} from './op-table.js'
import {cacheKey, readPrivateFile, writePrivateFile} from './private-cache.js'

const ENTRY_BYTES = 32
/** More than any vault needs; a larger file is not ours and is ignored. */
const MAX_ENTRIES = 1_000_000

export interface VerifiedRecord {
  /** Whether this exact row (id, bytes and signature) was verified before. */
  has(row: StoredOp): boolean
  /** Rows verified now; kept by save(). */
  add(row: StoredOp): void
  save(): void
}

export function verifiedRecordPath(cacheDir: string, vaultId: string): string {
  return join(cacheDir, 'secrets', 'verified', `${vaultId}.bin`)
}

/** `vaultId` comes from the file: only a plain id names a record (no path in it). */
export function openVerifiedRecord(dirs: {cacheDir: string; configDir: string; projects: readonly string[]}, vaultId: string): VerifiedRecord | undefined {
  if (!/^[0-9a-f]{32}$/.test(vaultId)) return undefined
  const key = cacheKey(dirs.configDir, dirs.projects)
  const dir = join(dirs.cacheDir, 'secrets', 'verified')
  if (!key || !ensurePrivateDir(dir, dirs.projects)) return undefined
  const path = verifiedRecordPath(dirs.cacheDir, vaultId)
  const entry = (row: StoredOp): string => {
    // Lengths first: no two different rows give the same input.
    const lengths = Buffer.alloc(8)
    lengths.writeUInt32BE(row.body.length, 0)
    lengths.writeUInt32BE(row.signature.length, 4)
    return createHmac('sha256', key).update(lengths).update(row.id).update(row.body).update(row.signature).digest('base64')
  }

  const known = new Set<string>()
  const bytes = readPrivateFile(path, MAX_ENTRIES * ENTRY_BYTES)
  if (bytes && bytes.length % ENTRY_BYTES === 0) {
    for (let at = 0; at < bytes.length; at += ENTRY_BYTES) known.add(bytes.toString('base64', at, at + ENTRY_BYTES))
  }

  const fresh: string[] = []
  return {
    has: (row) => known.has(entry(row)),
    add(row) {
      const e = entry(row)
      if (!known.has(e)) fresh.push(e)
    },
    save() {
      if (fresh.length === 0 || known.size + fresh.length > MAX_ENTRIES) return
      for (const e of fresh) known.add(e)
      fresh.length = 0
      writePrivateFile(path, Buffer.concat([...known].map((e) => Buffer.from(e, 'base64'))))
    },
  }
}
