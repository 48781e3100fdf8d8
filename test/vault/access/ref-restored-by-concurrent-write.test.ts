// An owner unbinds a provider reference from a secret a developer may update. The developer
// writes a version on parents from before the unbinding, keeping the old reference: in the
// history it saw that is no change, so it counts, and it is concurrent with the owner's. Among
// concurrent versions, one whose author is a maintainer or owner (and may update) wins before
// the op id decides, so the developer cannot grind the id to bring the binding back.
import {beforeAll, describe, expect, it} from 'vitest'

import {loadSodium} from '../../../src/crypto/index.js'
import type {OpData, Operation} from '../../../src/vault/store/operations.js'
import {HistoryBuilder, verdictOf} from '../../helpers/history-builder.js'

beforeAll(async () => {
  await loadSodium()
})

const REF = 'vault:production/db/password@ops'

const version = (ref: string | null): OpData => ({
  kind: 'secret.set', name: 'DB_SHARED', environment: 'prod*', branch: '*', description: null, rotation_days: null, variable: false, file: false,
  protected: false, ref, key: {commitment: new Uint8Array(32), sealed: []}, nonce: new Uint8Array(24), ciphertext: new Uint8Array(16), origin: null,
})

/** The history, with dan's concurrent version claimed at `danAt`. */
function build(danAt: string): {h: HistoryBuilder; unbind: Operation; dan: Operation} {
  const h = new HistoryBuilder()
  h.addMember('alice', 'dan', {role: 'developer'})
  h.rule('alice', 'user:dan', ['read', 'update'], 'prod*')
  const bound = h.by('alice', version(REF))
  const unbind = h.by('alice', version(null))
  h.at(danAt)
  const dan = h.by('dan', version(REF), [bound.id])
  return {h, unbind, dan}
}

describe('a provider reference an owner removed', () => {
  it('is not restored by a developer\'s version written on parents from before the removal', () => {
    // dan grinds his claimed time until his operation id sorts above the owner's (about two tries).
    let built = build('2026-01-01T00:00:10.000Z')
    for (let s = 11; built.dan.id < built.unbind.id; s++) built = build(`2026-01-01T00:00:${String(s % 60).padStart(2, '0')}.${String(s).padStart(3, '0')}Z`)
    const history = built.h.history()
    const record = history.secret({name: 'DB_SHARED', environment: 'prod*', branch: '*'})!
    const current = history.version(record.current)
    // Today: dan's version counts (`valid: true`), it is current, and DB_SHARED is bound to the reference again.
    expect(verdictOf(history, built.dan).valid && current.id === built.dan.id && current.data.ref === REF).toBe(false)
  })
})
