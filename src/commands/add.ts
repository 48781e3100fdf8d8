import {Args, Flags} from '@oclif/core'

import {BaseCommand} from '../base-command.js'
import {openStore} from '../command-context.js'
import {type NewSecret, checkNewSecret} from '../vault/secrets/add.js'
import type {SecretSummary} from '../vault/secrets/summary.js'
import {parseRef} from '../vault/validate.js'
import {readValue} from '../terminal/read-value.js'

export default class Add extends BaseCommand {
  static summary = 'Add a secret; its value comes from a hidden prompt or stdin, never from the command line.'
  static examples = [
    '<%= config.bin %> add DB_PASSWORD --description "main database"',
    'printf %s "$TOKEN" | <%= config.bin %> add DEPLOY_TOKEN --environment production --rotation-days 30',
    '<%= config.bin %> add KUBECONFIG --variable --file --environment "review/*" < kubeconfig.yml',
    '<%= config.bin %> add DB_PASSWORD --ref vault:production/db/password@ops --environment production',
  ]

  static args = {
    name: Args.string({ignoreStdin: true, required: true, description: 'Letters, digits and underscores, as GitLab names secrets.'}),
  }

  static flags = {
    description: Flags.string({summary: 'What the secret is for (at most 200 characters).'}),
    environment: Flags.string({summary: 'Environment scope: a name, a pattern with *, or * for all.', default: '*'}),
    branch: Flags.string({summary: 'Branch scope: a name, a pattern with *, or * for all.', default: '*'}),
    'rotation-days': Flags.integer({summary: 'Remind to rotate every N days (at least 7).'}),
    variable: Flags.boolean({
      summary: 'Inject into every matching `secrets run`, like a GitLab CI/CD variable.',
      description: 'The name must be a variable name (a letter or _ first), and not one that changes how programs start (BASH_ENV, PATH, LD_*, NODE_OPTIONS, PYTHONPATH, GIT_*, …); the error says why.',
    }),
    file: Flags.boolean({summary: 'As a file-type variable: the variable holds a path to a file with the value.', dependsOn: ['variable']}),
    protected: Flags.boolean({summary: 'Resolve only on protected branches.'}),
    ref: Flags.string({summary: 'Bind to a CI provider reference, e.g. vault:production/db/password@ops.'}),
  }

  async run(): Promise<SecretSummary> {
    const {args, flags} = await this.parse(Add)
    const input: NewSecret = checkNewSecret({
      name: args.name,
      environment: flags.environment,
      branch: flags.branch,
      description: flags.description,
      rotationDays: flags['rotation-days'],
      variable: flags.variable,
      file: flags.file,
      protected: flags.protected,
      ref: flags.ref === undefined ? undefined : parseRef(flags.ref),
    })
    const store = await openStore(this.context(flags.vault))
    try {
      const summary = await store.add(input, () => readValue(`value for ${input.name}`))
      this.say(`added ${summary.name} (environment ${summary.environment}, branch ${summary.branch}), version 1`)
      return summary
    } finally {
      store.close()
    }
  }
}
