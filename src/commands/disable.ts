import {basename} from 'node:path'

import {Flags} from '@oclif/core'

import {BaseCommand} from '../base-command.js'
import {configDir, vaultLocation} from '../command-context.js'
import {SecretsError, usage} from '../errors.js'
import {type GitCleanup, removeGitIntegration} from '../git/integration.js'
import {type DisableResult, disableVault} from '../vault/disable-vault.js'

export default class Disable extends BaseCommand {
  static summary = 'Permanently delete the vault and every secret in it. This cannot be undone.'
  static description =
    "Asks you to type the repository's directory name; --force skips that (for scripts). Deletes .secrets/ and the lines `enable` added to .gitattributes and the git config. Your identity stays in your keychain: it is yours, not the vault's. Older commits still hold the encrypted vault."

  static examples = ['<%= config.bin %> disable', '<%= config.bin %> disable --force']

  static flags = {
    force: Flags.boolean({summary: 'Do not ask for confirmation.'}),
  }

  async run(): Promise<DisableResult & {git?: GitCleanup}> {
    const {flags} = await this.parse(Disable)
    const location = vaultLocation(this.context(flags.vault))
    const expected = basename(location.repoRoot ?? process.cwd())
    if (!flags.force) {
      if (!process.stdin.isTTY || !process.stderr.isTTY) {
        throw usage('refusing to disable the vault without a terminal to confirm on', 'pass --force to delete it from a script')
      }

      this.say(`this permanently deletes ${location.path} and every secret in it; it cannot be undone`)
      const {input} = await import('@inquirer/prompts')
      const typed = await input({message: `type the repository's name (${expected}) to confirm:`}, {output: process.stderr})
      if (typed.trim() !== expected) throw new SecretsError('ERROR', 'not confirmed: nothing was deleted')
    }

    const result = {...disableVault(location.path, configDir(this.env)), git: location.repoRoot ? removeGitIntegration(location.repoRoot) : undefined}
    this.say(`deleted the vault ${location.path} and every secret in it; this cannot be undone`)
    this.say('commit the deletion to remove it for everyone (older commits still hold the encrypted vault)')
    return result
  }
}
