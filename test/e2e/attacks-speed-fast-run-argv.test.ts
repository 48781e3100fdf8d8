// Red team, issue 10: the fast path of `secrets run` (src/cli/fast-run-args.ts) looks flag names
// up in RUN_FLAGS, a plain object, so the names of Object.prototype's members are "known" there:
// `--constructor`, `--__proto__`, `--toString` are taken as boolean flags that do nothing, and
// the command runs. oclif refuses `--constructor` (exit 1, "unexpected flag Object") and
// never runs it: the two paths disagree on an argv, which the fast path promised never to do
// (anything it does not know is oclif's). Fixed with Object.hasOwn(RUN_FLAGS, name) (or a
// prototype-less table) before reading the kind.
import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {parseFastRun} from '../../src/cli/fast-run-args.js'
import {Team} from '../helpers/team.js'

describe('the fast path of run, on flag names that are members of Object.prototype', () => {
  it('leaves them to oclif', () => {
    for (const name of ['constructor', '__proto__', 'toString', 'valueOf', 'hasOwnProperty', 'isPrototypeOf']) {
      expect(parseFastRun([`--${name}`, '--', 'true']), `--${name}`).toBeUndefined()
    }
  })

  describe('through the CLI', () => {
    let team: Team
    beforeEach(async () => {
      team = await Team.create()
    })
    afterEach(() => team.cleanup())

    it('does not run the command of `run --constructor -- CMD`, as oclif does not', async () => {
      const fast = await team.run('alice', ['run', '--constructor', '--', 'sh', '-c', 'echo RAN'])
      const oclif = await team.run('alice', ['run', '--constructor', '--', 'sh', '-c', 'echo RAN'], {env: {SECRETS_CONTENT_TYPE: 'text'}})
      expect(oclif.stdout).not.toContain('RAN')
      expect(fast.stdout).not.toContain('RAN')
      expect(fast.code).toBe(oclif.code)
    })
  })
})
