// A plain `git merge` of the vault, without the merge driver (a clone where `secrets enable` was
// never run; an octopus merge, which runs no drivers): git leaves a conflict, and `secrets
// resolve` merges it as the driver would have.
import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {ExitCode} from '../../src/errors.js'
import {type CliResult, git} from '../helpers/cli.js'
import {Team} from '../helpers/team.js'

let team: Team

beforeEach(async () => {
  team = await Team.create()
})

afterEach(() => team.cleanup())

function gitMerge(...branches: string[]): Promise<CliResult> {
  return team.repo.git(team.person('alice'), 'merge', '--no-edit', ...branches)
}

async function twoBranches(): Promise<void> {
  const base = await team.commit('base')
  await team.checkout('a', base)
  await team.ok('alice', ['add', 'A_SECRET'], {input: 'a-value-123'})
  await team.commit('a')
  await team.checkout('b', base)
  await team.ok('alice', ['add', 'B_SECRET'], {input: 'b-value-123'})
  await team.commit('b')
  await team.checkout('main')
}

describe('secrets resolve', () => {
  it('merges a vault git left in conflict where no merge driver is set up, and stages it', async () => {
    await git(team.repo.dir, 'config', '--local', '--remove-section', 'merge.secrets')
    await twoBranches()
    expect((await gitMerge('a')).code).toBe(0)
    const merge = await gitMerge('b')
    expect(merge.code).not.toBe(0)
    expect(merge.stdout + merge.stderr).toMatch(/CONFLICT.*\.secrets\/vault\.db/)
    const resolved = await team.ok('alice', ['resolve'])
    expect(resolved.stderr).toContain("resolved .secrets/vault.db: the union of both sides' histories, staged")
    await git(team.repo.dir, 'commit', '-q', '--no-edit')
    expect(await team.value('alice', ['A_SECRET'])).toBe('a-value-123')
    expect(await team.value('alice', ['B_SECRET'])).toBe('b-value-123')
  })

  it('merges after an octopus merge, which runs no drivers', async () => {
    await twoBranches()
    expect((await gitMerge('a', 'b')).code).not.toBe(0)
    await team.ok('alice', ['resolve'])
    await git(team.repo.dir, 'commit', '-q', '--no-edit')
    expect((JSON.parse((await team.ok('alice', ['list', '--json'])).stdout) as {name: string}[]).map((s) => s.name)).toEqual(['A_SECRET', 'B_SECRET'])
  })

  it('says there is nothing to resolve outside a conflict', async () => {
    const result = await team.run('alice', ['resolve'])
    expect(result.code).toBe(ExitCode.NOT_FOUND)
    expect(result.stderr.split('\n')[0]).toBe('error: .secrets/vault.db is not in conflict: there is nothing to resolve')
  })
})
