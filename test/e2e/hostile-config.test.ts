// A clone's `.secrets/config.yml` is read by every command that opens the vault: a committed
// symlink to /dev/zero (or to a file outside the repository) or a costly YAML bomb must end in
// one USAGE error naming the path, quickly, with the vault unchanged.
import {rmSync, symlinkSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {ExitCode} from '../../src/errors.js'
import {type Person, TempRepo} from '../helpers/cli.js'

let repo: TempRepo
let alice: Person
let config: string

beforeEach(async () => {
  repo = new TempRepo()
  alice = repo.person('alice')
  config = join(repo.dir, '.secrets', 'config.yml')
  expect((await repo.run(alice, ['enable'])).code).toBe(0)
  expect((await repo.run(alice, ['add', 'A'], {input: 'v'})).code).toBe(0)
})

afterEach(() => repo.cleanup())

describe('a hostile .secrets/config.yml', () => {
  it('refuses a symlink to /dev/zero at once, for list and get, the vault unchanged', async () => {
    const before = repo.vaultBytes()
    rmSync(config, {force: true})
    symlinkSync('/dev/zero', config)
    for (const args of [['list'], ['get', 'A']]) {
      const started = Date.now()
      const result = await repo.run(alice, args)
      expect(result.code).toBe(ExitCode.USAGE)
      expect(result.stderr.split('\n')[0]).toBe(`error: ${config} is a symlink: refusing to follow it`)
      expect(result.stdout).toBe('')
      // Reading /dev/zero would take the whole memory; a refusal takes a process start.
      expect(Date.now() - started).toBeLessThan(15_000)
    }

    expect(repo.vaultBytes().equals(before)).toBe(true)
  })

  it('refuses a !!omap in it, naming the line', async () => {
    writeFileSync(config, `x: !!omap [${Array.from({length: 6000}, (_, i) => `k${i}: 1`).join(',')}]\n`)
    const result = await repo.run(alice, ['list'])
    expect(result.code).toBe(ExitCode.USAGE)
    expect(result.stderr.split('\n')[0]).toBe(`error: ${config}:1:4: yaml tag !!omap is not allowed`)
  })

  it('still reads a small regular one', async () => {
    writeFileSync(config, 'max_value_bytes: 3\n')
    const result = await repo.run(alice, ['add', 'B'], {input: 'four'})
    expect(result.code).toBe(ExitCode.USAGE)
    expect(result.stderr.split('\n')[0]).toBe('error: the value is too large: 4 bytes, at most 3')
    expect((await repo.run(alice, ['add', 'B'], {input: 'two'})).code).toBe(0)
  })
})
