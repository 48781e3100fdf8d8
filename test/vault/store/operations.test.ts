// Reading stored operations: bytes that are not an operation of this format refuse the vault
// (OperationFormatError); a signed, well-formed envelope whose fields no client of ours writes
// comes back with `problem` set, so the history model ignores it and says why.
import {describe, expect, it} from 'vitest'

import {type Json, canonicalJson, decodeCanonicalJson, encodeCanonicalJson, loadSodium} from '../../../src/crypto/index.js'
import {OperationFormatError, decodeOperation, operationId} from '../../../src/vault/store/operations.js'

await loadSodium()

const ID = 'ab'.repeat(32)
const NO_SIGNATURE = new Uint8Array(64)

function decode(envelope: Record<string, Json>) {
  const body = encodeCanonicalJson(envelope)
  return decodeOperation(operationId(body), body, NO_SIGNATURE)
}

const envelope = (data: Record<string, Json>, kind = 'secret.remove'): Record<string, Json> => ({
  v: 2, vault: 'v', kind, author: ID, at: '2026-01-01T00:00:00.000Z', parents: [ID], data,
})

describe('canonical json', () => {
  it.each([
    ['sorted keys, no spaces', {b: 1, a: [true, null, 'x']}, '{"a":[true,null,"x"],"b":1}'],
    ['nested objects sorted too', {z: {y: 1, x: 2}}, '{"z":{"x":2,"y":1}}'],
    ['a lone surrogate escaped', {s: '\ud800'}, '{"s":"\\ud800"}'],
    ['minus zero as zero', {n: -0}, '{"n":0}'],
  ])('%s', (_what, value, text) => {
    expect(canonicalJson(value as Json)).toBe(text)
  })

  it.each([
    ['a float', {n: 1.5}],
    ['an unsafe integer', {n: 2 ** 53}],
    ['a class instance', {d: new Date(0) as unknown as Json}],
  ])('refuses %s', (_what, value) => {
    expect(() => canonicalJson(value as Json)).toThrow()
  })

  it.each([
    ['spaces', '{"a": 1}'],
    ['unsorted keys', '{"b":1,"a":2}'],
    ['a duplicate key', '{"a":1,"a":1}'],
    ['an escaped letter', '{"a":"\\u0061"}'],
    ['a number spelled 1e0', '{"a":1e0}'],
    ['invalid utf-8', '\xff'],
  ])('refuses to read a body with %s', (_what, text) => {
    const bytes = text === '\xff' ? Uint8Array.of(0xff) : new TextEncoder().encode(text)
    expect(() => decodeCanonicalJson(bytes)).toThrow()
  })
})

describe('decodeOperation', () => {
  it('reads a well-formed operation', () => {
    const op = decode(envelope({name: 'A', environment: '*', branch: '*'}))
    expect(op).toMatchObject({kind: 'secret.remove', author: ID, parents: [ID], data: {kind: 'secret.remove', name: 'A', environment: '*', branch: '*'}})
    expect(op.problem).toBeUndefined()
  })

  it.each([
    ['bytes that do not match the id', () => decodeOperation(ID, encodeCanonicalJson(envelope({name: 'A', environment: '*', branch: '*'})), NO_SIGNATURE), /do not match its id/],
    ['a newer format', () => decode({...envelope({}), v: 3}), /format 3, newer than this secrets understands/],
    ['an unknown kind', () => decode(envelope({}, 'secret.teleport')), /kind "secret.teleport" is unknown/],
    ['an extra envelope field', () => decode({...envelope({name: 'A', environment: '*', branch: '*'}), extra: 1}), /unknown or missing fields/],
    ['parents out of order', () => decode({...envelope({name: 'A', environment: '*', branch: '*'}), parents: ['cd'.repeat(32), ID]}), /not sorted and unique/],
    ['no parents', () => decode({...envelope({name: 'A', environment: '*', branch: '*'}), parents: []}), /it has no parents/],
    ['a time that is not UTC ISO 8601', () => decode({...envelope({name: 'A', environment: '*', branch: '*'}), at: '2026-01-01 00:00'}), /not an ISO 8601 UTC time/],
    ['an author that is not an id', () => decode({...envelope({name: 'A', environment: '*', branch: '*'}), author: 'alice'}), /author is not a member id/],
  ])('refuses %s', (_what, read, message) => {
    expect(read).toThrow(OperationFormatError)
    expect(read).toThrow(message)
  })

  it.each([
    ['a secret name GitLab refuses', envelope({name: 'A-B', environment: '*', branch: '*'}), 'its name or scope is not valid'],
    ['a branch scope git refuses', envelope({name: 'A', environment: '*', branch: 'a..b'}), 'its name or scope is not valid'],
    ['an extra data field', envelope({name: 'A', environment: '*', branch: '*', extra: true}), 'its name or scope is not valid'],
    ['a rule with an unknown action', envelope({principal: 'user:bob', actions: ['read', 'fly'], environment: '*', branch: '*'}, 'rule.set'), 'its actions are not read, create, update, delete'],
    ['a rule for a role that does not exist', envelope({principal: 'role:admin', actions: ['read'], environment: '*', branch: '*'}, 'rule.set'), 'its principal is not user:, machine:, group: or role:'],
    ['a group of groups', envelope({group: 'group:a', members: ['group:b']}, 'group.set'), 'its members are not user: or machine: names'],
    ['a setting nobody knows', envelope({name: 'debug', value: []}, 'setting.set'), 'an unknown setting'],
    ['a key with a short commitment', envelope({environment: '*', branch: '*', commitment: 'AAAA', sealed: []}, 'key.add'), 'its commitment or sealed keys are malformed'],
    ['a member with a recipient that is not one', envelope({member: {name: 'user:x', kind: 'user', recipient: 'secrets1xyz', role: 'owner', environment: '*', branch: '*'}}, 'member.add'), 'its member recipient is not valid'],
  ])('marks %s as a problem, to be ignored', (_what, env, problem) => {
    const op = decode(env)
    expect(op.data).toBeUndefined()
    expect(op.problem).toBe(problem)
  })
})
