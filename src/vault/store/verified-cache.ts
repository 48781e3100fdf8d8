// This computer's record of the rows of a vault it has already verified, so that opening a vault
// of 10,000 operations checks only the ones it has not seen: the signature (~0.1 ms each), the
// id as the BLAKE2b hash of the bytes, and the bytes' canonical spelling. Judging the history
// runs every time, on the operations as the file holds them.
//
// What an entry means: "a row with exactly this id, these bytes and this signature passed every
// check of store/verified-ops.ts". It is a SHA-256 digest of the three together, so a row of
// which anything changed since is simply not in the record and is checked again: the file
// always decides, the record only saves repeating checks that are pure functions of the row. It lives in the user's cache directory (0600, in a
// 0700 folder): whoever can write there can already replace the program. Anything unreadable
// there is an empty record, never an error; a record that cannot be written is not kept.
import {createHash} from 'node:crypto'
import {chmodSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import type {StoredOp} from './op-table.js'

const DIGEST_BYTES = 32
/** More than any vault needs; a larger file is someone else's and is ignored. */
const MAX_ENTRIES = 1_000_000

export interface VerifiedRecord {
  /** Whether this exact row (id, bytes and signature) was verified before. */
  has(row: StoredOp): boolean
  /** Rows verified now; kept by save(). */
  add(row: StoredOp): void
  save(): void
}

// Lengths first: no two different rows give the same input to the hash.
function digest(row: StoredOp): string {
  const lengths = Buffer.alloc(8)
  lengths.writeUInt32BE(row.body.length, 0)
  lengths.writeUInt32BE(row.signature.length, 4)
  return createHash('sha256').update(lengths).update(row.id).update(row.body).update(row.signature).digest('base64')
}

export function verifiedRecordPath(cacheDir: string, vaultId: string): string {
  return join(cacheDir, 'secrets', 'verified', `${vaultId}.bin`)
}

/** `vaultId` comes from the file: only a plain id names a record (no path in it). */
export function openVerifiedRecord(cacheDir: string, vaultId: string): VerifiedRecord | undefined {
  if (!/^[0-9a-f]{32}$/.test(vaultId)) return undefined
  const path = verifiedRecordPath(cacheDir, vaultId)
  const known = new Set<string>()
  const fresh: string[] = []
  try {
    const bytes = readFileSync(path)
    if (bytes.length % DIGEST_BYTES === 0 && bytes.length / DIGEST_BYTES <= MAX_ENTRIES) {
      for (let at = 0; at < bytes.length; at += DIGEST_BYTES) known.add(bytes.toString('base64', at, at + DIGEST_BYTES))
    }
  } catch {
    // No record yet (or not readable): everything is verified.
  }

  return {
    has: (row) => known.has(digest(row)),
    add(row) {
      const entry = digest(row)
      if (!known.has(entry)) fresh.push(entry)
    },
    save() {
      if (fresh.length === 0 || known.size + fresh.length > MAX_ENTRIES) return
      for (const entry of fresh) known.add(entry)
      fresh.length = 0
      const bytes = Buffer.concat([...known].map((entry) => Buffer.from(entry, 'base64')))
      const dir = join(cacheDir, 'secrets', 'verified')
      const temp = `${path}.${process.pid}.tmp`
      try {
        mkdirSync(dir, {recursive: true, mode: 0o700})
        chmodSync(dir, 0o700)
        writeFileSync(temp, bytes, {mode: 0o600, flag: 'wx'})
        renameSync(temp, path)
      } catch {
        rmSync(temp, {force: true})
      }
    },
  }
}
