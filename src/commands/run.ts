import {Flags} from '@oclif/core'

import {BaseCommand} from '../base-command.js'
import {openStore, vaultLocation} from '../command-context.js'
import {checkProtectedBranches, loadConfig} from '../vault/config.js'
import {executeRun} from '../run/execute-run.js'
import {preflight} from '../run/dry-run.js'
import {sweepStaleRunDirs} from '../run/secret-files.js'
import {type PublicPlan, type RunPlan, overdueSecrets, planRun} from '../run/plan-run.js'
import {selectJob} from '../run/select-job.js'
import {renderPlan} from '../run/render-plan.js'
import {SecretsError} from '../errors.js'

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
    // The files of a run killed with SIGKILL go at the next run, a dry run too.
    sweepStaleRunDirs(this.env)
    const context = this.context(flags.vault)
    const location = vaultLocation(context)
    const projectDir = location.repoRoot ?? process.cwd()
    const dryRun = flags['dry-run']
    const selected = selectJob({projectDir, ciFile: flags['ci-file'], jobName: flags.job})
    if (selected.note) this.say(selected.note)
    // A real run stops at a configuration GitLab would refuse; a dry run first shows what it can.
    if (selected.refusal && !dryRun) throw selected.refusal

    const opened = await (async () => {
      const config = await loadConfig(location.path)
      const store = await openStore(context, config)
      const secrets = store.list()
      const protectedBranches = checkProtectedBranches(config, store.protectedBranches())
      const plan = planRun({
        selected, secrets, projectDir, env: this.env,
        environment: flags.environment, branch: flags.branch, protectedBranches,
      })
      return {store, secrets, plan}
    })().catch((error: unknown) => {
      // No plan to show: the dry run fails where the real run would have, at the refusal.
      throw selected.refusal ?? error
    })
    const {store, secrets, plan} = opened
    for (const s of overdueSecrets(plan, secrets)) {
      this.warning(`${s.name} (environment ${s.environment}, branch ${s.branch}) is overdue for rotation since ${s.rotation!.dueAt.slice(0, 10)}: run \`secrets rotate ${s.name}\``)
    }

    if (dryRun) {
      // The plan first, then the error the real run would stop at, with its exit code: a dry
      // run in a lint step fails where the job would (src/run/dry-run.ts).
      let failure: unknown
      try {
        if (selected.refusal) throw selected.refusal
        preflight({plan, job: selected.job, store, command})
      } catch (error) {
        failure = error
      } finally {
        store.close()
      }

      if (!this.jsonEnabled()) this.log(renderPlan(plan))
      if (failure === undefined) return publicPlan(plan)
      if (!(failure instanceof SecretsError) || !this.jsonEnabled()) throw failure
      // One JSON document: the plan, and the error the run would stop at.
      this.logJson({...publicPlan(plan), error: {code: failure.code.toLowerCase(), exit: failure.exit, message: failure.message, hint: failure.hint ?? null}})
      this.exit(failure.exit)
    }

    const status = await executeRun({
      plan, job: selected.job, store, command, cwd: process.cwd(), projectDir, env: this.env, mask: flags.mask,
      warn: (line) => this.warning(line),
    })
    if (status !== 0) this.exit(status)
  }
}

/** The --json plan: DESIGN section 4's shape, never a value. */
function publicPlan(plan: RunPlan): PublicPlan {
  return {job: plan.job, environment: plan.environment, branch: plan.branch, secrets: plan.secrets, variables: plan.variables}
}
