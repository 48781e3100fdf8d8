import {execFileSync} from 'node:child_process'
import {basename} from 'node:path'

import type {Env} from '../env.js'

export interface JobContext {
  projectDir: string
  jobName?: string
  branch: string
  environment: string
}

/** CI_ENVIRONMENT_NAME and _SLUG for a job's environment (none when it has none). */
export function environmentVariables(environment: string, env: Env): Record<string, string> {
  const vars: Record<string, string | undefined> = {
    CI_ENVIRONMENT_NAME: environment || undefined,
    CI_ENVIRONMENT_SLUG: environment ? slug(environment).slice(0, 24) : undefined,
  }
  return given(vars, env)
}

/**
 * The predefined CI_* variables a GitLab runner would set, as far as a local checkout can
 * know them. Values already in the environment win: inside a real CI job they are the truth.
 */
export function predefinedVariables(context: JobContext, env: Env): Record<string, string> {
  const sha = git(context.projectDir, 'rev-parse', 'HEAD')
  const vars: Record<string, string | undefined> = {
    CI: 'true',
    CI_PROJECT_DIR: context.projectDir,
    CI_PROJECT_NAME: basename(context.projectDir),
    CI_COMMIT_REF_NAME: context.branch || undefined,
    CI_COMMIT_BRANCH: context.branch || undefined,
    CI_COMMIT_REF_SLUG: context.branch ? slug(context.branch) : undefined,
    CI_COMMIT_SHA: sha,
    CI_COMMIT_SHORT_SHA: sha?.slice(0, 8),
    CI_JOB_NAME: context.jobName,
    CI_PIPELINE_SOURCE: 'local',
  }
  return {...given(vars, env), ...environmentVariables(context.environment, env)}
}

/** Values already in the environment win; unknown ones are left out. */
function given(vars: Record<string, string | undefined>, env: Env): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [key, value] of Object.entries(vars)) {
    const set = env[key]
    if (set !== undefined) out[key] = set
    else if (value !== undefined) out[key] = value
  }

  return out
}

/** GitLab's slug: lower case, anything but a-z0-9 becomes `-`, at most 63, no `-` at the ends. */
export function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '-')
    .slice(0, 63)
    .replace(/^-+|-+$/g, '')
}

function git(cwd: string, ...args: string[]): string | undefined {
  try {
    return execFileSync('git', args, {cwd, stdio: ['ignore', 'pipe', 'ignore']}).toString().trim() || undefined
  } catch {
    return undefined
  }
}
