import {Args, Flags} from '@oclif/core'

import {BaseCommand} from '../base-command.js'
import {openAdmin} from '../command-context.js'
import {usage} from '../errors.js'
import type {ProtectResult} from '../vault/members/protect.js'

export default class Protect extends BaseCommand {
  static summary = 'Show or set the protected branches, where --protected secrets resolve.'
  static description =
    'Without arguments: the current list (default main, master). With patterns: exactly those branches are protected from now on. The list is part of the vault\'s signed history (owners and maintainers change it), since it decides what `secrets run` hands out.'

  static examples = ['<%= config.bin %> protect', "<%= config.bin %> protect main 'release/*'", '<%= config.bin %> protect --none']

  static strict = false

  static args = {
    branch: Args.string({ignoreStdin: true, description: 'Branch names or patterns with *.'}),
  }

  static flags = {
    none: Flags.boolean({summary: 'Protect no branch.'}),
  }

  async run(): Promise<ProtectResult> {
    const {argv, flags} = await this.parse(Protect)
    const patterns = argv as string[]
    if (flags.none && patterns.length > 0) throw usage('--none takes no branch patterns')
    const admin = await openAdmin(this.context(flags.vault))
    try {
      const result = admin.protect(flags.none ? [] : patterns.length > 0 ? patterns : undefined)
      const list = result.protectedBranches.length === 0 ? 'none' : result.protectedBranches.join(', ')
      if (patterns.length === 0 && !flags.none) {
        if (!this.jsonEnabled()) this.log(list)
      } else {
        this.say(result.changed ? `protected branches are now: ${list}` : `protected branches were already: ${list}`)
      }

      return result
    } finally {
      admin.close()
    }
  }
}
