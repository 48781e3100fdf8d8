// A computer that saw a member's revocation keeps that fact per vault (pins: `revoked`), but uses it
// only for what it writes (session.readersOf). What the revoked member *writes* on a branch cut from
// before the revocation still counts there, on that very computer: mallory, revoked on main,
// pushes `mallory/hotfix` (forked before her revocation) with a new DB_PASSWORD (she still holds the
// old key there) and alice checks the branch out to review or run it,
// and `secrets get` / `secrets run` hand her mallory's value, exit 0. The only message is the warning
// that nothing written from here is sealed to mallory. docs/SECURITY.md section 3 says a revoked
// member cannot "write anything that counts, backdated or not, on main or on a branch forked before
// the revocation".
import {writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {afterEach, beforeAll, beforeEach, describe, expect, it} from 'vitest'

import {loadSodium} from '../../src/crypto/index.js'
import {Team} from '../helpers/team.js'

let team: Team
let fork: string

beforeAll(async () => {
  await loadSodium()
})

beforeEach(async () => {
  team = await Team.create()
  writeFileSync(join(team.repo.dir, '.gitlab-ci.yml'), 'deploy:\n  script: [echo]\n  secrets:\n    DB_PASSWORD:\n      gitlab_secrets_manager: {name: DB_PASSWORD}\n      file: false\n')
  await team.ok('alice', ['add', 'DB_PASSWORD'], {input: 'real-v1'})
  await team.permit('mallory', 'developer', 'read,update')
  fork = await team.commit('mallory may read and update')
  await team.ok('alice', ['permit', 'user:mallory', '--revoke'])
  await team.ok('alice', ['rotate', 'DB_PASSWORD'], {input: 'real-v2'})
  await team.commit('revoke mallory, rotate')
  // alice's computer has seen the revocation (and pinned it on main)
  expect(await team.value('alice', ['DB_PASSWORD'])).toBe('real-v2')

  // mallory's branch, cut before her revocation; she rotates there with her own copy of the tool
  await team.checkout('mallory/hotfix', fork)
  await team.ok('mallory', ['rotate', 'DB_PASSWORD'], {input: 'mallorys-value', fresh: true})
  await team.commit('mallory: hotfix')
})

afterEach(() => team.cleanup())

describe('a value a revoked member wrote on a branch forked before the revocation', () => {
  it('does not count on a computer that saw the revocation', async () => {
    const result = await team.run('alice', ['get', 'DB_PASSWORD'])
    // Today: exit 0, "mallorys-value" (stderr only warns that nothing written here is sealed to mallory).
    expect(result.stdout).not.toBe('mallorys-value')
  })

  it('is not injected by `secrets run` there', async () => {
    const result = await team.run('alice', ['run', '--job', 'deploy', '--no-mask', '--', 'sh', '-c', 'printf %s "$DB_PASSWORD"'])
    expect(result.stdout).not.toContain('mallorys-value')
  })
})
