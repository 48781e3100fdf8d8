// This computer's record of the operations whose signatures it has already checked, so that
// opening a vault of 10,000 operations verifies only the ones it has not seen (a signature
// check costs ~0.1 ms; the history's other checks run every time).
//
// What an entry means: "a row with exactly this id and exactly this signature verified". The id
// is the hash of the operation's bytes, re-computed from the file on every read, and the
// entry is a digest of id and signature together, so a row whose bytes or signature changed
// since is simply not in the record and is verified again: the file always decides, the record
// only saves repeating a check that passed. It lives in the user's cache directory (0600, in a
// 0700 folder): whoever can write there can already replace the program. Anything unreadable
// there is an empty record, never an error; a record that cannot be written is not kept.
import {createHash} from 'node:crypto'
import {chmodSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

const DIGEST_BYTES = 32
/** More than any vault needs; a larger file is someone else's and is ignored. */
const MAX_ENTRIES = 1_000_000

export interface VerifiedRecord {
  /** Whether this exact row (id and signature) verified before. */
  has(id: string, signature: Uint8Array): boolean
  /** Rows verified now; kept by save(). */
  add(id: string, signature: Uint8Array): void
  save(): void
}

function digest(id: string, signature: Uint8Array): string {
  return createHash('sha256').update(id).update(signature).digest('base64')
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
    has: (id, signature) => known.has(digest(id, signature)),
    add(id, signature) {
      const entry = digest(id, signature)
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
