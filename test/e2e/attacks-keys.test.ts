// Attacks by members with push access on keys and authorship (issue 8, attacks 1 and 2), each
// written straight into the file with the project's own crypto or merged in from a branch: a
// planted data key never protects a value written after it, and an operation is its signer's.
import {afterEach, beforeAll, beforeEach, describe, expect, it} from 'vitest'

import {loadSodium} from '../../src/crypto/sodium.js'
import {decryptOpValue} from '../../src/crypto/index.js'
import {ExitCode} from '../../src/errors.js'
import {Team, keyOfCurrent, verdict} from '../helpers/team.js'

let team: Team

beforeAll(async () => {
  await loadSodium()
})

beforeEach(async () => {
  team = await Team.create()
  await team.ok('alice', ['add', 'DB_PASSWORD', '--environment', 'production'], {input: 'prod-v1'})
  await team.ok('alice', ['add', 'DB_PASSWORD', '--environment', 'staging'], {input: 'staging-v1'})
  await team.commit('two secrets')
})

afterEach(() => team.cleanup())

const PRODUCTION = {name: 'DB_PASSWORD', environment: 'production'}

/** Whether the key planted by the attacker decrypts the current production value. */
function plantedKeyOpens(planted: {op: {id: string}; key: Uint8Array}): boolean {
  const history = team.history()
  const record = history.secret({...PRODUCTION, branch: '*'})!
  const version = history.version(record.current)
  if (version.data.key !== planted.op.id) return false
  try {
    const {name, environment, branch, nonce, ciphertext} = version.data
    decryptOpValue(planted.key, {vaultId: history.op(0).vault, author: version.author!, parents: version.parents, name, environment, branch, key: planted.op.id}, nonce, ciphertext)
    return true
  } catch {
    return false
  }
}

describe('attack 1: a planted data key', () => {
  it('a member who may read only staging plants a production key dated in the future: it does not count, and the next value is not under it', async () => {
    await team.permit('bob', 'developer', 'read', 'staging')
    const planted = (await team.forger('bob')).plantKey('production', '*', ['user:alice', 'user:bob'], {at: '2099-01-01T00:00:00.000Z'})
    expect(verdict(team.history(), planted.op.id)).toMatchObject({valid: false, reason: 'user:bob (developer) could not make a key in environment production, branch * in the history it saw'})

    const rotated = await team.run('alice', ['rotate', 'DB_PASSWORD', '--environment', 'production'], {input: 'prod-v2'})
    expect(rotated.code).toBe(0)
    expect(rotated.stderr).toContain(`warning: ignored operation ${planted.op.id.slice(0, 12)} (made a key for environment production, branch *`)
    expect(keyOfCurrent(team.history(), PRODUCTION)).not.toBe(planted.op.id)
    expect(plantedKeyOpens(planted)).toBe(false)
    expect(await team.value('alice', ['DB_PASSWORD', '--environment', 'production'])).toBe('prod-v2')
  })

  it('a revoked member plants a key sealed to everyone after their revocation: the value rotated to end the exposure is out of their reach', async () => {
    await team.permit('bob', 'developer', 'read', 'production')
    expect(await team.value('bob', ['DB_PASSWORD', '--environment', 'production'])).toBe('prod-v1')
    await team.ok('alice', ['permit', 'user:bob', '--revoke'])
    const planted = (await team.forger('bob')).plantKey('production', '*', ['user:alice', 'user:bob'], {at: '2099-01-01T00:00:00.000Z'})
    await team.ok('alice', ['rotate', 'DB_PASSWORD', '--environment', 'production'], {input: 'prod-v2'})
    expect(verdict(team.history(), planted.op.id)).toMatchObject({valid: false, reason: expect.stringContaining('had not seen their revocation') as string})
    expect(plantedKeyOpens(planted)).toBe(false)
    expect((await team.run('bob', ['get', 'DB_PASSWORD', '--environment', 'production'])).code).toBe(ExitCode.PERMISSION_DENIED)
    expect((await team.ok('alice', ['check'])).code).toBe(0)
  })

  it('a key made by a reader on a branch that did not see their revocation, merged in by git, is not used for the next value', async () => {
    await team.permit('bob', 'developer', 'read', 'production')
    const before = await team.commit('bob may read production')
    await team.checkout('bob-keys', before)
    const planted = (await team.forger('bob')).plantKey('production', '*', ['user:alice', 'user:bob'])
    await team.commit('bob plants a key')
    await team.checkout('main')
    await team.ok('alice', ['permit', 'user:bob', '--revoke'])
    await team.ok('alice', ['rotate', 'DB_PASSWORD', '--environment', 'production'], {input: 'prod-v2'})
    await team.commit('revoke bob, rotate')

    const merged = await team.merge('bob-keys')
    expect(merged.code).toBe(0)
    expect(merged.stderr).toContain(`operation ${planted.op.id.slice(0, 12)}`)
    expect(merged.stderr).toContain('no longer counts')
    expect(await team.value('alice', ['DB_PASSWORD', '--environment', 'production'])).toBe('prod-v2')
    await team.ok('alice', ['rotate', 'DB_PASSWORD', '--environment', 'production'], {input: 'prod-v3'})
    expect(plantedKeyOpens(planted)).toBe(false)
    expect(await team.value('alice', ['DB_PASSWORD', '--environment', 'production'])).toBe('prod-v3')
  })

  it('a key made while its author could read, concurrently with losing read by a group change, does not count, and is never used', async () => {
    await team.permit('bob', 'developer')
    await team.permit('carol', 'developer')
    await team.ok('alice', ['permit', 'group:devs', '--members', 'bob,carol', '--scopes', 'read'])
    const before = await team.commit('devs read everything')
    await team.checkout('bob-keys', before)
    const planted = (await team.forger('bob')).plantKey('production', '*', ['user:alice', 'user:bob', 'user:carol'])
    await team.commit('bob makes a key')
    await team.checkout('main')
    await team.ok('alice', ['permit', 'group:devs', '--members', 'carol'])
    await team.commit('bob leaves devs')
    expect((await team.merge('bob-keys')).code).toBe(0)

    // Bob could read production in the history he made it in, but the group change took that away
    // and his key did not see it: it does not count (and writers would not use it anyway).
    expect(verdict(team.history(), planted.op.id)).toMatchObject({valid: false, reason: expect.stringContaining('an access change that operation did not see took the right away') as string})
    await team.ok('alice', ['rotate', 'DB_PASSWORD', '--environment', 'production'], {input: 'prod-v2'})
    const history = team.history()
    expect(keyOfCurrent(history, PRODUCTION)).not.toBe(planted.op.id)
    const bobId = history.allMembers().find((m) => m.name === 'user:bob')!.id
    const keyIndex = history.indexOf(keyOfCurrent(history, PRODUCTION))!
    expect(history.holders(keyIndex).has(bobId)).toBe(false)
    expect(plantedKeyOpens(planted)).toBe(false)
  })

  it("a maintainer who may not read production makes a production key (a re-key): it counts, and writers still do not use a key they hold", async () => {
    await team.permit('dave', 'maintainer', 'read', 'staging')
    const planted = (await team.forger('dave')).plantKey('production', '*', ['user:alice', 'user:dave'])
    expect(verdict(team.history(), planted.op.id).valid).toBe(true)
    await team.ok('alice', ['rotate', 'DB_PASSWORD', '--environment', 'production'], {input: 'prod-v2'})
    expect(keyOfCurrent(team.history(), PRODUCTION)).not.toBe(planted.op.id)
    expect(plantedKeyOpens(planted)).toBe(false)
  })

  it('rotate --key by such a maintainer makes no key for scopes they may not read', async () => {
    await team.permit('dave', 'maintainer', 'read', 'staging')
    const result = await team.ok('dave', ['rotate', '--key', '--json'])
    expect(JSON.parse(result.stdout)).toEqual({scopes: 1, skipped: 2})
    const history = team.history()
    const daveId = history.allMembers().find((m) => m.name === 'user:dave')!.id
    const byDave = history.ops.filter((op) => op.kind === 'key.add' && op.author === daveId).map((op) => (op.data as {environment: string}).environment)
    expect(byDave).toEqual(['staging'])
  })
})

describe('attack 2: signer and author', () => {
  it('an operation signed by a maintainer but naming the owner as its author refuses the vault: the signature is checked against the author', async () => {
    await team.permit('dave', 'maintainer')
    const forger = await team.forger('dave')
    const aliceId = team.history().allMembers().find((m) => m.name === 'user:alice')!.id
    const before = team.repo.vaultBytes()
    const forged = forger.append(
      {kind: 'secret.remove', name: 'DB_PASSWORD', environment: 'production', branch: '*'},
      {author: aliceId},
    )
    const result = await team.run('alice', ['get', 'DB_PASSWORD', '--environment', 'production'])
    expect(result.code).toBe(ExitCode.INTEGRITY)
    expect(result.stderr.split('\n')[0]).toBe(`error: integrity check failed for operation ${forged.id.slice(0, 12)} (secret.remove): the signature by user:alice does not match`)
    expect(result.stdout).toBe('')
    expect(before.length).toBeGreaterThan(0)
  })

  it('a maintainer with no rules who writes a value as themselves is ignored; readers get the owner\'s value', async () => {
    await team.permit('dave', 'maintainer')
    const forged = (await team.forger('dave')).writeValue({name: 'DB_PASSWORD', environment: 'production', branch: '*'}, 'dave-value', {to: ['user:alice', 'user:dave']})
    expect(verdict(team.history(), forged.id)).toMatchObject({valid: false, reason: 'user:dave (maintainer) could not update secret DB_PASSWORD in environment production, branch * in the history it saw'})
    expect(await team.value('alice', ['DB_PASSWORD', '--environment', 'production'])).toBe('prod-v1')
    const history = JSON.parse((await team.ok('alice', ['list', '--history', 'DB_PASSWORD', '--environment', 'production', '--json'])).stdout) as {versions: {author: string}[]}
    expect(history.versions.map((v) => v.author)).toEqual(['user:alice'])
  })

  it('a developer who may create adds a --variable secret (injected into every run) with their own tool: it does not count', async () => {
    await team.permit('bob', 'developer', 'read,create,update')
    const refused = await team.run('bob', ['add', 'BASH_HOOK', '--variable'], {input: 'echo pwned'})
    expect(refused.code).toBe(ExitCode.PERMISSION_DENIED)
    const forged = (await team.forger('bob')).writeValue({name: 'BASH_HOOK', environment: '*', branch: '*'}, 'echo pwned', {variable: true, to: ['user:alice', 'user:bob']})
    expect(verdict(team.history(), forged.id)).toMatchObject({valid: false, reason: 'user:bob (developer) may not add or change --variable secrets: maintainers and owners do'})
    const plan = JSON.parse((await team.ok('alice', ['run', '--dry-run', '--json', '--', 'true'])).stdout) as {variables: unknown[]}
    expect(plan.variables).toEqual([])
  })
})

describe('sealed copies that do not open', () => {
  it("a reader makes a production key whose copy for the owner holds another key: reads under it fail with an integrity error, never another value, and the owner's next write makes a new key", async () => {
    await team.permit('bob', 'developer', 'read,update', 'production')
    const {Recipient, generateDataKey, keyCommitment} = await import('../../src/crypto/index.js')
    const forger = await team.forger('bob')
    const real = generateDataKey()
    const [alice, bob] = forger.recipientsOf(['user:alice', 'user:bob'])
    const planted = forger.append({
      kind: 'key.add', environment: 'production', branch: '*', commitment: keyCommitment(real),
      sealed: [{member: alice!.id, box: Recipient.parse(alice!.recipient.toString()).seal(generateDataKey())}, {member: bob!.id, box: bob!.recipient.seal(real)}],
    })
    // Bob writes a value under it: he can, and it counts (he may update production).
    const value = forger.writeValue({name: 'DB_PASSWORD', environment: 'production', branch: '*'}, 'bob-value', {key: {op: planted, key: real}})
    expect(team.history().verdict(team.history().indexOf(value.id)!).valid).toBe(true)
    const read = await team.run('alice', ['get', 'DB_PASSWORD', '--environment', 'production'])
    expect(read.code).toBe(ExitCode.INTEGRITY)
    expect(read.stdout).toBe('')
    expect(read.stderr).toContain('error: integrity check failed for secret DB_PASSWORD (environment production, branch *): the data key sealed to you does not open or is not the committed key')
    await team.ok('alice', ['rotate', 'DB_PASSWORD', '--environment', 'production'], {input: 'prod-v2'})
    expect(keyOfCurrent(team.history(), PRODUCTION)).not.toBe(planted.id)
    expect(await team.value('alice', ['DB_PASSWORD', '--environment', 'production'])).toBe('prod-v2')
  })
})
