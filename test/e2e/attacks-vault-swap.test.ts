// A member with push access replaces .secrets/vault.db with a vault of their own making: a new
// genesis under a new vault id. Pins are kept per vault id, and the id is read from the file,
// so a computer that has pinned the team's vault on this branch sees "another" vault, "first
// use", and trusts it as found: every value is the attacker's, and every value the victim
// writes next is sealed to the attacker.
import {existsSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {afterEach, beforeAll, beforeEach, describe, expect, it} from 'vitest'

import {decryptOpValue, loadSodium} from '../../src/crypto/index.js'
import {Team} from '../helpers/team.js'
import {craftVault} from '../helpers/craft-vault.js'

let team: Team

beforeAll(async () => {
  await loadSodium()
})

beforeEach(async () => {
  team = await Team.create()
  await team.ok('alice', ['add', 'DB_PASSWORD', '--environment', 'production'], {input: 'real-prod-password'})
  await team.permit('mallory', 'developer', 'read', 'staging')
  await team.commit('a secret, mallory may read staging')
  // alice has used the vault on main: this computer pinned its history
  expect(await team.value('alice', ['DB_PASSWORD', '--environment', 'production'])).toBe('real-prod-password')
})

afterEach(() => team.cleanup())

async function swapInMallorysVault(vaultId = 'a1b2c3d4e5f60718293a4b5c6d7e8f90'): Promise<void> {
  craftVault(
    team.repo.vaultPath,
    vaultId,
    {identity: await team.identity('mallory'), name: 'user:mallory'},
    [{name: 'user:alice', recipient: await team.recipient('alice'), role: 'owner'}],
    [{name: 'DB_PASSWORD', environment: 'production', value: 'mallorys-password'}],
  )
  await team.commit('mallory: "compact the vault"')
}

describe('a whole vault swapped for one of the attacker\'s making', () => {
  it('a computer that pinned the team\'s vault on main refuses a different vault at the same path on main', async () => {
    await swapInMallorysVault()
    const result = await team.run('alice', ['get', 'DB_PASSWORD', '--environment', 'production'])
    // Today: exit 0, stdout "mallorys-password", only a "first use of this vault" note on stderr.
    expect(result.stdout).not.toBe('mallorys-password')
    expect(result.code).not.toBe(0)
  })

  it('a value the victim writes after the swap is not readable by the attacker (who lost read on production long ago)', async () => {
    await swapInMallorysVault()
    const added = await team.run('alice', ['add', 'NEW_API_TOKEN', '--environment', 'production'], {input: 'token-written-after-the-swap'})
    if (added.code === 0) {
      // The attacker, an owner of the swapped vault, opens the key the victim sealed to every reader.
      const mallory = await team.identity('mallory')
      const history = team.history()
      const record = history.secret({name: 'NEW_API_TOKEN', environment: 'production', branch: '*'})!
      const version = history.version(record.current)
      const keyOp = history.op(history.indexOf(version.data.key as string)!)
      const boxes = keyOp.data!.kind === 'key.add' ? keyOp.data!.sealed : []
      let stolen: string | undefined
      for (const box of boxes) {
        try {
          const key = mallory.openSealed(box.box)
          const {name, environment, branch, nonce, ciphertext} = version.data
          stolen = new TextDecoder().decode(decryptOpValue(key, {vaultId: history.op(0).vault, author: version.author!, parents: version.parents, name, environment, branch, key: keyOp.id}, nonce, ciphertext))
        } catch {
          // not mallory's box
        }
      }

      expect(stolen).toBeUndefined()
    }

    expect(added.code).not.toBe(0)
  })
})

describe('the vault id names the pin file', () => {
  it('a vault id with ../ does not make the victim write a file outside the pins directory', async () => {
    const target = join(team.person('alice').home, 'owned.json')
    // alice's config dir is $HOME/.config: pins/<id>.json resolves to $HOME/owned.json
    await swapInMallorysVault('../../../owned')
    await team.run('alice', ['list'])
    expect(existsSync(target)).toBe(false)
  })

  it('nor delete one (`disable` removes "its pin")', async () => {
    const target = join(team.person('alice').home, 'settings.json')
    writeFileSync(target, '{"the user\'s own": "file"}\n')
    await swapInMallorysVault('../../../settings')
    await team.run('alice', ['disable', '--force'])
    expect(existsSync(target)).toBe(true)
  })

  it('opening a vault refuses an id that is not the 32 hex digits secrets makes', async () => {
    await swapInMallorysVault('../../../owned')
    const result = await team.run('alice', ['list'])
    expect(result.code).not.toBe(0)
  })
})

