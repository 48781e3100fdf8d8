// Attacks by members with push access on who may do what (issue 8, attacks 3, 4 and 5): a
// revoked owner keeps no power, a backdated write does not count, creating a secret that exists
// is an update. Written into the file with the project's own crypto, or merged in from a branch
// that did not see the revocation.
import {afterEach, beforeAll, beforeEach, describe, expect, it} from 'vitest'

import {Identity} from '../../src/crypto/index.js'
import {loadSodium} from '../../src/crypto/sodium.js'
import {ExitCode} from '../../src/errors.js'
import {Team, verdict} from '../helpers/team.js'

let team: Team

beforeAll(async () => {
  await loadSodium()
})

beforeEach(async () => {
  team = await Team.create()
  await team.ok('alice', ['add', 'DB_PASSWORD', '--environment', 'production'], {input: 'prod-v1'})
  await team.commit('a secret')
})

afterEach(() => team.cleanup())

const memberNames = () => team.history().activeMembers().map((m) => m.name).sort()

describe('attack 3: a revoked owner keeps no owner powers', () => {
  it('a new owner row signed after the revocation does not count, and the next routine permit seals nothing to it', async () => {
    await team.permit('dave', 'owner')
    await team.ok('alice', ['permit', 'user:dave', '--revoke'])
    const puppet = Identity.generate()
    const forged = (await team.forger('dave')).append({
      kind: 'member.add',
      member: {name: 'user:puppet', kind: 'user', recipient: puppet.recipient.toString(), role: 'owner', environment: '*', branch: '*'},
    })
    expect(verdict(team.history(), forged.id)).toMatchObject({valid: false, reason: expect.stringContaining("user:dave wrote it in a history that had not seen their revocation by user:alice") as string})

    await team.permit('bob', 'developer', 'read')
    const history = team.history()
    expect(history.activeMembers().map((m) => m.name).sort()).toEqual(['user:alice', 'user:bob'])
    const sealedToPuppet = history.ops.some((op) => {
      const data = op.data
      const sealed = data?.kind === 'key.add' || data?.kind === 'key.share' ? data.sealed : []
      return sealed.some((s) => s.member === forged.id)
    })
    expect(sealedToPuppet).toBe(false)
    const asPuppet = await team.run('carol', ['get', 'DB_PASSWORD', '--environment', 'production'], {env: {SECRETS_IDENTITY: puppet.toSecretText()}})
    expect(asPuppet.code).toBe(ExitCode.PERMISSION_DENIED)
  })

  it('rules dated just before their own revocation, written after it, do not count', async () => {
    await team.permit('dave', 'owner')
    await team.permit('bob', 'developer')
    const revoked = await team.ok('alice', ['permit', 'user:dave', '--revoke'], {at: '2026-12-01T10:00:00.000Z'})
    expect(revoked.code).toBe(0)
    const forged = (await team.forger('dave')).append({kind: 'rule.set', principal: 'user:bob', actions: ['read', 'update'], environment: '*', branch: '*'}, {at: '2026-12-01T09:59:59.999Z'})
    expect(verdict(team.history(), forged.id).valid).toBe(false)
    expect((await team.run('bob', ['get', 'DB_PASSWORD', '--environment', 'production'])).code).toBe(ExitCode.PERMISSION_DENIED)
  })

  it("a branch on which the owner, before they were revoked on main, added a puppet owner that then wrote: merged, none of it counts", async () => {
    await team.permit('dave', 'owner')
    const fork = await team.commit('dave is an owner')
    await team.checkout('dave-branch', fork)
    const puppet = await team.recipient('puppet')
    await team.ok('dave', ['permit', 'user:puppet', '--recipient', puppet, '--role', 'owner'], {fresh: true})
    await team.ok('puppet', ['add', 'PUPPET_SECRET'], {input: 'puppet-value', fresh: true})
    await team.ok('puppet', ['rotate', 'DB_PASSWORD', '--environment', 'production'], {input: 'puppet-prod', fresh: true})
    await team.commit('dave adds a puppet')
    await team.checkout('main')
    await team.ok('alice', ['permit', 'user:dave', '--revoke'])
    await team.commit('revoke dave')

    const merged = await team.merge('dave-branch')
    expect(merged.code).toBe(0)
    expect(merged.stderr).toMatch(/no longer counts: .*user:dave/)
    expect(memberNames()).toEqual(['user:alice'])
    expect(await team.value('alice', ['DB_PASSWORD', '--environment', 'production'])).toBe('prod-v1')
    expect((await team.run('alice', ['get', 'PUPPET_SECRET'])).code).toBe(ExitCode.NOT_FOUND)
    expect((await team.run('puppet', ['get', 'DB_PASSWORD', '--environment', 'production'])).code).toBe(ExitCode.PERMISSION_DENIED)
  })

  it('owners who revoke each other on branches that did not see the other revocation are both revoked; the revoked one keeps nothing', async () => {
    await team.permit('carol', 'owner')
    await team.permit('dave', 'owner')
    const fork = await team.commit('three owners')
    await team.checkout('dave-branch', fork)
    await team.ok('dave', ['permit', 'user:alice', '--revoke'], {fresh: true})
    await team.commit('dave revokes alice')
    await team.checkout('main')
    await team.ok('alice', ['permit', 'user:dave', '--revoke'])
    await team.commit('alice revokes dave')
    expect((await team.merge('dave-branch')).code).toBe(0)

    // No order between the two can be told from the history: dave keeps no power, and alice
    // (whom a revoked owner could otherwise outlast with a backdated counter-revocation) goes too.
    expect(memberNames()).toEqual(['user:carol'])
    expect((await team.run('dave', ['permit', 'role:developer', '--scopes', 'read'])).code).toBe(ExitCode.PERMISSION_DENIED)
    // The remaining owner can bring alice back.
    await team.ok('carol', ['permit', 'user:alice', '--recipient', await team.recipient('alice'), '--role', 'owner'], {fresh: true})
    expect(await team.value('alice', ['DB_PASSWORD', '--environment', 'production'])).toBe('prod-v1')
  })
})

describe('attack 4: backdated writes', () => {
  it('a revoked member dates a version 1 ms before the revocation: it does not count, the rotated value stays current, check stays green only because it was rotated', async () => {
    await team.permit('bob', 'developer', 'read,update', 'production')
    await team.ok('alice', ['permit', 'user:bob', '--revoke'], {at: '2026-12-01T10:00:00.000Z'})
    expect((await team.run('alice', ['check'])).code).toBe(ExitCode.CHECK_FAILED)
    await team.ok('alice', ['rotate', 'DB_PASSWORD', '--environment', 'production'], {input: 'prod-v2', at: '2026-12-01T11:00:00.000Z'})
    const forged = (await team.forger('bob')).writeValue({name: 'DB_PASSWORD', environment: 'production', branch: '*'}, 'bob-value', {
      to: ['user:alice', 'user:bob'], at: '2026-12-01T09:59:59.999Z',
    })
    expect(verdict(team.history(), forged.id).valid).toBe(false)
    expect(await team.value('alice', ['DB_PASSWORD', '--environment', 'production'])).toBe('prod-v2')
    expect((await team.run('alice', ['check'])).code).toBe(0)
  })

  it('the same from a branch forked before the revocation, with the clock set back, merged by git', async () => {
    await team.permit('bob', 'developer', 'read,update', 'production')
    const fork = await team.commit('bob may update production')
    await team.checkout('bob-branch', fork)
    await team.ok('bob', ['rotate', 'DB_PASSWORD', '--environment', 'production'], {input: 'bob-value', at: '2026-11-30T00:00:00.000Z', fresh: true})
    await team.commit('bob rotates')
    await team.checkout('main')
    await team.ok('alice', ['permit', 'user:bob', '--revoke'], {at: '2026-12-01T10:00:00.000Z'})
    await team.ok('alice', ['rotate', 'DB_PASSWORD', '--environment', 'production'], {input: 'prod-v2', at: '2026-12-01T11:00:00.000Z'})
    await team.commit('revoke and rotate')
    expect((await team.merge('bob-branch')).code).toBe(0)
    expect(await team.value('alice', ['DB_PASSWORD', '--environment', 'production'])).toBe('prod-v2')
    const listed = JSON.parse((await team.ok('alice', ['list', '--json'])).stdout) as {name: string; conflict: boolean; exposed: boolean}[]
    expect(listed).toEqual([expect.objectContaining({name: 'DB_PASSWORD', conflict: false, exposed: false})])
  })
})

describe('attack 5: creating a secret that exists is an update', () => {
  it('a member who may only create writes a second first version of an existing secret: refused by the CLI, ignored in the file', async () => {
    await team.permit('carol', 'developer', 'create', 'production')
    expect((await team.run('carol', ['add', 'DB_PASSWORD', '--environment', 'production'], {input: 'carol-value'})).code).toBe(ExitCode.CONFLICT)
    const forged = (await team.forger('carol')).writeValue({name: 'DB_PASSWORD', environment: 'production', branch: '*'}, 'carol-value', {to: ['user:alice']})
    expect(verdict(team.history(), forged.id)).toMatchObject({valid: false, reason: 'user:carol (developer) could not update secret DB_PASSWORD in environment production, branch * in the history it saw'})
    expect(await team.value('alice', ['DB_PASSWORD', '--environment', 'production'])).toBe('prod-v1')
  })

  it('creating it on a branch forked before it existed: both kept, the owner\'s is current, and list marks the conflict until a rotation', async () => {
    await team.permit('carol', 'developer', 'create', 'production')
    const fork = await team.commit('carol may create')
    await team.checkout('carol-branch', fork)
    await team.ok('carol', ['add', 'API_KEY', '--environment', 'production'], {input: 'carol-value', fresh: true})
    await team.commit('carol adds API_KEY')
    await team.checkout('main')
    await team.ok('alice', ['add', 'API_KEY', '--environment', 'production'], {input: 'alice-value'})
    await team.commit('alice adds API_KEY')
    expect((await team.merge('carol-branch')).code).toBe(0)
    expect(await team.value('alice', ['API_KEY', '--environment', 'production'])).toBe('alice-value')
    const conflicted = async () => (JSON.parse((await team.ok('alice', ['list', '--json'])).stdout) as {name: string; conflict: boolean}[]).find((s) => s.name === 'API_KEY')!.conflict
    expect(await conflicted()).toBe(true)
    await team.ok('alice', ['rotate', 'API_KEY', '--environment', 'production'], {input: 'alice-v2'})
    expect(await conflicted()).toBe(false)
    expect(await team.value('alice', ['API_KEY', '--environment', 'production'])).toBe('alice-v2')
  })
})
