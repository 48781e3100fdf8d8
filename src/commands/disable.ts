import {basename, relative} from 'node:path'

import {Flags} from '@oclif/core'

import {BaseCommand} from '../base-command.js'
import {configDir, vaultLocation} from '../command-context.js'
import {SecretsError, usage} from '../errors.js'
import {type GitCleanup, checkGitIntegration, removeGitIntegration} from '../git/integration.js'
import {type DisableResult, disableVault} from '../vault/disable-vault.js'
import {checkVaultFiles} from '../vault/enable-vault.js'
import {trustedBase} from '../vault/repo-paths.js'

export default class Disable extends BaseCommand {
  static summary = 'Permanently delete the vault and every secret in it. This cannot be undone.'
  static description =
    "Asks you to type the repository's directory name; --force skips that (for scripts). Deletes the vault and what `enable` made for it, and lists each: the .gitignore beside it (while unchanged), the line in .gitattributes and the driver keys in this clone's git config. Anything else (a config.yml, a .gitignore you changed) stays, and is listed too. Refuses, deleting nothing, when any of those paths is a symlink. Your identity stays in your keychain: it is yours, not the vault's. Older commits still hold the encrypted vault."

  static examples = ['<%= config.bin %> disable', '<%= config.bin %> disable --force']

  static flags = {
    force: Flags.boolean({summary: 'Do not ask for confirmation.'}),
  }

  async run(): Promise<DisableResult & {git?: GitCleanup}> {
    const {flags} = await this.parse(Disable)
    const location = vaultLocation(this.context(flags.vault))
    const base = trustedBase(location.path, location.repoRoot)
    // Everything that would be deleted or rewritten is checked before the question and before the
    // first deletion: a symlink planted by a clone is refused with nothing touched.
    checkVaultFiles(base, location.path, 'delete')
    if (location.repoRoot) checkGitIntegration(location.repoRoot, location.path)
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

    const result = {
      ...disableVault(location.path, configDir(this.env), base),
      git: location.repoRoot ? removeGitIntegration(location.repoRoot, location.path) : undefined,
    }
    const shown = (path: string) => (location.repoRoot && !relative(location.repoRoot, path).startsWith('..') ? relative(location.repoRoot, path) : path)
    this.say(`deleted the vault ${location.path} and every secret in it; this cannot be undone`)
    for (const path of result.deleted.slice(1)) this.say(`removed ${shown(path)}`)
    if (result.git?.attributesLineRemoved) this.say('removed the secrets line from .gitattributes')
    if (result.git?.configKeysRemoved.length) this.say(`removed ${result.git.configKeysRemoved.join(', ')} from this clone's git config`)
    for (const {path, reason} of result.kept) this.say(`kept ${shown(path)}: ${reason}`)
    this.say('commit the deletion to remove it for everyone (older commits still hold the encrypted vault)')
    return result
  }
}
