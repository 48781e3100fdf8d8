// `**` matches exactly what `*` matches, but it is another scope (another secret) and it is "more
// specific": specificity('**') = 1 > specificity('*') = 0 (src/scope.ts:29). A member who may only
// create secrets everywhere adds DB_PASSWORD in environment `**`: a creation (the `*` one is not
// touched), yet every run in every environment now gets their value instead of the existing one —
// an overwrite with only `create`, which the access model means to prevent.
import {writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {Team} from '../helpers/team.js'

let team: Team

beforeEach(async () => {
  team = await Team.create()
  writeFileSync(join(team.repo.dir, '.gitlab-ci.yml'), `
deploy:
  environment: production
  script: [ "true" ]
  secrets:
    DB_PASSWORD:
      gitlab_secrets_manager: {name: DB_PASSWORD}
      file: false
`)
  await team.ok('alice', ['add', 'DB_PASSWORD'], {input: 'the-real-db-password'})
  await team.permit('carol', 'developer', 'create')
  await team.commit('carol may create secrets')
})

afterEach(() => team.cleanup())

async function jobGets(): Promise<string> {
  return (await team.ok('alice', ['run', '--job', 'deploy', '--no-mask', '--', 'sh', '-c', 'printf %s "$DB_PASSWORD"'])).stdout
}

describe('a scope pattern equivalent to `*` that outranks it', () => {
  it('carol may not update DB_PASSWORD, and `**` does not let her replace what runs get', async () => {
    expect((await team.run('carol', ['rotate', 'DB_PASSWORD'], {input: 'carols'})).code).not.toBe(0)
    await team.run('carol', ['add', 'DB_PASSWORD', '--environment', '**'], {input: 'carols-value'})
    expect(await jobGets()).toBe('the-real-db-password')
  })

  it('nor does `**` on the branch', async () => {
    await team.run('carol', ['add', 'DB_PASSWORD', '--branch', '**'], {input: 'carols-value'})
    expect(await jobGets()).toBe('the-real-db-password')
  })

})
