import {Flags} from '@oclif/core'

import {BaseCommand} from '../base-command.js'
import type {PublicPlan} from '../run/plan-run.js'
import {runCommand} from '../run/run-command.js'

// The flags here and in src/cli/fast-run.ts (RUN_FLAGS) must be the same set: the fast path
// starts `run` without oclif and leaves anything it does not know to this command.
export default class Run extends BaseCommand {
  static summary = "Run a command (or a CI job's own script) with the secrets the job's `secrets:` asks for."
  static description = `Resolves the job's secrets: block from .gitlab-ci.yml as GitLab would, injects the values (file: true, the default, as a path to a 0600 file) plus every secret added with --variable whose scope matches, and masks the values in the output. The exit code is the command's own (128+N for a signal).`

  static examples = [
    '<%= config.bin %> run --job deploy -- ./deploy.sh',
    '<%= config.bin %> run --job deploy                  # the job\'s before_script + script, then after_script',
    '<%= config.bin %> run --job deploy --environment production --dry-run',
    '<%= config.bin %> run -- env                         # just the --variable secrets',
  ]

  static strict = false

  static flags = {
    job: Flags.string({summary: 'The CI job (default: the only job with secrets:).'}),
    'ci-file': Flags.string({summary: 'The CI file (default: .gitlab-ci.yml at the repository root).'}),
    environment: Flags.string({summary: "Resolve for this environment (default: the job's environment:)."}),
    branch: Flags.string({summary: 'Resolve for this branch (default: CI_COMMIT_REF_NAME, else the checked-out branch).'}),
    'dry-run': Flags.boolean({summary: 'Print the plan and run nothing; never prints a value.'}),
    mask: Flags.boolean({summary: 'Mask injected values in the output.', default: true, allowNo: true}),
  }

  async run(): Promise<PublicPlan | void> {
    const {flags, argv} = await this.parse(Run)
    const command = (argv as string[]).filter((a, i) => !(i === 0 && a === '--'))
    const outcome = await runCommand(this.io(), flags, command)
    if (outcome.exit !== 0) this.exit(outcome.exit)
    return outcome.result
  }
}
