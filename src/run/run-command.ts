// `secrets run`, apart from how it was started: oclif's command (src/commands/run.ts) and the
// fast path that starts it without oclif (src/cli/fast-run.ts) both call runCommand, so the
// two cannot drift apart in what they do, only in how they read the flags.
import {type CommandIO, contextOf, errorJson} from '../cli/command-io.js'
import {openStore, vaultLocation} from '../command-context.js'
import {SecretsError} from '../errors.js'
import {checkProtectedBranches, loadConfig} from '../vault/config.js'
import {preflight} from './dry-run.js'
import {executeRun} from './execute-run.js'
import {type PublicPlan, type RunPlan, overdueSecrets, planRun} from './plan-run.js'
import {renderPlan} from './render-plan.js'
import {sweepStaleRunDirs} from './secret-files.js'
import {selectJob} from './select-job.js'

export interface RunFlags {
  job?: string
  'ci-file'?: string
  environment?: string
  branch?: string
  'dry-run': boolean
  mask: boolean
  vault?: string
}

export interface RunOutcome {
  /** The --json document of a dry run that succeeded. */
  result?: PublicPlan
  /** Non-zero: the process exits with it (the child's status, or a dry run's refusal already printed as JSON). */
  exit: number
}

/** `command`: what follows `--` (empty: the job's own script). */
export async function runCommand(io: CommandIO, flags: RunFlags, command: readonly string[]): Promise<RunOutcome> {
  // The files of a run killed with SIGKILL go at the next run, a dry run too.
  sweepStaleRunDirs(io.env)
  const context = contextOf(io, flags.vault)
  const location = vaultLocation(context)
  const projectDir = location.repoRoot ?? process.cwd()
  const dryRun = flags['dry-run']
  const selected = selectJob({projectDir, ciFile: flags['ci-file'], jobName: flags.job})
  if (selected.note) io.say(selected.note)
  // A real run stops at a configuration GitLab would refuse; a dry run first shows what it can.
  if (selected.refusal && !dryRun) throw selected.refusal

  const opened = await (async () => {
    const config = await loadConfig(location.path)
    const store = await openStore({...context, readsOnly: true}, config)
    // Only what the job's entries name, and what any run may inject (--variable secrets,
    // secrets bound to references): a job of 20 in a vault of 10,000 summarises a few dozen.
    const names = new Set((selected.job?.secrets ?? []).flatMap((entry) => (entry.source.provider === 'gitlab_secrets_manager' ? [entry.source.name, entry.variable] : [entry.variable])))
    const secrets = store.listForRun(names)
    const protectedBranches = checkProtectedBranches(config, store.protectedBranches())
    const plan = planRun({
      selected, secrets, projectDir, env: io.env,
      environment: flags.environment, branch: flags.branch, protectedBranches,
    })
    return {store, secrets, plan}
  })().catch((error: unknown) => {
    // No plan to show: the dry run fails where the real run would have, at the refusal.
    throw selected.refusal ?? error
  })
  const {store, secrets, plan} = opened
  for (const s of overdueSecrets(plan, secrets)) {
    io.warning(`${s.name} (environment ${s.environment}, branch ${s.branch}) is overdue for rotation since ${s.rotation!.dueAt.slice(0, 10)}: run \`secrets rotate ${s.name}\``)
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

    io.log(renderPlan(plan))
    if (failure === undefined) return {result: publicPlan(plan), exit: 0}
    if (!(failure instanceof SecretsError) || !io.json) throw failure
    // One JSON document: the plan, and the error the run would stop at.
    io.logJson({...publicPlan(plan), error: errorJson(failure)})
    return {exit: failure.exit}
  }

  const status = await executeRun({
    plan, job: selected.job, store, command, cwd: process.cwd(), projectDir, env: io.env, mask: flags.mask,
    warn: (line) => io.warning(line),
  })
  return {exit: status}
}

/** The --json plan: DESIGN section 4's shape, never a value. */
function publicPlan(plan: RunPlan): PublicPlan {
  return {job: plan.job, environment: plan.environment, branch: plan.branch, secrets: plan.secrets, variables: plan.variables}
}
