// A member who may only create secrets in one scope writes many concurrent creations of one
// secret, an operation naming them all as parents, then a long line of further sets of it (void
// or not, each is judged). Judging must not pay that width again for every later operation (it
// did: heads recomputed from scratch, wide² × long), and a secret wider than any honest history
// is refused with a clear error rather than left to keep every reader busy.
import {beforeAll, describe, expect, it} from 'vitest'

import {loadSodium} from '../../../src/crypto/index.js'
import {TooWideError} from '../../../src/vault/access/dag.js'
import {History} from '../../../src/vault/access/history.js'
import {MAX_HEADS_PER_SECRET} from '../../../src/vault/access/judge.js'
import type {OpData} from '../../../src/vault/store/operations.js'
import {HistoryBuilder} from '../../helpers/history-builder.js'

beforeAll(async () => {
  await loadSodium()
})

const set = (name: string): OpData => ({
  kind: 'secret.set', name, environment: 'staging', branch: '*', description: null, rotation_days: null, variable: false, file: false,
  protected: false, ref: null, key: {commitment: new Uint8Array(32), sealed: []}, nonce: new Uint8Array(24), ciphertext: new Uint8Array(16), origin: null,
})

/** mallory (create in staging only): `wide` concurrent creations of X, one op over all of them, then `long` more sets of X. */
function hostileHistory(wide: number, long: number): HistoryBuilder {
  const h = new HistoryBuilder()
  h.addMember('alice', 'mallory', {role: 'developer'})
  const base = h.rule('alice', 'user:mallory', ['read', 'create'], 'staging')
  const tips: string[] = []
  for (let i = 0; i < wide; i++) tips.push(h.by('mallory', set('X'), [base.id]).id)
  let previous = h.by('mallory', set('Y'), tips).id
  for (let i = 0; i < long; i++) previous = h.by('mallory', set('X'), [previous]).id
  return h
}

describe('judging a history a member made wide on purpose', () => {
  // Work, not time: the ancestry questions judging asks. Timing belongs in bench/.
  it('does not pay the width again for every later operation of the secret', () => {
    const queries = (long: number) => History.of(hostileHistory(MAX_HEADS_PER_SECRET, long).operations()).dag.queries
    const short = queries(100)
    const longer = queries(1100)
    // 1,000 more operations after the wide part: at most one question per head each (the heads
    // of one secret are bounded), not one per operation ever written.
    expect((longer - short) / 1000).toBeLessThanOrEqual(MAX_HEADS_PER_SECRET + 10)
  }, 300_000)

  it('refuses, with a clear error, one secret written on more concurrent lines than any honest history', () => {
    const h = new HistoryBuilder()
    h.addMember('alice', 'mallory', {role: 'developer'})
    const base = h.rule('alice', 'user:mallory', ['read', 'create'], 'staging')
    for (let i = 0; i < MAX_HEADS_PER_SECRET + 1; i++) h.by('mallory', set('X'), [base.id])
    expect(() => History.of(h.operations())).toThrow(TooWideError)
  }, 300_000)
})
