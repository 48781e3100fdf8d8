// A vault's judged history, from its file or its rows: the bytes verified (store/), then judged
// (access/). A parent that is not in the file means an operation was deleted.
import {integrity} from '../errors.js'
import {MissingParentError, TooWideError} from './access/dag.js'
import {History} from './access/history.js'
import {type StoredOp, readOps} from './store/op-table.js'
import {shortId} from './store/operations.js'
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
