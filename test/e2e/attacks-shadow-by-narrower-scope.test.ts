// e2e/attacks-equivalent-scope refused `**` because it let a member who may only *create* replace
// what every run gets for an existing secret ("an overwrite with only create, which the access
// model means to prevent"). A narrower scope does the same for the runs that matter: carol, who may
// create (not update) in every environment, adds DB_PASSWORD in environment `production` — a new
// secret, so a creation — and the deploy job (environment production) gets her value instead of
// the `*` DB_PASSWORD she may not change. The same with `--branch main` for every run on main.
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
  return (await team.ok('alice', ['run', '--job', 'deploy', '--branch', 'main', '--no-mask', '--', 'sh', '-c', 'printf %s "$DB_PASSWORD"'])).stdout
}

describe('an existing secret shadowed by a narrower scope, with only create', () => {
  it('precondition: carol may not update DB_PASSWORD', async () => {
    expect((await team.run('carol', ['rotate', 'DB_PASSWORD'], {input: 'carols'})).code).not.toBe(0)
    expect(await jobGets()).toBe('the-real-db-password')
  })

  it('environment production does not let her replace what the production job gets', async () => {
    await team.run('carol', ['add', 'DB_PASSWORD', '--environment', 'production'], {input: 'carols-value'})
    // Today: the job gets "carols-value".
    expect(await jobGets()).toBe('the-real-db-password')
  })

  it('nor does branch main', async () => {
    await team.run('carol', ['add', 'DB_PASSWORD', '--branch', 'main'], {input: 'carols-value'})
    expect(await jobGets()).toBe('the-real-db-password')
  })
})
