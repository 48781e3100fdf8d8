// Each client remembers, per vault, the access log entries and members it has seen. A copy of
// the vault that lost any of them (history rewritten to hide a revocation, say) is refused.
import {existsSync, mkdirSync, readFileSync, renameSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {integrity} from '../errors.js'
import type {Vault} from './vault.js'

interface Pin {
  vaultId: string
  entries: string[]
}

export function pinPath(configDir: string, vaultId: string): string {
  return join(configDir, 'secrets', 'pins', `${vaultId}.json`)
}

/** Refuses a vault that lost entries this client saw; then remembers what it sees now. */
export function checkAndPin(vault: Vault, configDir: string, options: {write: boolean}): void {
  const seen = new Set([...vault.log().map((e) => e.id), ...vault.members().map((m) => m.id)])
  const path = pinPath(configDir, vault.id)
  const pinned = existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as Pin).entries : []
  const lost = pinned.filter((id) => !seen.has(id))
  if (lost.length > 0) {
    throw integrity(
      `the vault ${vault.path} lost ${lost.length} access log entr${lost.length === 1 ? 'y' : 'ies'} this computer has seen`,
      'its history was rewritten (a revocation or member removed?); restore it from a copy you trust',
    )
  }

  if (!options.write || pinned.length === seen.size) return
  mkdirSync(join(configDir, 'secrets', 'pins'), {recursive: true, mode: 0o700})
  const pin: Pin = {vaultId: vault.id, entries: [...new Set([...pinned, ...seen])].sort()}
  const temp = `${path}.${process.pid}.tmp`
  writeFileSync(temp, `${JSON.stringify(pin, null, 1)}\n`, {mode: 0o600})
  renameSync(temp, path)
}
