// A revoked member pushes a branch cut from a commit before their revocation (or asks for a review
// of an old one). The victim's computer has seen the revocation on main, but pins are per branch:
// on a branch it has not pinned, the vault is "trusted as found" with a note. Whatever the victim
// writes there is sealed to the revoked member, who is still a reader in that history, and who
// reads it straight from the pushed branch — a value written after they lost read.
import {afterEach, beforeAll, beforeEach, describe, expect, it} from 'vitest'

import {decryptOpValue, loadSodium} from '../../src/crypto/index.js'
import {Team} from '../helpers/team.js'

let team: Team

beforeAll(async () => {
  await loadSodium()
})

beforeEach(async () => {
  team = await Team.create()
  await team.ok('alice', ['add', 'DB_PASSWORD'], {input: 'v1'})
  await team.permit('mallory', 'developer', 'read')
})

afterEach(() => team.cleanup())

/** What mallory can decrypt of the current value of `name` (`*`/`*`) in the working copy. */
async function malloryReads(name: string): Promise<string | undefined> {
  const mallory = await team.identity('mallory')
  const history = team.history()
  const record = history.secret({name, environment: '*', branch: '*'})
  if (!record) return undefined
  const version = history.version(record.current)
  const keyIndex = typeof version.data.key === 'string' ? history.indexOf(version.data.key)! : record.current
  for (const box of history.sealedCopies(keyIndex)) {
    try {
      const key = mallory.openSealed(box.box)
      const {nonce, ciphertext} = version.data
      const ctx = {vaultId: history.op(0).vault, author: version.author!, parents: version.parents, name, environment: '*', branch: '*', key: typeof version.data.key === 'string' ? version.data.key : 'inline'}
      return new TextDecoder().decode(decryptOpValue(key, ctx, nonce, ciphertext))
    } catch {
      // not hers
    }
  }

  return undefined
}

describe('a branch whose vault lacks a revocation this computer saw on main', () => {
  it('a value alice writes there is not sealed to the member she revoked', async () => {
    const before = await team.commit('mallory may read')
    await team.ok('alice', ['permit', 'user:mallory', '--revoke'])
    await team.commit('revoke mallory')
    await team.ok('alice', ['list']) // alice's computer has seen the revocation on main

    // mallory's branch, cut before her revocation
    await team.checkout('mallory/fix-typo', before)
    const added = await team.run('alice', ['add', 'NEW_TOKEN'], {input: 'written-after-the-revocation'})
    console.log(added.stderr)
    if (added.code === 0) expect(await malloryReads('NEW_TOKEN')).toBeUndefined()
  })
})
