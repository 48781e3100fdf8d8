import {BaseCommand} from '../base-command.js'
import {configDir, pinScope, vaultLocation} from '../command-context.js'
import {now} from '../clock.js'
import {loadSodium} from '../crypto/sodium.js'
import {SECRETS_TRUST} from '../env.js'
import {type TrustResult, trustVault} from '../vault/trust-vault.js'
import {shortId} from '../vault/store/operations.js'

export default class Trust extends BaseCommand {
  static summary = 'Accept the vault as it is on this branch, after it was refused for losing operations you had seen.'
  static description =
    'Every computer remembers the history it has seen of a vault, per branch, and refuses a copy that lost part of it (a revocation or rotation cut from history). When you dropped those operations yourself — discarded or reset .secrets/vault.db in git — this accepts the vault as it is and says what was dropped. Needs no identity; changes only this computer\'s memory, never the vault.'

  static examples = ['<%= config.bin %> trust']

  async run(): Promise<TrustResult> {
    const {flags} = await this.parse(Trust)
    const context = this.context(flags.vault)
    const location = vaultLocation(context)
    await loadSodium()
    const result = trustVault(location.path, {
      now: now(this.env), configDir: configDir(this.env), pinScope: pinScope(location),
      trust: this.env[SECRETS_TRUST] || undefined, warn: context.warn, note: context.note,
    })
    const where = result.branches.length === 0 ? ' (a detached HEAD: nothing is pinned here)' : result.branches[0] === '-' ? '' : ` on branch ${result.branches.join(', ')}`
    if (result.replaced) this.say(`accepted vault ${location.path} in place of vault ${result.replaced.slice(0, 8)}…, which this computer saw here before`)
    for (const op of result.dropped) this.say(`dropped ${shortId(op.id)} (${op.what})`)
    if (result.dropped.length === 0 && !result.replaced) this.say(`nothing to accept: the vault holds everything this computer has seen${where}`)
    else this.say(`this computer now trusts the vault as it is${where}`)
    return result
  }
}
