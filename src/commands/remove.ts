import {Args, Flags} from '@oclif/core'

import {BaseCommand} from '../base-command.js'
import {openStore} from '../command-context.js'
import type {SecretSummary} from '../vault/secrets/summary.js'

export default class Remove extends BaseCommand {
  static summary = 'Remove a secret (a signed tombstone; its history stays in the vault until `disable`).'
  static examples = ['<%= config.bin %> remove OLD_TOKEN', '<%= config.bin %> remove DB_PASSWORD --environment staging']

  static args = {
    name: Args.string({ignoreStdin: true, required: true}),
  }

  static flags = {
    environment: Flags.string({summary: 'The exact environment scope, when the name has several.'}),
    branch: Flags.string({summary: 'The exact branch scope, when the name has several.'}),
  }

  async run(): Promise<SecretSummary> {
    const {args, flags} = await this.parse(Remove)
    const store = await openStore(this.context(flags.vault))
    try {
      const removed = store.remove({name: args.name, environment: flags.environment, branch: flags.branch})
      this.say(`removed ${removed.name} (environment ${removed.environment}, branch ${removed.branch})`)
      return removed
    } finally {
      store.close()
    }
  }
}
