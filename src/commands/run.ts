import {Flags} from '@oclif/core'

import {BaseCommand} from '../base-command.js'
import {openStore, vaultLocation} from '../command-context.js'
import {checkProtectedBranches, loadConfig} from '../vault/config.js'
import {executeRun} from '../run/execute-run.js'
import {type PublicPlan, type RunPlan, overdueSecrets, planRun} from '../run/plan-run.js'
import {selectJob} from '../run/select-job.js'
import {renderPlan} from '../run/render-plan.js'
import {ExitCode} from '../errors.js'

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
    const context = this.context(flags.vault)
    const location = vaultLocation(context)
    const projectDir = location.repoRoot ?? process.cwd()
    const selected = selectJob({projectDir, ciFile: flags['ci-file'], jobName: flags.job, dryRun: flags['dry-run']})
    if (selected.note) this.say(selected.note)
    for (const warning of selected.warnings ?? []) this.warning(warning)

    const config = await loadConfig(location.path)
    const store = await openStore(context, config)
    const secrets = store.list()
    const protectedBranches = checkProtectedBranches(config, store.protectedBranches())
    const plan = planRun({
      selected, secrets, projectDir, env: this.env,
      environment: flags.environment, branch: flags.branch, protectedBranches,
    })
    for (const s of overdueSecrets(plan, secrets)) {
      this.warning(`${s.name} (environment ${s.environment}, branch ${s.branch}) is overdue for rotation since ${s.rotation!.dueAt.slice(0, 10)}: run \`secrets rotate ${s.name}\``)
    }

    if (flags['dry-run']) {
      store.close()
      if (!this.jsonEnabled()) this.log(renderPlan(plan))
      // The preview exits as the run would: a conflict, then a missing secret.
      const ambiguous = plan.secrets.filter((s) => s.ambiguous)
      if (ambiguous.length > 0) {
        if (this.jsonEnabled()) this.logJson(publicPlan(plan))
        this.say(`${ambiguous.length} secret(s) bound to several secrets: ${ambiguous.map((s) => `${s.variable} (${s.ambiguous!.join(', ')})`).join('; ')}`)
        this.exit(ExitCode.CONFLICT)
      }

      const missing = plan.secrets.filter((s) => !s.resolved)
      if (missing.length > 0) {
        if (this.jsonEnabled()) this.logJson(publicPlan(plan))
        this.say(`${missing.length} secret(s) not found: ${missing.map((s) => s.variable).join(', ')}`)
        this.exit(ExitCode.NOT_FOUND)
      }

      return publicPlan(plan)
    }

    const status = await executeRun({
      plan, job: selected.job, store, command, cwd: process.cwd(), projectDir, env: this.env, mask: flags.mask,
    })
    if (status !== 0) this.exit(status)
  }
}

/** The --json plan: DESIGN section 4's shape, never a value. */
function publicPlan(plan: RunPlan): PublicPlan {
  return {job: plan.job, environment: plan.environment, branch: plan.branch, secrets: plan.secrets, variables: plan.variables}
}
