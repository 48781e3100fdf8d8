// Data keys as bytes: sealing a key to readers, and opening the copy sealed to this identity.
// A key is a key.add operation (one per scope and re-key) or a key carried inline by a value
// (written by a member who may create but not read); both carry a commitment their author
// signed, and an opened key is used only when it matches it.
import {DecryptionFailed, Recipient, generateDataKey, keyCommitment, matchesCommitment, wipe} from '../../crypto/index.js'
import {denied, integrity} from '../../errors.js'
import {type Scoped, describeScope} from '../../scope.js'
import type {Member} from '../access/access-state.js'
import type {InlineKey, Sealed} from '../store/operations.js'
import {RESTORE_HINT} from '../store/verified-ops.js'
import type {VaultSession} from '../session.js'

export interface NewKey {
  key: Uint8Array
  commitment: Uint8Array
  sealed: Sealed[]
}

/** A fresh data key sealed to each of `readers`. The caller wipes `key`. */
export function newKey(readers: readonly Member[]): NewKey {
  const key = generateDataKey()
  return {key, commitment: keyCommitment(key), sealed: sealTo(readers, key)}
}

export function sealTo(members: readonly Member[], key: Uint8Array): Sealed[] {
  return members.map((m) => ({member: m.id, box: Recipient.parse(m.recipient).seal(key)}))
}

/** The scope and commitment of a key operation (key.add, or a secret.set with an inline key). */
export function keyInfo(session: VaultSession, index: number): {scope: Scoped; commitment: Uint8Array} {
  const data = session.history.op(index).data
  if (data?.kind === 'key.add') return {scope: data, commitment: data.commitment}
  if (data?.kind === 'secret.set' && typeof data.key !== 'string') return {scope: data, commitment: (data.key as InlineKey).commitment}
  throw new Error('not a key operation')
}

/** Whether this identity holds a sealed copy of the key. */
export function canOpen(session: VaultSession, index: number): boolean {
  const {memberIds} = session.me()
  return session.history.sealedCopies(index).some((s) => memberIds.has(s.member))
}

/**
 * Opens the copy of a key sealed to this identity and checks it against the commitment.
 * PERMISSION_DENIED when none was sealed to it; INTEGRITY when a copy does not open or holds
 * another key (a box anyone could have written).
 */
export function openKey(session: VaultSession, index: number, what: string): Uint8Array {
  const id = session.history.op(index).id
  const cached = session.openedKey(id)
  if (cached) return cached
  const {identity, member, memberIds} = session.me()
  const {scope, commitment} = keyInfo(session, index)
  const mine = session.history.sealedCopies(index).filter((s) => memberIds.has(s.member))
  if (mine.length === 0) {
    throw denied(`${member.name} cannot read ${what}: no key for ${describeScope(scope)} was shared with you`, 'an owner can share it: `secrets permit` seals keys to everyone with read')
  }

  for (const {box} of mine) {
    let key: Uint8Array
    try {
      key = identity.openSealed(box)
    } catch (error) {
      if (error instanceof DecryptionFailed) continue
      throw error
    }

    if (matchesCommitment(key, commitment)) {
      session.rememberKey(id, key)
      return key
    }

    wipe(key)
  }

  throw integrity(`integrity check failed for ${what}: the data key sealed to you does not open or is not the committed key`, RESTORE_HINT)
}
