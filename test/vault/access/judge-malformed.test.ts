// Operations that are signed but whose fields did not parse (a newer writer, or a forger):
// they count for nothing, and nothing counts through them.
import {beforeAll, describe, expect, it} from 'vitest'

import {loadSodium} from '../../../src/crypto/index.js'
import {judge} from '../../../src/vault/access/judge.js'
import type {Operation} from '../../../src/vault/store/operations.js'
import {HistoryBuilder} from '../../helpers/history-builder.js'

beforeAll(async () => {
  await loadSodium()
})

describe('malformed operations', () => {
  it('do not count, say why, and add no member whose operations could count', () => {
    const h = new HistoryBuilder()
    const add = h.addMember('alice', 'bob')
    h.rule('alice', 'user:bob', ['create'])
    const bySet = h.set('bob', 'TOKEN')
    const rule = h.rule('alice', 'user:bob', ['read', 'create'])
    const broken = (op: Operation, problem?: string): Operation => ({...op, data: undefined, problem})
    const ops = h.operations().map((op) => (op.id === add.id ? broken(op, 'unknown role') : op.id === rule.id ? broken(op) : op))
    const judged = judge(ops)
    const verdict = (op: Operation) => judged.verdicts[judged.ops.findIndex((o) => o.id === op.id)]
    expect(verdict(add)).toEqual({valid: false, reason: 'its fields are malformed (unknown role)'})
    expect(verdict(rule)).toEqual({valid: false, reason: 'its fields are malformed (no data)'})
    expect(verdict(bySet)).toEqual({valid: false, reason: 'its author is not a member'})
    expect(judged.members.has(add.id)).toBe(false)
  })
})
