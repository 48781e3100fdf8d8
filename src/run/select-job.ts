import {existsSync, readFileSync} from 'node:fs'
import {join, relative, resolve} from 'node:path'

import {parseGitlabCi} from '../ci/gitlab/parse.js'
import type {Job, Pipeline} from '../ci/gitlab/types.js'
import {SecretsError, notFound, usage} from '../errors.js'

export const DEFAULT_CI_FILE = '.gitlab-ci.yml'

export interface SelectedJob {
  ciFile?: string
  pipeline?: Pipeline
  job?: Job
  /** Said on stderr: which job was picked when --job was not given, and why. */
  note?: string
  /** Said on stderr by a dry run: the job's errors that a real run would refuse. */
  warnings?: string[]
}

/**
 * The job a run is for: `--job`; else the only job with `secrets:`; else none (only the
 * --variable secrets). No CI file is fine without --job.
 */
export function selectJob(options: {projectDir: string; ciFile?: string; jobName?: string; dryRun?: boolean}): SelectedJob {
  const ciFile = resolve(options.projectDir, options.ciFile ?? DEFAULT_CI_FILE)
  if (!existsSync(ciFile)) {
    if (options.ciFile) throw notFound(`no CI file at ${options.ciFile}`)
    if (options.jobName) throw notFound(`no ${DEFAULT_CI_FILE} in ${options.projectDir}, so no job ${options.jobName}`, 'pass --ci-file PATH')
    return {}
  }

  const shown = relative(options.projectDir, ciFile) || ciFile
  const pipeline = parseGitlabCi(readFileSync(ciFile, 'utf8'), {
    fileName: shown,
    readLocal: (path) => {
      const file = join(options.projectDir, path.replace(/^\/+/, ''))
      return existsSync(file) ? readFileSync(file, 'utf8') : undefined
    },
  })
  // A dry run shows what it can (a local include may be missing on this checkout); a real run
  // refuses a configuration GitLab would refuse.
  const fileWarnings = pipeline.errors.map((e) => `${shown}: ${e}`)
  if (fileWarnings.length > 0 && !options.dryRun) throw configError(shown, pipeline.errors)

  if (options.jobName !== undefined) {
    const job = pipeline.jobs.find((j) => j.name === options.jobName)
    if (!job) {
      const withSecrets = pipeline.jobs.filter((j) => j.secrets.length > 0).map((j) => j.name)
      throw notFound(
        `no job ${options.jobName} in ${shown}`,
        withSecrets.length > 0 ? `jobs with secrets: ${withSecrets.join(', ')}` : `jobs: ${pipeline.jobs.map((j) => j.name).join(', ') || 'none'}`,
      )
    }

    return withJobErrors({ciFile, pipeline, job, warnings: fileWarnings}, shown, options.dryRun)
  }

  const withSecrets = pipeline.jobs.filter((j) => j.secrets.length > 0)
  if (withSecrets.length > 1) {
    throw usage(`several jobs in ${shown} have secrets; pick one with --job`, `jobs with secrets: ${withSecrets.map((j) => j.name).join(', ')}`)
  }

  const job = withSecrets[0]
  if (!job) return {ciFile, pipeline, warnings: fileWarnings}
  return withJobErrors({ciFile, pipeline, job, warnings: fileWarnings, note: `using job ${job.name}, the only job in ${shown} with secrets`}, shown, options.dryRun)
}

/**
 * A job with errors (often a base from a remote include that is not fetched) is refused for a
 * real run; a dry run still shows what it would resolve, with the errors as warnings.
 */
function withJobErrors(selected: SelectedJob & {job: Job}, file: string, dryRun = false): SelectedJob {
  if (selected.job.errors.length === 0) return selected
  if (!dryRun) throw configError(file, selected.job.errors)
  return {...selected, warnings: [...(selected.warnings ?? []), ...selected.job.errors.map((e) => `${file}: ${e}`)]}
}

function configError(file: string, errors: readonly string[]): SecretsError {
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : ''
  return usage(`${file}: ${errors[0]}${more}`, errors.length > 1 ? errors.slice(1, 4).join('; ') : undefined)
}
