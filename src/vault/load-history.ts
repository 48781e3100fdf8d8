// A vault's judged history, from its file or its rows: the bytes verified (store/), then judged
// (access/). A parent that is not in the file means an operation was deleted.
import {fstatSync, statSync} from 'node:fs'

import {Recipient} from '../crypto/index.js'
import {SecretsError, integrity} from '../errors.js'
import type {Member} from './access/access-state.js'
import {MissingParentError, TooWideError} from './access/dag.js'
import {History} from './access/history.js'
import type {LoadedOp, OpHeader} from './access/history-snapshot.js'
import type {VaultFile} from './store/database.js'
import {type JudgedCache, JUDGED_CACHE_MIN_BYTES, fileDigest} from './store/judged-cache.js'
import {type StoredOp, readOps} from './store/op-table.js'
import {OperationFormatError, decodeOperation, shortId, verifyOperation} from './store/operations.js'
import type {Database} from './store/schema.js'
import type {VerifiedRecord} from './store/verified-cache.js'
import {RESTORE_HINT, verifiedOps} from './store/verified-ops.js'

/** `record`: rows verified on this computer before; kept up to date once the whole history passes. */
export function loadHistory(db: Database, vaultId: string, record?: VerifiedRecord, onProgress?: (done: number, total: number) => void): History {
  return historyOf(readOps(db), vaultId, record, onProgress)
}

export function historyOf(rows: readonly StoredOp[], vaultId: string, record?: VerifiedRecord, onProgress?: (done: number, total: number) => void): History {
  const ops = verifiedOps(rows, vaultId, record, onProgress)
  try {
    const history = History.of(ops)
    record?.save()
    return history
  } catch (error) {
    if (error instanceof MissingParentError) {
      throw integrity(
        `integrity check failed: operation ${shortId(error.id)} names a parent ${shortId(error.parent)} that is not in the vault (an operation was deleted)`,
        RESTORE_HINT,
      )
    }

    if (error instanceof TooWideError) {
      throw integrity(`the vault's history is too wide to judge: ${error.what}, in ${ops.length} operations; no honest history is`, RESTORE_HINT)
    }

    throw error
  }
}

/**
 * As loadHistory(), through this computer's judged-state cache (store/judged-cache.ts): a file
 * whose every byte is as when this computer last judged it gets that judgement back, its
 * operations read from the file one by one as they are used, each checked as loadHistory()
 * checks it. Any other file is read and judged in full, and its judgement kept for next time.
 * The file is hashed and read under one shared lock, so the judgement is that of the hashed bytes.
 */
export function loadJudgedHistory(
  file: VaultFile,
  /** A descriptor of the vault file, opened before SQLite opened its path. */
  pinned: number,
  cache: JudgedCache,
  options: {record: () => VerifiedRecord | undefined; onProgress?: (done: number, total: number) => void; minBytes?: number},
): {history: History; restored: boolean} {
  const {db, vaultId} = file
  db.exec('BEGIN')
  try {
    // The first read takes SQLite's shared lock: no writer commits until COMMIT below.
    db.prepare('SELECT count(*) FROM ops').get()
    // The bytes hashed must be the file SQLite reads. The path named the pinned file before
    // SQLite opened it and names it still, and that file's inode cannot be reused while it is
    // open: SQLite has it. Otherwise (a checkout replaced the file meanwhile) no state is read
    // or kept: one kept under the new file's hash would be the old file's judgement.
    const size = sameFile(pinned, file.path) ? fstatSync(pinned).size : -1
    if (size < (options.minBytes ?? JUDGED_CACHE_MIN_BYTES)) return {history: loadHistory(db, vaultId, options.record(), options.onProgress), restored: false}
    const digest = fileDigest(vaultId, pinned)
    const snapshot = cache.read(digest)
    if (snapshot) return {history: History.restore(snapshot, checkedLoader(db, vaultId, snapshot.judgedMembers)), restored: true}
    const history = loadHistory(db, vaultId, options.record(), options.onProgress)
    // A program that ignores SQLite's locks (cp, a sync tool writing in place) may have changed
    // the file while it was judged: the judgement is kept only for bytes still as hashed.
    const made = history.snapshot()
    if (made && fileDigest(vaultId, pinned) === digest) cache.write(digest, made)
    return {history, restored: false}
  } finally {
    db.exec('COMMIT')
  }
}

function sameFile(fd: number, path: string): boolean {
  try {
    const held = fstatSync(fd)
    const named = statSync(path)
    return held.isFile() && held.dev === named.dev && held.ino === named.ino
  } catch {
    return false
  }
}

/**
 * Reads a restored operation's row again, by id, and checks it as verified-ops.ts does: its
 * bytes hash to its id (so they are the bytes that were judged), they say what the header says,
 * and its author signed them. The file may have changed since it was hashed (a checkout while
 * a command runs): a row that is gone or fails refuses, as a damaged vault would.
 */
function checkedLoader(db: Database, vaultId: string, members: ReadonlyMap<string, Member>): (header: OpHeader) => LoadedOp {
  const byIndex = db.prepare('SELECT body, signature FROM ops WHERE id = ?')
  // The full read scans the table; a damaged index could hand a lookup another row.
  const byScan = db.prepare('SELECT body, signature FROM ops NOT INDEXED WHERE id = ?')
  return (header) => {
    try {
      return checkedRow(byIndex.get(header.id), header, vaultId, members)
    } catch (error) {
      if (!(error instanceof SecretsError)) throw error
      // Refused only if the row the table itself holds is refused too, as the full read would.
      return checkedRow(byScan.get(header.id), header, vaultId, members)
    }
  }
}

function checkedRow(found: unknown, header: OpHeader, vaultId: string, members: ReadonlyMap<string, Member>): LoadedOp {
  const row = found as {body?: unknown; signature?: unknown} | undefined
  if (!row || !(row.body instanceof Uint8Array) || !(row.signature instanceof Uint8Array)) {
    throw integrity(`operation ${shortId(header.id)} is no longer in the vault file (it changed while secrets read it)`, 'run the command again')
  }

  let op
  try {
    op = decodeOperation(header.id, new Uint8Array(row.body), new Uint8Array(row.signature))
  } catch (error) {
    if (!(error instanceof OperationFormatError)) throw error
    throw integrity(`integrity check failed for operation ${shortId(header.id)}: ${error.message}`, RESTORE_HINT)
  }

  const data = op.data
  const same = op.vault === vaultId && op.vault === header.vault && op.author === header.author && op.at === header.at && op.kind === header.kind
    && op.problem === header.problem && (data !== undefined) === header.hasData && op.parents.join() === header.parents.join()
  const recipient = op.author === null ? (data?.kind === 'vault.create' ? data.member.recipient : undefined) : members.get(op.author)?.recipient
  if (!same || recipient === undefined || !verifyOperation(Recipient.parse(recipient), op.body, op.signature)) {
    throw integrity(`integrity check failed for operation ${shortId(header.id)} (${header.kind}): it is not the operation this computer judged`, RESTORE_HINT)
  }

  return {data, body: op.body, signature: op.signature}
}
