import {Args, Flags} from '@oclif/core'

import {BaseCommand} from '../base-command.js'
import {openStore} from '../command-context.js'
import {generateValue} from '../crypto/generate.js'
import {usage} from '../errors.js'
import {readValue} from '../terminal/read-value.js'
import {progressBar} from '../terminal/progress.js'
import type {RekeyResult} from '../vault/rekey-vault.js'
import {DEFAULT_GENERATED_LENGTH, checkGeneratedLength} from '../vault/rotate-secret.js'
import type {SecretSummary} from '../vault/secret-summary.js'

export default class Rotate extends BaseCommand {
  static summary = 'Give a secret a new value (a new version; the rotation reminder restarts), or re-key the whole vault.'
  static examples = [
    'printf %s "$NEW" | <%= config.bin %> rotate DB_PASSWORD',
    '<%= config.bin %> rotate API_TOKEN --environment production --generate --length 48',
    '<%= config.bin %> rotate --key      # new data keys; every value re-encrypted in one transaction',
  ]

  static args = {
    name: Args.string({ignoreStdin: true, description: 'The secret (not with --key).'}),
  }

  static flags = {
    environment: Flags.string({summary: 'The exact environment scope, when the name has several.'}),
    branch: Flags.string({summary: 'The exact branch scope, when the name has several.'}),
    generate: Flags.boolean({summary: 'Generate a random value (URL-safe characters) instead of reading one.', exclusive: ['key']}),
    length: Flags.integer({summary: `Length of a generated value (default ${DEFAULT_GENERATED_LENGTH}).`, dependsOn: ['generate']}),
    key: Flags.boolean({summary: 'Re-key the vault: a new key epoch, every stored value re-encrypted and re-sealed to each reader.'}),
  }

  async run(): Promise<SecretSummary | RekeyResult> {
    const {args, flags} = await this.parse(Rotate)
    if (flags.key && args.name) throw usage('rotate --key re-keys the whole vault and takes no secret name')
    if (!flags.key && !args.name) throw usage('which secret? give its name, or --key to re-key the vault', 'secrets rotate NAME, or secrets rotate --key')
    const length = checkGeneratedLength(flags.length ?? DEFAULT_GENERATED_LENGTH)
    const store = await openStore(this.context(flags.vault))
    try {
      if (flags.key) {
        const bar = progressBar(process.stderr, 're-encrypting')
        const result = store.rekey(bar.update)
        bar.done()
        this.say(`re-keyed the vault: ${result.versions} value(s) re-encrypted under new keys for ${result.scopes} scope(s)`)
        return result
      }

      const name = args.name!
      const summary = await store.rotate({name, environment: flags.environment, branch: flags.branch}, async () =>
        flags.generate ? generateValue(length) : readValue(`new value for ${name}`),
      )
      this.say(`rotated ${summary.name} (environment ${summary.environment}, branch ${summary.branch}): version ${summary.version}${flags.generate ? ', a generated value (`secrets get` shows it)' : ''}`)
      return summary
    } finally {
      store.close()
    }
  }
}
