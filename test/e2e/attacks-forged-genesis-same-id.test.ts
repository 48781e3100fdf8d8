// A member with push access builds a whole new vault of their own (a new vault.create, themselves
// as owner, the victim added with their public recipient) but keeps the team vault's id, and
// pushes it on a branch of their own. The location guard (pins/locations.json) compares vault
// ids only, and a branch this computer has not pinned is "trusted as found": the victim who
// checks the branch out to review it reads the attacker's values, and whatever the victim writes
// there is sealed to the attacker — who may not read that scope in the real vault at all.
import {afterEach, beforeAll, beforeEach, describe, expect, it} from 'vitest'

import {decryptOpValue, loadSodium} from '../../src/crypto/index.js'
import {Team} from '../helpers/team.js'
import {craftVault} from '../helpers/craft-vault.js'

let team: Team
let vaultId: string

beforeAll(async () => {
  await loadSodium()
})

beforeEach(async () => {
  team = await Team.create()
  await team.ok('alice', ['add', 'DB_PASSWORD', '--environment', 'production'], {input: 'real-prod-password'})
  await team.permit('mallory', 'developer', 'read', 'staging')
  await team.commit('a secret; mallory may read staging')
  // alice has used the vault on main: this computer pinned it there, and knows which vault lives at the path
  expect(await team.value('alice', ['DB_PASSWORD', '--environment', 'production'])).toBe('real-prod-password')
  vaultId = team.history().op(0).vault
})

afterEach(() => team.cleanup())

/** mallory's branch: a vault of her own making under the team vault's id. */
async function pushForgedVaultOnBranch(): Promise<void> {
  await team.checkout('mallory/fix-readme', 'main')
  craftVault(
    team.repo.vaultPath,
    vaultId,
    {identity: await team.identity('mallory'), name: 'user:mallory'},
    [{name: 'user:alice', recipient: await team.recipient('alice'), role: 'owner'}],
    [{name: 'DB_PASSWORD', environment: 'production', value: 'mallorys-password'}],
  )
  await team.commit('mallory: fix readme')
}

describe('a vault of the attacker\'s making under the team vault\'s id, on a branch', () => {
  it('is refused on a computer that knows the team vault at this path (as a different vault id is)', async () => {
    await pushForgedVaultOnBranch()
    const result = await team.run('alice', ['get', 'DB_PASSWORD', '--environment', 'production'])
    // Today: exit 0, "mallorys-password", and only a note that the branch lacks operations seen elsewhere.
    expect(result.stdout).not.toBe('mallorys-password')
    expect(result.code).not.toBe(0)
  })

  it('a value the victim writes there is not sealed to the attacker', async () => {
    await pushForgedVaultOnBranch()
    const added = await team.run('alice', ['add', 'NEW_PROD_TOKEN', '--environment', 'production'], {input: 'written-on-the-branch'})
    let stolen: string | undefined
    if (added.code === 0) {
      const mallory = await team.identity('mallory')
      const history = team.history()
      const record = history.secret({name: 'NEW_PROD_TOKEN', environment: 'production', branch: '*'})!
      const version = history.version(record.current)
      const keyIndex = history.indexOf(version.data.key as string)!
      for (const box of history.sealedCopies(keyIndex)) {
        try {
          const key = mallory.openSealed(box.box)
          const {name, environment, branch, nonce, ciphertext} = version.data
          stolen = new TextDecoder().decode(decryptOpValue(key, {vaultId, author: version.author!, parents: version.parents, name, environment, branch, key: history.op(keyIndex).id}, nonce, ciphertext))
        } catch {
          // not mallory's box
        }
      }
    }

    // Today: added.code 0 and mallory decrypts "written-on-the-branch".
    expect(stolen).toBeUndefined()
    expect(added.code).not.toBe(0)
  })

  it('control: a different vault id on the same unpinned branch is already refused', async () => {
    await team.checkout('mallory/other', 'main')
    craftVault(team.repo.vaultPath, 'a1b2c3d4e5f60718293a4b5c6d7e8f90', {identity: await team.identity('mallory'), name: 'user:mallory'},
      [{name: 'user:alice', recipient: await team.recipient('alice'), role: 'owner'}], [{name: 'DB_PASSWORD', environment: 'production', value: 'mallorys-password'}])
    await team.commit('mallory: other')
    expect((await team.run('alice', ['get', 'DB_PASSWORD', '--environment', 'production'])).code).not.toBe(0)
  })
})
