// What a real run checks before it starts the child, done by `run --dry-run` too, so that a dry
// run in a CI lint step exits with the code the job's run would: the same checks, in the same
// order, with the same messages (test/e2e/dry-run-truth.test.ts runs both on each failure).
import type {Job} from '../ci/gitlab/types.js'
import {usage} from '../errors.js'
import {wipe} from '../crypto/index.js'
import type {SecretStore} from '../vault/secret-store.js'
import {requireResolved} from './execute-run.js'
import type {RunPlan} from './plan-run.js'

export interface PreflightOptions {
  plan: RunPlan
  job?: Job
  store: SecretStore
  /** After `--`; empty: the job's own script. */
  command: readonly string[]
}

/**
 * Throws what `executeRun` would throw before spawning: a name it refuses to inject, an
 * ambiguous or missing secret, no script to run, a value this identity may not read (or no
 * identity at all), a value that fails verification, a NUL byte in a value meant for the
 * environment. Values are decrypted, as the run would, and wiped at once: never printed.
 */
export function preflight(options: PreflightOptions): void {
  const {plan, job} = options
  requireResolved(plan)
  const lines = job ? [...job.beforeScript, ...job.script] : []
  if (options.command.length === 0 && lines.length === 0) {
    throw usage(job ? `job ${job.name} has no script to run` : 'nothing to run', 'give a command after --, e.g. `secrets run -- ./deploy.sh`')
  }

  const injected = [...plan.variables, ...plan.secrets]
  const values: Uint8Array[] = []
  try {
    for (const planned of injected) values.push(options.store.valueOf({name: planned.secret!, ...planned.scope!}))
    for (const [index, planned] of injected.entries()) {
      if (!planned.file && values[index]!.includes(0)) {
        throw usage(`the value of ${planned.variable} holds a NUL byte, which an environment variable cannot carry`, `inject it as a file (file: true)${planned.provider === 'variable' ? ', `secrets add --variable --file`' : ''}`)
      }
    }
  } finally {
    for (const value of values) wipe(value)
  }
}
