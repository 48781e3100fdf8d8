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

beforeEach(async () => {
  team = await Team.create()
  await team.ok('alice', ['add', 'DB_PASSWORD', '--environment', 'production'], {input: 'prod-v1'})
})

afterEach(() => team.cleanup())

const PROD = {name: 'DB_PASSWORD', environment: 'production', branch: '*'}

describe('rights narrowed by a rule change, used through old parents', () => {
  it("bob's create and delete on production are taken away, alice rotates; bob's removal + re-creation forked from before does not replace alice's value", async () => {
    await team.permit('bob', 'developer', 'read,create,delete', 'production')
    await team.commit('bob may read, create and delete production')
    const bob = await team.forger('bob')
    const fork = bob.heads()

    // alice narrows bob to read only (same principal and scope: the rule is replaced), then rotates
    await team.ok('alice', ['permit', 'user:bob', '--scopes', 'read', '--environment', 'production'])
    expect((await team.run('bob', ['remove', 'DB_PASSWORD', '--environment', 'production'])).code).not.toBe(0)
    await team.ok('alice', ['rotate', 'DB_PASSWORD', '--environment', 'production'], {input: 'prod-v2-after-narrowing'})
    await team.commit('bob reads only; rotate')

    // bob, weeks later: a removal and a new first version, both on a line forked before the narrowing
    const removal = bob.append({kind: 'secret.remove', ...PROD}, {parents: fork})
    const recreated = bob.writeValue(PROD, 'bobs-value', {to: ['user:alice', 'user:bob'], parents: [removal.id]})
    await team.commit('bob: "merge branch"')

    // Today: alice (and CI) get "bobs-value"; alice's rotation is dropped as "concurrent with a removal".
    expect(await team.value('alice', ['DB_PASSWORD', '--environment', 'production'])).toBe('prod-v2-after-narrowing')
    const history = team.history()
    expect(verdict(history, removal.id).valid).toBe(false)
    expect(verdict(history, recreated.id).valid).toBe(false)
  })

  it('a member of a group whose rules were revoked (`permit group:ops --revoke`) cannot keep updating through old parents', async () => {
    await team.permit('bob', 'developer')
    await team.ok('alice', ['permit', 'group:ops', '--members', 'bob', '--scopes', 'read,update', '--environment', 'production'])
    await team.commit('ops may update production')
    const bob = await team.forger('bob')
    const fork = bob.heads()

    await team.ok('alice', ['permit', 'group:ops', '--revoke'])
    expect((await team.run('bob', ['rotate', 'DB_PASSWORD', '--environment', 'production'], {input: 'x'})).code).not.toBe(0)
    await team.commit('ops revoked')

    const version = bob.writeValue(PROD, 'bobs-value', {to: ['user:alice', 'user:bob'], parents: fork})
    await team.commit('bob: "merge branch"')
    // Today: alice (and CI) get "bobs-value".
    expect(await team.value('alice', ['DB_PASSWORD', '--environment', 'production'])).toBe('prod-v1')
    expect(verdict(team.history(), version.id).valid).toBe(false)
  })
})
