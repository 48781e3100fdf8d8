import {Args} from '@oclif/core'

import {BaseCommand} from '../base-command.js'
import {loadSodium} from '../crypto/sodium.js'
import {mergeMessages} from '../git/merge-messages.js'
import {type MergeReport, mergeVaultFiles} from '../git/merge-vaults.js'

/**
 * git's merge driver (`merge.secrets.driver`), set up by `enable`: the result goes into OURS;
 * exit 0 for a merge, non-zero (one line on stderr) when the two files cannot be merged.
 */
export default class MergeDriver extends BaseCommand {
  static hidden = true
  static summary = 'Merge two copies of the vault as the union of their histories, for git (`%O %A %B %P`).'
  static description =
    'The merge driver `secrets enable` sets up: the union of both sides\' operations (format 1: rows), written over OURS, each side verified first. Needs no identity. Refuses two different vaults, a side that fails verification, a mix of formats, or a format newer than this secrets.'

  static examples = ['<%= config.bin %> merge-driver BASE OURS THEIRS .secrets/vault.db']

  static args = {
    base: Args.string({ignoreStdin: true, required: true, description: 'The common ancestor (%O).'}),
    ours: Args.string({ignoreStdin: true, required: true, description: 'Our side (%A); the result is written here.'}),
    theirs: Args.string({ignoreStdin: true, required: true, description: 'Their side (%B).'}),
    path: Args.string({ignoreStdin: true, required: false, description: 'The path in the repository (%P), for messages.'}),
  }

  async run(): Promise<MergeReport> {
    const {args} = await this.parse(MergeDriver)
    await loadSodium()
    const report = mergeVaultFiles({base: args.base, ours: args.ours, theirs: args.theirs, path: args.path})
    for (const line of mergeMessages(report)) this.say(`secrets: ${line}`)
    return report
  }
}
