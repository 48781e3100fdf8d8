import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {Identity} from '../../src/crypto/identity.js'
import {loadSodium} from '../../src/crypto/sodium.js'
import {enableVault} from '../../src/vault/enable-vault.js'
import type {NewSecret} from '../../src/vault/secrets/add.js'
import {SqliteStore} from '../../src/vault/sqlite-store.js'

export const NOW = new Date('2026-11-21T12:00:00Z')

/** A real vault file in a temporary directory, owned by a fresh identity (user:alice). */
export async function tempVault(): Promise<{path: string; owner: Identity; dir: string; cleanup: () => void; store: (identity?: Identity) => SqliteStore}> {
  await loadSodium()
  const dir = mkdtempSync(join(tmpdir(), 'secrets-vault-'))
  const path = join(dir, 'vault.db')
  const owner = Identity.generate()
  const ownerText = owner.toSecretText()
  enableVault(path, Identity.parse(ownerText), 'user:alice', NOW)
  return {
    path,
    owner,
    dir,
    cleanup: () => rmSync(dir, {recursive: true, force: true}),
    // A fresh Identity each time: a store's session wipes its identity on close.
    store: (identity) =>
      SqliteStore.open(path, {now: NOW, maxValueBytes: 10_000, identity: () => identity ?? Identity.parse(ownerText), defaultBranch: () => 'main'}),
  }
}

export function secret(name: string, extra: Partial<NewSecret> = {}): NewSecret {
  return {name, environment: '*', branch: '*', variable: false, file: false, protected: false, ...extra}
}

export const bytes = (text: string) => new TextEncoder().encode(text)
export const text = (data: Uint8Array) => new TextDecoder().decode(data)
