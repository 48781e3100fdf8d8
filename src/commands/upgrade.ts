import {Flags} from '@oclif/core'

import {BaseCommand} from '../base-command.js'
import {configDir, pinScope, requireIdentity, vaultLocation} from '../command-context.js'
import {now} from '../clock.js'
import {loadSodium} from '../crypto/sodium.js'
import {loadConfig} from '../vault/config.js'
import {type UpgradeResult, upgradeVault} from '../vault/upgrade/upgrade-vault.js'

export default class Upgrade extends BaseCommand {
  static summary = 'Turn a format-1 vault into format 2 (owners): a signed, hash-linked history of every change.'
  static description =
    'Verifies the whole format-1 vault and decrypts every value, then writes it anew as a format-2 history signed by you: members, groups, rules, protected branches from .secrets/config.yml, and every version of every secret (who wrote it and when kept), re-encrypted under new keys. One step: a crash leaves the old vault or the new one. Merge open branches that change the vault first. Every other command refuses a format-1 vault until this is done.'

  static examples = ['<%= config.bin %> upgrade --dry-run', '<%= config.bin %> upgrade && git commit -m "secrets: vault format 2" .secrets/vault.db']

  static flags = {
    'dry-run': Flags.boolean({summary: 'Verify and say what would be carried over; write nothing.'}),
  }

  async run(): Promise<UpgradeResult> {
    const {flags} = await this.parse(Upgrade)
    const context = this.context(flags.vault)
    const location = vaultLocation(context)
    const [config] = await Promise.all([loadConfig(location.path), loadSodium()])
    const result = upgradeVault(location.path, {
      identity: () => requireIdentity(context).identity,
      now: now(this.env),
      configDir: configDir(this.env),
      pinScope: pinScope(location),
      protectedBranches: config.protectedBranches,
      dryRun: flags['dry-run'] === true,
    })
    if (result.already) {
      this.say(`the vault ${location.path} is already in format 2: nothing to do`)
      return result
    }

    const carried = `${result.members} member(s), ${result.secrets} secret(s) with ${result.versions} version(s), ${result.removed} removed secret(s)${result.exposed > 0 ? `, ${result.exposed} still exposed` : ''}`
    if (result.demoted.length > 0) {
      this.warning(`${result.demoted.length === 1 ? 'this --variable or --ref secret was' : 'these --variable or --ref secrets were'} added or changed by a member who is neither owner nor maintainer, which format 2 does not allow: ${result.demoted.join(', ')}; ${result.dryRun ? 'they would be' : 'they were'} carried over as plain secrets, without a reference (re-add them with --variable or --ref if you trust them)`)
    }

    if (result.dryRun) {
      this.say(`dry run: the vault verifies; upgrading would carry ${carried}`)
      return result
    }

    this.say(`upgraded ${location.path} to format 2: ${carried}, signed by you`)
    if (result.protectedBranches) this.say('protected branches from config.yml are now in the vault: remove protected_branches from .secrets/config.yml (`secrets protect` changes them)')
    this.say('commit .secrets/vault.db; teammates need this version of secrets to read it')
    return result
  }
}
