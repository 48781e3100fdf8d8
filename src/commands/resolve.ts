import {BaseCommand} from '../base-command.js'
import {vaultLocation} from '../command-context.js'
import {loadSodium} from '../crypto/sodium.js'
import {SecretsError} from '../errors.js'
import {mergeMessages} from '../git/merge-messages.js'
import {type ResolveResult, resolveConflict} from '../git/resolve-conflict.js'

export default class Resolve extends BaseCommand {
  static summary = 'Merge a vault that git left in conflict, as the merge driver would have, and stage it.'
  static description =
    'A `git merge` in a clone where `secrets enable` has not set up the merge driver, or an octopus merge (which runs no drivers), leaves .secrets/vault.db in conflict. This merges the two sides (the union of their histories, each verified) into the work tree and stages it; then finish the merge with `git commit`. Needs no identity.'

  static examples = ['git merge feature   # CONFLICT (content): Merge conflict in .secrets/vault.db', '<%= config.bin %> resolve && git commit --no-edit']

  async run(): Promise<ResolveResult> {
    const {flags} = await this.parse(Resolve)
    const location = vaultLocation(this.context(flags.vault))
    if (!location.repoRoot) throw new SecretsError('NOT_FOUND', 'not inside a git repository: there is no merge to resolve')
    await loadSodium()
    const result = resolveConflict(location.repoRoot, location.path)
    for (const line of mergeMessages(result.report)) this.say(`secrets: ${line}`)
    this.say(`resolved ${result.path}: the union of both sides' histories, staged; finish the merge with \`git commit\``)
    return result
  }
}
