// A member who may only *create* secrets in production (not update them) takes over the value a
// CI job gets for a provider reference: `run` resolves a reference to any live secret bound to
// it (add --ref), of any name, and nothing stops a second secret from binding a reference that a
// live secret in the same scope already holds. So creating a new secret overrides an existing
// one, which the access model (create vs update) means to prevent.
import {writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {Team} from '../helpers/team.js'

let team: Team

const CI = `
deploy:
  environment: production
  script:
    - echo deploying
  secrets:
    DB_PASSWORD:
      vault: production/db/password@ops
      file: false
`

beforeEach(async () => {
  team = await Team.create()
  writeFileSync(join(team.repo.dir, '.gitlab-ci.yml'), CI)
  await team.ok('alice', ['add', 'DB_PASSWORD', '--environment', 'production', '--ref', 'vault:production/db/password@ops'], {input: 'the-real-db-password'})
  // carol may add new production secrets, not change existing ones
  await team.permit('carol', 'developer', 'create', 'production')
  await team.commit('ci file, a bound secret, carol may create in production')
})

afterEach(() => team.cleanup())

async function whatTheJobGets(): Promise<{secret: string | null; value: string}> {
  const plan = JSON.parse((await team.ok('alice', ['run', '--job', 'deploy', '--dry-run', '--json'])).stdout) as {secrets: {secret: string | null}[]}
  const value = (await team.ok('alice', ['run', '--job', 'deploy', '--no-mask', '--', 'sh', '-c', 'printf %s "$DB_PASSWORD"'])).stdout
  return {secret: plan.secrets[0]!.secret, value}
}

describe('a provider reference taken over by a create-only member', () => {
  it('precondition: carol may not update DB_PASSWORD', async () => {
    const result = await team.run('carol', ['rotate', 'DB_PASSWORD', '--environment', 'production'], {input: 'carols-value'})
    expect(result.code).not.toBe(0)
    expect(await whatTheJobGets()).toEqual({secret: 'DB_PASSWORD', value: 'the-real-db-password'})
  })

  it('a new secret bound to the same reference in the same scope does not replace what the job gets', async () => {
    // A name that sorts first wins the tie between equally specific scopes.
    const added = await team.run('carol', ['add', 'AAA_CAROL', '--environment', 'production', '--ref', 'vault:production/db/password@ops'], {input: 'carols-value'})
    const got = await whatTheJobGets()
    // Safe: either carol's add is refused (the reference is bound in that scope), or the job still gets alice's value.
    if (added.code === 0) expect(got).toEqual({secret: 'DB_PASSWORD', value: 'the-real-db-password'})
  })

  it('a job entry resolved by name is not taken over by a new secret that binds the reference', async () => {
    // alice's secret has no --ref: the job resolves it by its variable name, and any bound secret comes first.
    await team.ok('alice', ['remove', 'DB_PASSWORD', '--environment', 'production'])
    await team.ok('alice', ['add', 'DB_PASSWORD', '--environment', 'production'], {input: 'the-real-db-password'})
    await team.run('carol', ['add', 'ZZZ_CAROL', '--environment', 'production', '--ref', 'vault:production/db/password@ops'], {input: 'carols-value'})
    expect((await whatTheJobGets()).value).toBe('the-real-db-password')
  })
})
