import {constants} from 'node:os'

import {FORWARDED_SIGNALS, runChild} from './child-process.js'
import {identityTexts, inheritedEnvironment} from './child-environment.js'
import {shell, shellProgram} from './job-script.js'
import {maskPatterns} from './mask.js'
import type {RunPlan} from './plan-run.js'
import type {PlannedSecret} from './resolve-secrets.js'
import {SecretFiles, runBaseDir} from './secret-files.js'
import {injectionProblem} from './startup-variables.js'
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
  /** One line for stderr (e.g. the run directory's fallback). */
  warn?: (line: string) => void
}

/**
 * Stops the run before anything is read or spawned when a variable it would inject has a name
 * no shell can hold, or one that changes how programs start (src/run/startup-variables.ts): a
 * job's `secrets:` key (the CI file is reviewed, but the refusal is cheap and keeps one rule
 * for every injected name), or a --variable secret stored by an older client or a forged
 * operation. Nothing is injected rather than everything but that one: a job missing a
 * variable would fail later, or worse, succeed doing something else.
 */
export function requireInjectableNames(plan: RunPlan): void {
  for (const planned of [...plan.secrets, ...plan.variables]) {
    const problem = injectionProblem(planned.variable)
    if (!problem) continue
    const where = planned.provider === 'variable' ? `--variable secret (environment ${planned.scope?.environment}, branch ${planned.scope?.branch})` : `secrets: entry of job ${plan.job ?? '(none)'}`
    throw usage(
      `refusing to inject a ${where}: ${problem}`,
      planned.provider === 'variable' ? 'a maintainer removes it (`secrets remove NAME`) and adds it under another name' : 'rename the entry in the CI file',
    )
  }
}

/** Stops the run before anything is spawned when a secret does not resolve, or resolves to several. */
export function requireResolved(plan: RunPlan): void {
  requireInjectableNames(plan)
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

  // Never SECRETS_IDENTITY or SECRETS_IDENTITY_FILE: the job gets what it asked for, not the key to every secret.
  const env = inheritedEnvironment(options.env)
  Object.assign(env, plan.environmentVariables)

  // From here until the files are gone, SIGINT, SIGTERM, SIGHUP (and the other FORWARDED_SIGNALS) do not kill this process
  // (Node's default would, leaving the files): runChild forwards them to the child, and the
  // run stops at the next step with 128+N.
  const stop = stopSignal()
  let files: SecretFiles | undefined
  const cleanup = () => files?.remove()
  // A crash between here and the child's end must not leave files behind in this process.
  process.once('exit', cleanup)
  try {
    files = values.some((v) => v.planned.file) ? SecretFiles.create(runBaseDir(options.env), options.warn) : undefined
    for (const {planned, value} of values) {
      // An environment variable cannot hold a NUL byte, and the error Node would give quotes the value.
      if (!planned.file && value.includes(0)) {
        throw usage(`the value of ${planned.variable} holds a NUL byte, which an environment variable cannot carry`, `inject it as a file (file: true)${planned.provider === 'variable' ? ', `secrets add --variable --file`' : ''}`)
      }

      env[planned.variable] = planned.file ? files!.write(planned.variable, value) : new TextDecoder().decode(value)
    }

    const patterns = options.mask ? maskPatterns([...values.map((v) => v.value), ...identityTexts(options.env)]) : []
    for (const {value} of values) wipe(value)
    if (stop.received) return stop.status()
    const status = await runChild(command.argv, {env, cwd: command.cwd, mask: patterns})
    // A signal to the run stops it: after_script is not started.
    if (!stop.received && options.command.length === 0 && options.job && options.job.afterScript.length > 0) {
      const sh = shell()
      await runChild([sh, '-c', shellProgram(options.job.afterScript, sh)], {env, cwd: command.cwd, mask: patterns})
    }

    return status
  } finally {
    for (const {value} of values) wipe(value)
    cleanup()
    process.off('exit', cleanup)
    stop.dispose()
  }
}

/** Records the forwarded signals (SIGINT, SIGTERM, SIGHUP, …) instead of dying of them, until disposed. */
function stopSignal(): {readonly received: NodeJS.Signals | undefined; status: () => number; dispose: () => void} {
  let received: NodeJS.Signals | undefined
  const record = (signal: NodeJS.Signals) => {
    received ??= signal
  }

  for (const signal of FORWARDED_SIGNALS) process.on(signal, record)
  return {
    get received() {
      return received
    },
    status: () => 128 + (received ? constants.signals[received] : 0),
    dispose: () => {
      for (const signal of FORWARDED_SIGNALS) process.off(signal, record)
    },
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
