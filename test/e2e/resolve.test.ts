// A plain `git merge` of the vault, without the merge driver (a clone where `secrets enable` was
// never run; an octopus merge, which runs no drivers): git leaves a conflict, and `secrets
// resolve` merges it as the driver would have.
import {spawnSync} from 'node:child_process'

import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {ExitCode} from '../../src/errors.js'
import {git} from '../helpers/cli.js'
import {Team} from '../helpers/team.js'

let team: Team

beforeEach(() => {
  team = new Team()
})

afterEach(() => team.cleanup())

function gitMerge(...branches: string[]) {
  return spawnSync('git', ['merge', '--no-edit', ...branches], {cwd: team.repo.dir, env: team.repo.envFor(team.person('alice')), encoding: 'utf8'})
}

function twoBranches(): void {
  const base = team.commit('base')
  team.checkout('a', base)
  team.ok('alice', ['add', 'A_SECRET'], {input: 'a-value-123'})
  team.commit('a')
  team.checkout('b', base)
  team.ok('alice', ['add', 'B_SECRET'], {input: 'b-value-123'})
  team.commit('b')
  team.checkout('main')
}

describe('secrets resolve', () => {
  it('merges a vault git left in conflict where no merge driver is set up, and stages it', () => {
    git(team.repo.dir, 'config', '--local', '--remove-section', 'merge.secrets')
    twoBranches()
    expect(gitMerge('a').status).toBe(0)
    const merge = gitMerge('b')
    expect(merge.status).not.toBe(0)
    expect(merge.stdout + merge.stderr).toMatch(/CONFLICT.*\.secrets\/vault\.db/)
    const resolved = team.ok('alice', ['resolve'])
    expect(resolved.stderr).toContain("resolved .secrets/vault.db: the union of both sides' histories, staged")
    git(team.repo.dir, 'commit', '-q', '--no-edit')
    expect(team.value('alice', ['A_SECRET'])).toBe('a-value-123')
    expect(team.value('alice', ['B_SECRET'])).toBe('b-value-123')
  })

  it('merges after an octopus merge, which runs no drivers', () => {
    twoBranches()
    expect(gitMerge('a', 'b').status).not.toBe(0)
    team.ok('alice', ['resolve'])
    git(team.repo.dir, 'commit', '-q', '--no-edit')
    expect((JSON.parse(team.ok('alice', ['list', '--json']).stdout) as {name: string}[]).map((s) => s.name)).toEqual(['A_SECRET', 'B_SECRET'])
  })

  it('says there is nothing to resolve outside a conflict', () => {
    const result = team.run('alice', ['resolve'])
    expect(result.code).toBe(ExitCode.NOT_FOUND)
    expect(result.stderr.split('\n')[0]).toBe('error: .secrets/vault.db is not in conflict: there is nothing to resolve')
  })
})
