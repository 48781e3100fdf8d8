// The fast path reads only what it is sure of, exactly as oclif would read it; anything else
// goes to oclif. Its flags must be run's flags, or a new flag would silently stop working there.
import {describe, expect, it} from 'vitest'

import {RUN_FLAGS, parseFastRun} from '../../src/cli/fast-run-args.js'
import Run from '../../src/commands/run.js'

describe('parseFastRun', () => {
  it('reads the common shapes of a run', () => {
    expect(parseFastRun(['--', 'sh', '-c', 'echo --job'])).toEqual({
      flags: {job: undefined, 'ci-file': undefined, environment: undefined, branch: undefined, vault: undefined, 'dry-run': false, mask: true},
      json: false,
      command: ['sh', '-c', 'echo --job'],
    })
    const parsed = parseFastRun(['--job', 'deploy', '--environment=production', '--no-mask', '--dry-run', '--json', '--vault', 'v.db', '--', 'env'])
    expect(parsed?.flags).toMatchObject({job: 'deploy', environment: 'production', mask: false, 'dry-run': true, vault: 'v.db'})
    expect(parsed?.json).toBe(true)
    expect(parsed?.command).toEqual(['env'])
    // No command: the job's own script.
    expect(parseFastRun(['--job', 'deploy'])?.command).toEqual([])
    expect(parseFastRun([])?.command).toEqual([])
    // --json after -- belongs to the command.
    expect(parseFastRun(['--', 'tool', '--json'])?.json).toBe(false)
  })

  it('leaves to oclif whatever it is not sure of', () => {
    for (const argv of [
      ['--help'], ['-h'], ['--job'], ['--job', '--dry-run'], ['--job', '-x'], ['--job='],
      ['--job', 'a', '--job', 'b'], ['--mask', '--no-mask'], ['--unknown'], ['--jo', 'deploy'],
      ['true'], ['--job', 'deploy', 'true'], ['-e', 'production', '--', 'true'], ['--dry-run=true'],
      ['--no-dry-run'], ['--no-job', 'x'],
    ]) {
      expect(parseFastRun(argv), argv.join(' ')).toBeUndefined()
    }
  })

  it('knows exactly the flags oclif’s run command has', () => {
    const oclifFlags = {...Run.baseFlags, ...Run.flags} as Record<string, {type: string; allowNo?: boolean}>
    const expected = Object.fromEntries(Object.entries(oclifFlags).map(([name, flag]) => [name, flag.type === 'option' ? 'string' : flag.allowNo ? 'negatable' : 'boolean']))
    // --json comes from enableJsonFlag.
    expect(Run.enableJsonFlag).toBe(true)
    expect(RUN_FLAGS).toEqual({...expected, json: 'boolean'})
  })
})
