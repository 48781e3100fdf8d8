// Rights taken away by a rule change (not a member revocation) are never enforced against a
// member who names old parents: an operation counts if its author held the right "in the
// history it saw", and the author chooses that history. A revocation voids concurrent
// operations of the revoked member because "a backdated one cannot be told apart from a
// concurrent one" — but the same holds for a rule change, a group change, or `permit
// group:NAME --revoke`, and none of those void anything. So a right once held is held forever.
import {afterEach, beforeAll, beforeEach, describe, expect, it} from 'vitest'

import {loadSodium} from '../../src/crypto/index.js'
import {Team, verdict} from '../helpers/team.js'

let team: Team

beforeAll(async () => {
  await loadSodium()
})

beforeEach(() => {
  team = new Team()
  team.ok('alice', ['add', 'DB_PASSWORD', '--environment', 'production'], {input: 'prod-v1'})
})

afterEach(() => team.cleanup())

const PROD = {name: 'DB_PASSWORD', environment: 'production', branch: '*'}

describe('rights narrowed by a rule change, used through old parents', () => {
  it("bob's create and delete on production are taken away, alice rotates; bob's removal + re-creation forked from before does not replace alice's value", () => {
    team.permit('bob', 'developer', 'read,create,delete', 'production')
    team.commit('bob may read, create and delete production')
    const bob = team.forger('bob')
    const fork = bob.heads()

    // alice narrows bob to read only (same principal and scope: the rule is replaced), then rotates
    team.ok('alice', ['permit', 'user:bob', '--scopes', 'read', '--environment', 'production'])
    expect(team.run('bob', ['remove', 'DB_PASSWORD', '--environment', 'production']).code).not.toBe(0)
    team.ok('alice', ['rotate', 'DB_PASSWORD', '--environment', 'production'], {input: 'prod-v2-after-narrowing'})
    team.commit('bob reads only; rotate')

    // bob, weeks later: a removal and a new first version, both on a line forked before the narrowing
    const removal = bob.append({kind: 'secret.remove', ...PROD}, {parents: fork})
    const recreated = bob.writeValue(PROD, 'bobs-value', {to: ['user:alice', 'user:bob'], parents: [removal.id]})
    team.commit('bob: "merge branch"')

    // Today: alice (and CI) get "bobs-value"; alice's rotation is dropped as "concurrent with a removal".
    expect(team.value('alice', ['DB_PASSWORD', '--environment', 'production'])).toBe('prod-v2-after-narrowing')
    const history = team.history()
    expect(verdict(history, removal.id).valid).toBe(false)
    expect(verdict(history, recreated.id).valid).toBe(false)
  })

  it('a member of a group whose rules were revoked (`permit group:ops --revoke`) cannot keep updating through old parents', () => {
    team.permit('bob', 'developer')
    team.ok('alice', ['permit', 'group:ops', '--members', 'bob', '--scopes', 'read,update', '--environment', 'production'])
    team.commit('ops may update production')
    const bob = team.forger('bob')
    const fork = bob.heads()

    team.ok('alice', ['permit', 'group:ops', '--revoke'])
    expect(team.run('bob', ['rotate', 'DB_PASSWORD', '--environment', 'production'], {input: 'x'}).code).not.toBe(0)
    team.commit('ops revoked')

    const version = bob.writeValue(PROD, 'bobs-value', {to: ['user:alice', 'user:bob'], parents: fork})
    team.commit('bob: "merge branch"')
    // Today: alice (and CI) get "bobs-value".
    expect(team.value('alice', ['DB_PASSWORD', '--environment', 'production'])).toBe('prod-v1')
    expect(verdict(team.history(), version.id).valid).toBe(false)
  })
})
