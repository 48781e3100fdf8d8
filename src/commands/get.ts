import {Args, Flags} from '@oclif/core'

import {BaseCommand} from '../base-command.js'
import {openStore} from '../command-context.js'
import {refuseTerminal} from '../terminal/read-value.js'

export default class Get extends BaseCommand {
  static summary = 'Print one secret value, for scripts.'
  static description =
    'With --environment or --branch the scope resolves as `secrets run` resolves it (most specific match). Without them: the only secret of that name, else its */* one. Refuses to print to a terminal without --reveal.'

  static examples = [
    'DB_PASSWORD=$(<%= config.bin %> get DB_PASSWORD)',
    '<%= config.bin %> get DB_PASSWORD --environment production > password.txt',
    '<%= config.bin %> get DB_PASSWORD --reveal',
  ]

  static args = {
    name: Args.string({ignoreStdin: true, required: true}),
  }

  static flags = {
    environment: Flags.string({summary: 'Resolve for this environment.'}),
    branch: Flags.string({summary: 'Resolve for this branch (default with --environment: CI_COMMIT_REF_NAME, else the checked-out branch).'}),
    reveal: Flags.boolean({summary: 'Allow printing the value to a terminal.'}),
  }

  async run(): Promise<{name: string; environment: string; branch: string; version: number; value: string}> {
    const {args, flags} = await this.parse(Get)
    refuseTerminal(process.stdout, flags.reveal)
    const store = await openStore({...this.context(flags.vault), readsOnly: true})
    try {
      const {summary, value} = store.reveal({name: args.name, environment: flags.environment, branch: flags.branch})
      if (!this.jsonEnabled()) {
        process.stdout.write(value)
        if (process.stdout.isTTY) process.stdout.write('\n')
      }

      return {
        name: summary.name,
        environment: summary.environment,
        branch: summary.branch,
        version: summary.version,
        value: new TextDecoder().decode(value),
      }
    } finally {
      store.close()
    }
  }
}
