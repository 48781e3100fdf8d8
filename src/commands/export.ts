import {Flags} from '@oclif/core'

import {BaseCommand} from '../base-command.js'
import {openStore} from '../command-context.js'
import {refuseTerminal} from '../terminal/read-value.js'
import {exportSecrets} from '../vault/secrets/export.js'

export default class Export extends BaseCommand {
  static summary = 'Print secrets with their values as dotenv, GitLab CI/CD variables JSON, or JSON.'
  static description =
    'Without --environment/--branch, every secret; with them, for each name the one a run there would get. dotenv needs one secret per name. Values are revealed, so printing to a terminal needs --reveal.'

  static examples = [
    '<%= config.bin %> export --format dotenv --environment production > .env.production',
    '<%= config.bin %> export --format gitlab > variables.json',
  ]

  // The output is the data itself: --json would be ambiguous next to --format json.
  static enableJsonFlag = false

  static flags = {
    format: Flags.string({summary: 'The output format.', options: ['dotenv', 'gitlab', 'json'], required: true}),
    environment: Flags.string({summary: 'Export what a run in this environment would get.'}),
    branch: Flags.string({summary: 'Export what a run on this branch would get.'}),
    reveal: Flags.boolean({summary: 'Allow printing values to a terminal.'}),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(Export)
    refuseTerminal(process.stdout, flags.reveal)
    const store = await openStore(this.context(flags.vault))
    let text: string
    try {
      const secrets = exportSecrets(store, {environment: flags.environment, branch: flags.branch})
      if (flags.format === 'dotenv') text = (await import('../formats/dotenv.js')).formatDotenv(secrets)
      else if (flags.format === 'gitlab') text = (await import('../formats/gitlab-variables.js')).formatGitlabVariables(secrets)
      else text = (await import('../formats/json-export.js')).formatJson(secrets)
      this.say(`exported ${secrets.length} secret(s)`)
    } finally {
      store.close()
    }

    process.stdout.write(text.endsWith('\n') ? text : `${text}\n`)
  }
}
