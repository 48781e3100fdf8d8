// Two gaps around pins and checkpoints.
//
// 1. A detached HEAD pins nothing and checks nothing (src/vault/store/pins.ts: `own` is undefined
//    when the scope is undefined, so `lost` is always empty). Checking out a commit, a tag or
//    `origin/main` to look at it — or any tool that detaches HEAD — hands out a rolled-back vault
//    on a computer that saw the cut operations, with only a note.
// 2. SECRETS_TRUST accepts a 12-hex-digit prefix and is satisfied by *any* operation whose id
//    starts with it (pins.ts checkTrust). 48 bits is a second-preimage an attacker can grind
//    offline (vary `at` in a void operation of theirs), so a rolled-back vault plus one ground
//    operation passes a CI checkpoint copied from `secrets log`'s 12-character ids.
import {afterEach, beforeAll, beforeEach, describe, expect, it} from 'vitest'

import Database from 'better-sqlite3'

import {loadSodium} from '../../src/crypto/index.js'
import {git} from '../helpers/cli.js'
import {Team} from '../helpers/team.js'

let team: Team

beforeAll(async () => {
  await loadSodium()
})

beforeEach(async () => {
  team = await Team.create()
  await team.ok('alice', ['add', 'DB_PASSWORD'], {input: 'prod-v1'})
  await team.commit('v1')
})

afterEach(() => team.cleanup())

describe('pins on a detached HEAD', () => {
  it('a computer that saw a rotation on main refuses the vault without it when HEAD is detached at main', async () => {
    await team.ok('alice', ['rotate', 'DB_PASSWORD'], {input: 'prod-v2'})
    await team.commit('v2')
    expect(await team.value('alice', ['DB_PASSWORD'])).toBe('prod-v2')
    const rotation = team.history().heads[0]!

    // mallory's push: the rotation cut from the file, on main
    const db = new Database(team.repo.vaultPath)
    db.prepare('DELETE FROM ops WHERE id = ?').run(rotation)
    db.close()
    await team.commit('mallory: "vacuum"')
    expect((await team.run('alice', ['get', 'DB_PASSWORD'])).code).not.toBe(0) // refused on main, as designed

    await git(team.repo.dir, 'checkout', '-q', '--detach', 'main')
    const detached = await team.run('alice', ['get', 'DB_PASSWORD'])
    // Today: exit 0, "prod-v1", a note at most.
    expect(detached.stdout).not.toBe('prod-v1')
  })
})

describe('SECRETS_TRUST prefixes', () => {
  it('a checkpoint is a whole operation id: a 48-bit prefix, which can be ground, is not accepted', async () => {
    const checkpoint = team.history().heads[0]!
    const result = await team.run('alice', ['get', 'DB_PASSWORD'], {fresh: true, env: {SECRETS_TRUST: checkpoint.slice(0, 12)}})
    expect(result.code).not.toBe(0)
  })
})
