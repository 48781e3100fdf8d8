import {runChild} from './child-process.js'
import {shell, shellProgram} from './job-script.js'
import {maskPatterns} from './mask.js'
import type {RunPlan} from './plan-run.js'
import type {PlannedSecret} from './resolve-secrets.js'
import {SecretFiles, runBaseDir} from './secret-files.js'
import type {Job} from '../ci/gitlab/types.js'
import type {Env} from '../env.js'
import {conflict, notFound, usage} from '../errors.js'
import {wipe} from '../crypto/index.js'
import type {SecretStore} from '../vault/secret-store.js'

export interface ExecuteOptions {
  plan: RunPlan
  job?: Job
  store: SecretStore
  /** After `--`; empty: the job's own script. */
  command: readonly string[]
  cwd: string
  projectDir: string
  env: Env
  mask: boolean
}

/** Stops the run before anything is spawned when a secret does not resolve, or resolves to several. */
export function requireResolved(plan: RunPlan): void {
  const ambiguous = plan.secrets.find((s) => s.ambiguous)
  if (ambiguous) {
    throw conflict(
      `resolving secrets: ${ambiguous.variable} (${asked(ambiguous)}) is bound to several secrets in environment ${ambiguous.scope!.environment}, branch ${ambiguous.scope!.branch}: ${ambiguous.ambiguous!.join(', ')}`,
      'keep one binding: remove the others, or re-add them without --ref',
    )
  }

  const missing = plan.secrets.find((s) => !s.resolved)
  if (!missing) return
  throw notFound(
    `resolving secrets: secret not found: ${missing.variable} (${asked(missing)}, environment ${plan.environment || '(none)'}, branch ${plan.branch || '(none)'})`,
    missing.provider === 'gitlab_secrets_manager'
      ? `add it with \`secrets add ${missing.reference}\``
      : `add it with \`secrets add ${missing.variable}\`, or bind one with --ref ${missing.provider}:${missing.reference}`,
  )
}

export function asked(s: PlannedSecret): string {
  return s.provider === 'gitlab_secrets_manager' ? `gitlab_secrets_manager name ${s.reference}` : `${s.provider} ${s.reference}`
}

/** Reads the values, injects them, runs the child and cleans up; returns its exit status. */
export async function executeRun(options: ExecuteOptions): Promise<number> {
  const {plan} = options
  requireResolved(plan)
  const command = options.command.length > 0 ? {argv: options.command, cwd: options.cwd} : jobCommand(options)

  const injected = [...plan.variables, ...plan.secrets]
  const values = injected.map((s) => ({planned: s, value: options.store.valueOf({name: s.secret!, ...s.scope!})}))
  options.store.close()

  const env: Record<string, string> = {}
  for (const [key, value] of Object.entries(options.env)) if (value !== undefined) env[key] = value
  Object.assign(env, plan.environmentVariables)

  const files = values.some((v) => v.planned.file) ? SecretFiles.create(runBaseDir(options.env)) : undefined
  const cleanup = () => files?.remove()
  // A crash between here and the child's end must not leave files behind in this process.
  process.once('exit', cleanup)
  try {
    for (const {planned, value} of values) {
      // An environment variable cannot hold a NUL byte, and the error Node would give quotes the value.
      if (!planned.file && value.includes(0)) {
        throw usage(`the value of ${planned.variable} holds a NUL byte, which an environment variable cannot carry`, `inject it as a file (file: true)${planned.provider === 'variable' ? ', `secrets add --variable --file`' : ''}`)
      }

      env[planned.variable] = planned.file ? files!.write(planned.variable, value) : new TextDecoder().decode(value)
    }

    const patterns = options.mask ? maskPatterns(values.map((v) => v.value)) : []
    for (const {value} of values) wipe(value)
    const status = await runChild(command.argv, {env, cwd: command.cwd, mask: patterns})
    if (options.command.length === 0 && options.job && options.job.afterScript.length > 0) {
      const sh = shell()
      await runChild([sh, '-c', shellProgram(options.job.afterScript, sh)], {env, cwd: command.cwd, mask: patterns})
    }

    return status
  } finally {
    for (const {value} of values) wipe(value)
    cleanup()
    process.off('exit', cleanup)
  }
}

function jobCommand(options: ExecuteOptions): {argv: string[]; cwd: string} {
  const job = options.job
  const lines = job ? [...job.beforeScript, ...job.script] : []
  if (lines.length === 0) {
    throw usage(job ? `job ${job.name} has no script to run` : 'nothing to run', 'give a command after --, e.g. `secrets run -- ./deploy.sh`')
  }

  const sh = shell()
  return {argv: [sh, '-c', shellProgram(lines, sh)], cwd: options.projectDir}
}
