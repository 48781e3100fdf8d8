// From the rows of `ops` to operations whose bytes are what they claim. Everything here is
// about the bytes: each operation's id is the hash of its body, its signature is its author's,
// it belongs to this vault, and there is one vault.create. Any failure refuses the whole vault
// (an integrity error naming the operation): only someone editing the file outside secrets can
// produce one. What the author was allowed to do is judged afterwards (access/judge.ts), and an
// operation that fails that is ignored, not fatal.
import {Recipient} from '../../crypto/index.js'
import {SecretsError, integrity} from '../../errors.js'
import {type Operation, OperationFormatError, decodeOperation, shortId, verifyOperation} from './operations.js'
import type {StoredOp} from './op-table.js'
import type {VerifiedRecord} from './verified-cache.js'

export const RESTORE_HINT = 'the vault file was changed outside secrets; restore it from git (git checkout -- .secrets/vault.db)'

/** `record`: the rows this computer verified before (verified-cache.ts): their id, spelling and signature are not checked again. */
/** `onProgress`: rows read so far, for a progress line on large vaults. */
export function verifiedOps(rows: readonly StoredOp[], vaultId: string, record?: VerifiedRecord, onProgress?: (done: number, total: number) => void): Operation[] {
  // Operations recorded as verified, by position: two rows under one id (possible only by
  // editing the file) must not share a verdict, and are refused just below.
  const known = new Set<number>()
  const ids = new Set<string>()
  const ops = rows.map((row, i) => {
    if (ids.has(row.id)) throw integrity(`integrity check failed for operation ${shortId(row.id)}: it is stored twice`, RESTORE_HINT)
    ids.add(row.id)
    const seen = record?.has(row) ?? false
    if (seen) known.add(i)
    // Two passes over the rows: reading them, then their signatures.
    if (onProgress && i % 256 === 0) onProgress(i, 2 * rows.length)
    return decode(row, seen)
  })
  const creations = ops.filter((op) => op.kind === 'vault.create')
  if (creations.length !== 1) {
    throw integrity(creations.length === 0 ? 'integrity check failed: the vault has no vault.create operation' : 'integrity check failed: the vault has more than one vault.create operation', RESTORE_HINT)
  }

  const foreign = ops.find((op) => op.vault !== vaultId)
  if (foreign) throw integrity(`integrity check failed for operation ${shortId(foreign.id)}: it belongs to another vault`, RESTORE_HINT)
  verifySignatures(ops, known, onProgress && ((done) => onProgress(rows.length + done, 2 * rows.length)))
  if (record) rows.forEach((row, i) => known.has(i) || record.add(row))
  return ops
}

/** `verifiedBefore`: this exact row passed every check before (verified-cache.ts). */
function decode(row: StoredOp, verifiedBefore: boolean): Operation {
  try {
    return decodeOperation(row.id, new Uint8Array(row.body), new Uint8Array(row.signature), verifiedBefore)
  } catch (error) {
    if (!(error instanceof OperationFormatError)) throw error
    if (error.newer) throw new SecretsError('ERROR', `operation ${shortId(row.id)} of the vault ${error.message}`, 'upgrade secrets')
    throw integrity(`integrity check failed for operation ${shortId(row.id)}: ${error.message}`, RESTORE_HINT)
  }
}

/** Each operation is signed by the member its author field names (vault.create: by its own member). */
function verifySignatures(ops: readonly Operation[], verifiedBefore: ReadonlySet<number>, onProgress?: (done: number) => void): void {
  const recipients = new Map<string, {name: string; recipient: Recipient}>()
  for (const op of ops) {
    const data = op.data
    if (data?.kind !== 'vault.create' && data?.kind !== 'member.add') continue
    recipients.set(op.id, {name: data.member.name, recipient: Recipient.parse(data.member.recipient)})
  }

  for (const [i, op] of ops.entries()) {
    if (onProgress && i % 256 === 0) onProgress(i)
    const data = op.data
    const signer = op.author === null ? (data?.kind === 'vault.create' ? {name: data.member.name, recipient: Recipient.parse(data.member.recipient)} : undefined) : recipients.get(op.author)
    if (!signer) throw integrity(`integrity check failed for operation ${shortId(op.id)} (${op.kind}): signed by an unknown member ${op.author?.slice(0, 12) ?? ''}`.trimEnd(), RESTORE_HINT)
    if (verifiedBefore.has(i)) continue
    if (!verifyOperation(signer.recipient, op.body, op.signature)) {
      throw integrity(`integrity check failed for operation ${shortId(op.id)} (${op.kind}): the signature by ${signer.name} does not match`, RESTORE_HINT)
    }
  }
}
