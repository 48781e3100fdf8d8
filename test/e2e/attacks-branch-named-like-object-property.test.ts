// Pins are a plain object keyed by git branch name (pins.ts: `pin.branches[scope]`). On a branch
// named `constructor`, `toString`, `__proto__`, … the lookup finds Object.prototype's member, not a
// pin, and `missing(branch.heads)` throws a TypeError: every command on that branch fails with
// "cannot read properties of undefined (reading 'filter')" on any computer that has pinned the
// vault — no clear message, and `__proto__` could never be pinned at all (assigning it sets the
// prototype). Anyone with push access names a branch.
import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {Team} from '../helpers/team.js'

let team: Team

beforeEach(async () => {
  team = await Team.create()
  await team.ok('alice', ['add', 'DB_PASSWORD'], {input: 'v1'})
  await team.commit('v1')
})

afterEach(() => team.cleanup())

describe('a branch named like a property of Object.prototype', () => {
  for (const branch of ['constructor', '__proto__']) {
    it(`works on branch ${branch} like on any branch`, async () => {
      await team.checkout(branch, 'main')
      const result = await team.run('alice', ['get', 'DB_PASSWORD'])
      // Today: exit 1, "error: cannot read properties of undefined (reading 'filter')".
      expect(result.stderr).not.toContain('cannot read properties')
      expect(result.stdout).toBe('v1')
    })
  }

})
