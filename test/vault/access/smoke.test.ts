import {beforeAll, describe, expect, it} from 'vitest'

import {loadSodium} from '../../../src/crypto/index.js'
import {HistoryBuilder, verdictOf} from '../../helpers/history-builder.js'

beforeAll(async () => {
  await loadSodium()
})

describe('history builder', () => {
  it('builds a history a vault loader accepts', () => {
    const h = new HistoryBuilder()
    h.addMember('alice', 'bob', {role: 'developer'})
    h.rule('alice', 'user:bob', ['read', 'create'])
    const set = h.set('bob', 'TOKEN')
    const history = h.loaded()
    expect(verdictOf(history, set)).toEqual({valid: true, update: false})
    expect(history.secrets().map((s) => s.name)).toEqual(['TOKEN'])
  })

  it('voids a revoked member\'s backdated operation on a branch that did not see the revocation', () => {
    const h = new HistoryBuilder()
    h.addMember('alice', 'bob', {role: 'developer'})
    h.rule('alice', 'user:bob', ['read', 'create', 'update'])
    h.set('alice', 'TOKEN')
    h.on('bob-branch')
    const revoke = h.on('main').revoke('alice', 'bob')
    const backdated = h.on('bob-branch').at('2025-01-01T00:00:00Z').set('bob', 'TOKEN')
    h.on('main').merge('bob-branch')
    const tip = h.set('alice', 'OTHER')
    const history = h.loaded()
    expect(verdictOf(history, revoke).valid).toBe(true)
    expect(verdictOf(history, backdated)).toMatchObject({valid: false, reason: expect.stringContaining('had not seen their revocation')})
    expect(verdictOf(history, tip).valid).toBe(true)
  })
})
