// A team whose vault is large enough for this computer to keep its judged state
// (src/vault/store/judged-cache.ts): 700 imported secrets and DB_PASSWORD written twice
// (db-password-one, then db-password-two), with mallory a developer of the given scopes.
import {statSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {expect} from 'vitest'

import {loadSodium} from '../../src/crypto/sodium.js'
import {openVaultFile} from '../../src/vault/store/database.js'
import {JUDGED_CACHE_MIN_BYTES} from '../../src/vault/store/judged-cache.js'
import {Team} from './team.js'

const SECRETS = 700

export async function teamWithLargeVault(malloryScopes: string): Promise<{team: Team; vaultId: string}> {
  await loadSodium()
  const team = await Team.create()
  try {
    await team.permit('mallory', 'developer', malloryScopes)
    const env = join(team.repo.root, 'many.env')
    writeFileSync(env, Array.from({length: SECRETS}, (_, i) => `SECRET_${String(i).padStart(4, '0')}=value-of-secret-${i}-${'x'.repeat(20)}\n`).join(''))
    await team.ok('alice', ['import', env, '--format', 'dotenv'])
    await team.ok('alice', ['add', 'DB_PASSWORD'], {input: 'db-password-one'})
    await team.ok('alice', ['rotate', 'DB_PASSWORD'], {input: 'db-password-two'})
    expect(statSync(team.repo.vaultPath).size).toBeGreaterThan(JUDGED_CACHE_MIN_BYTES)
    const file = openVaultFile(team.repo.vaultPath, {readonly: true})
    file.db.close()
    return {team, vaultId: file.vaultId}
  } catch (error) {
    team.cleanup()
    throw error
  }
}
