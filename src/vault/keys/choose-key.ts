// Which key a new value is encrypted under. A writer never trusts a key because it is there:
// the scope's current key is used only when it counts (its author could read the scope, or
// re-keyed as owner or maintainer), it opens to its commitment, and everyone who can open it —
// its author and every member it was sealed or shared to — may read the scope today. Otherwise
// the writer makes a new key sealed to today's readers. So a key planted by a member who may
// not read the scope, or held by someone who lost access since, never protects a new value.
import {wipe} from '../../crypto/index.js'
import {SecretsError} from '../../errors.js'
import {type Scoped, describeScope} from '../../scope.js'
import type {Member} from '../access/access-state.js'
import {scopeKey} from '../access/history.js'
import type {InlineKey} from '../store/operations.js'
import type {VaultSession} from '../session.js'
import {canOpen, newKey, openKey, sealTo} from './key-material.js'

export interface WritingKey {
  /** What the value's operation names: a key.add id, or a key carried inline. */
  ref: string | InlineKey
  /** The key itself; owned by the session cache (scope keys) or to be wiped by the caller (inline). */
  key: Uint8Array
  inline: boolean
}

/**
 * What one transaction decided per scope, so that writing many values (an import) judges the
 * history once, not once per value. Valid only inside that transaction.
 */
export type KeyChoices = Map<string, {readers: Member[]; key?: WritingKey}>

/**
 * The key for a new value in `scope`, appending key operations when needed. Inside a write.
 * A member who may write but not read gets a key of its own for this one value, sealed to the
 * scope's readers: they cannot open the scope's key, and may not make one.
 */
export function keyForWriting(session: VaultSession, scope: Scoped, choices?: KeyChoices): WritingKey {
  const remembered = choices?.get(scopeKey(scope))
  if (remembered?.key) return remembered.key
  if (remembered) return inlineKey(remembered.readers)

  const history = session.history
  const {member} = session.me()
  const readers = session.readersOf(scope)
  const what = `the key of ${describeScope(scope)}`
  if (!readers.some((r) => r.id === member.id)) {
    choices?.set(scopeKey(scope), {readers})
    return inlineKey(readers)
  }

  const chosen = scopeKeyFor(session, scope, readers, what)
  choices?.set(scopeKey(scope), {readers, key: chosen})
  return chosen
}

function inlineKey(readers: readonly Member[]): WritingKey {
  const fresh = newKey(readers)
  return {ref: {commitment: fresh.commitment, sealed: fresh.sealed}, key: fresh.key, inline: true}
}

function scopeKeyFor(session: VaultSession, scope: Scoped, readers: readonly Member[], what: string): WritingKey {
  const history = session.history
  const current = usableKey(session, scope)
  if (current !== undefined) {
    const key = openKey(session, current, what)
    const holders = history.holders(current)
    const missing = readers.filter((r) => !holders.has(r.id))
    if (missing.length > 0) session.append({kind: 'key.share', key: history.op(current).id, sealed: sealTo(missing, key)})
    return {ref: history.op(current).id, key, inline: false}
  }

  const fresh = newKey(readers)
  const op = session.append({kind: 'key.add', environment: scope.environment, branch: scope.branch, commitment: fresh.commitment, sealed: fresh.sealed})
  session.rememberKey(op.id, fresh.key)
  return {ref: op.id, key: fresh.key, inline: false}
}

/**
 * The scope's current key if a writer may use it (see the file's comment), else undefined. A
 * copy sealed to this writer that does not open to the key's commitment (a box anyone can
 * write) makes the key unusable, not the write impossible: the writer makes a new key.
 */
export function usableKey(session: VaultSession, scope: Scoped): number | undefined {
  const history = session.history
  const current = history.currentKey(scope)
  if (current === undefined || !canOpen(session, current)) return undefined
  const readers = new Set(session.readersOf(scope).map((r) => r.id))
  if (![...history.holders(current)].every((id) => readers.has(id))) return undefined
  try {
    openKey(session, current, `the key of ${describeScope(scope)}`)
  } catch (error) {
    if (error instanceof SecretsError && error.code === 'INTEGRITY') return undefined
    throw error
  }

  return current
}

/**
 * New keys for `scopes`, sealed to their readers today (a re-key). Inside a write. Returns how
 * many were made.
 */
export function rekeyScopes(session: VaultSession, scopes: readonly Scoped[]): number {
  const history = session.history
  const readers = scopes.map((scope) => session.readersOf(scope))
  for (const [i, scope] of scopes.entries()) {
    const fresh = newKey(readers[i]!)
    session.append({kind: 'key.add', environment: scope.environment, branch: scope.branch, commitment: fresh.commitment, sealed: fresh.sealed})
    wipe(fresh.key)
  }

  return scopes.length
}
