import {Args, Flags} from '@oclif/core'

import {BaseCommand} from '../base-command.js'
import {openAdmin, openStore} from '../command-context.js'
import {generateValue} from '../crypto/generate.js'
import {usage} from '../errors.js'
import {progressBar} from '../terminal/progress.js'
import {readValue} from '../terminal/read-value.js'
import type {RekeyResult} from '../vault/keys/rekey.js'
import {DEFAULT_GENERATED_LENGTH, checkGeneratedLength} from '../vault/secrets/rotate.js'
import type {SecretSummary} from '../vault/secrets/summary.js'

export default class Rotate extends BaseCommand {
  static summary = 'Give a secret a new value (a new version; the rotation reminder restarts), or re-key the whole vault.'
  static examples = [
    'printf %s "$NEW" | <%= config.bin %> rotate DB_PASSWORD',
    '<%= config.bin %> rotate API_TOKEN --environment production --generate --length 48',
    '<%= config.bin %> rotate --key      # new data keys for every scope, in one transaction',
  ]

  static args = {
    name: Args.string({ignoreStdin: true, description: 'The secret (not with --key).'}),
  }

  static flags = {
    environment: Flags.string({summary: 'The exact environment scope, when the name has several.'}),
    branch: Flags.string({summary: 'The exact branch scope, when the name has several.'}),
    generate: Flags.boolean({summary: 'Generate a random value (URL-safe characters) instead of reading one.', exclusive: ['key']}),
    length: Flags.integer({summary: `Length of a generated value (default ${DEFAULT_GENERATED_LENGTH}).`, dependsOn: ['generate']}),
    key: Flags.boolean({summary: 'Re-key the vault: a new key for every scope, sealed to its readers today, for every value written from now on.'}),
  }

  async run(): Promise<SecretSummary | RekeyResult> {
    const {args, flags} = await this.parse(Rotate)
    if (flags.key && args.name) throw usage('rotate --key re-keys the whole vault and takes no secret name')
    if (!flags.key && !args.name) throw usage('which secret? give its name, or --key to re-key the vault', 'secrets rotate NAME, or secrets rotate --key')
    const length = checkGeneratedLength(flags.length ?? DEFAULT_GENERATED_LENGTH)
    if (flags.key) {
      // A vault of thousands of operations takes a second or more to read and judge.
      const reading = progressBar(process.stderr, 'reading the vault')
      const admin = await openAdmin({...this.context(flags.vault), onLoad: reading.update})
      try {
        reading.done()
        const result = admin.rekey()
        this.say(`re-keyed the vault: new keys for ${result.scopes} scope(s), sealed to their readers today; values written from now on use them`)
        if (result.skipped > 0) this.say(`${result.skipped} scope(s) you may not read keep their keys (an owner can re-key them)`)
        this.say('stored values keep their keys: rotate a value (`secrets rotate NAME`) to put it out of an old key\'s reach')
        return result
      } finally {
        admin.close()
      }
    }

    const store = await openStore(this.context(flags.vault))
    try {

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
