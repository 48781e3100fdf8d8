import {type Env} from '../env.js'
import {currentBranch} from '../git/repository.js'
import {expand} from './expand.js'
import {environmentVariables, predefinedVariables} from './predefined-variables.js'
import {type PlannedSecret, type RunScope, isProtectedBranch, planEntry, planVariables} from './resolve-secrets.js'
import type {SelectedJob} from './select-job.js'
import type {SecretSummary} from '../vault/secrets/summary.js'

export interface RunPlan {
  job: string | null
  environment: string
  branch: string
  protectedBranch: boolean
  /** What the job's `secrets:` asks for, in order. */
  secrets: PlannedSecret[]
  /** Secrets added with --variable that this run receives. */
  variables: PlannedSecret[]
  /** The job's variables (global ones included unless `inherit:` says otherwise) and CI_*, expanded. */
  environmentVariables: Record<string, string>
}

/** What `run --dry-run --json` prints. */
export type PublicPlan = Pick<RunPlan, 'job' | 'environment' | 'branch' | 'secrets' | 'variables'>

export interface PlanOptions {
  selected: SelectedJob
  secrets: readonly SecretSummary[]
  projectDir: string
  env: Env
  environment?: string
  branch?: string
  protectedBranches: readonly string[]
}

/**
 * Environment: --environment, else the job's `environment:` (expanded). Branch: --branch, else
 * CI_COMMIT_REF_NAME, else the checked-out branch.
 */
export function planRun(options: PlanOptions): RunPlan {
  const {job, pipeline} = options.selected
  const branch = options.branch ?? (options.env.CI_COMMIT_REF_NAME || currentBranch(options.projectDir) || '')
  // The environment may itself use CI_* variables (review/$CI_COMMIT_REF_SLUG), so those
  // come first and CI_ENVIRONMENT_* once the environment is known.
  const base = predefinedVariables({projectDir: options.projectDir, jobName: job?.name, branch, environment: ''}, options.env)

  const inherit = job?.inheritGlobalVariables ?? true
  const globals = Object.entries(pipeline?.variables ?? {}).filter(([name]) => inherit === true || (Array.isArray(inherit) && inherit.includes(name)))
  const declared: Record<string, string> = {...Object.fromEntries(globals), ...job?.variables}
  const lookup = {...options.env, ...base, ...declared}
  const environment = options.environment ?? (job?.environment ? expand(job.environment, lookup) : '')
  const predefined = {...base, ...environmentVariables(environment, options.env)}
  const variables = {...options.env, ...predefined, ...declared}
  const expanded: Record<string, string> = {...predefined}
  for (const [name, value] of Object.entries(declared)) expanded[name] = expand(value, variables)

  const scope: RunScope = {environment, branch, protectedBranch: isProtectedBranch(branch, options.protectedBranches)}
  const secrets = (job?.secrets ?? []).map((entry) => planEntry(entry, options.secrets, scope, {...variables, ...expanded}))
  return {
    job: job?.name ?? null,
    environment,
    branch,
    protectedBranch: scope.protectedBranch,
    secrets,
    variables: planVariables(options.secrets, scope, new Set(secrets.map((s) => s.variable))),
    environmentVariables: expanded,
  }
}

/** The injected secrets that are overdue for rotation: `run` warns once for each. */
export function overdueSecrets(plan: RunPlan, secrets: readonly SecretSummary[]): SecretSummary[] {
  const injected = [...plan.secrets, ...plan.variables].filter((p) => p.resolved)
  return secrets.filter(
    (s) =>
      s.rotation?.status === 'OVERDUE' &&
      injected.some((p) => p.secret === s.name && p.scope?.environment === s.environment && p.scope?.branch === s.branch),
  )
}
