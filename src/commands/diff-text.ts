import {Args} from '@oclif/core'

import {BaseCommand} from '../base-command.js'
import {loadSodium} from '../crypto/sodium.js'
import {renderVaultText} from '../git/vault-text.js'

/** git's textconv driver (`diff.secrets.textconv`), set up by `enable`. */
export default class DiffText extends BaseCommand {
  static hidden = true
  static summary = 'Print a vault file as text for `git diff` and `git log -p`: names, scopes, versions, authors; never a value.'
  static description =
    'The textconv driver `secrets enable` sets up. Needs no identity. A file that is not a vault (an empty file for an added or deleted path) prints nothing.'

  static examples = ['<%= config.bin %> diff-text .secrets/vault.db']

  static args = {
    file: Args.string({ignoreStdin: true, required: true, description: 'The vault file git passes.'}),
  }

  async run(): Promise<{lines: string[]}> {
    const {args} = await this.parse(DiffText)
    await loadSodium()
    const lines = renderVaultText(args.file)
    if (!this.jsonEnabled() && lines.length > 0) process.stdout.write(`${lines.join('\n')}\n`)
    return {lines}
  }
}
