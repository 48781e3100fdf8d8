import {existsSync, realpathSync} from 'node:fs'
import {relative, resolve} from 'node:path'

import {isInside, localIncludeReader, readCiFile} from '../ci/gitlab/ci-files.js'
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
  /**
   * The configuration's or the job's errors, as the error a run stops at (GitLab would refuse the
   * pipeline). Returned, not thrown, so that a dry run can show the plan it could still build
   * before failing with it; a real run throws it before anything else.
   */
  refusal?: SecretsError
}

/**
 * The job a run is for: `--job`; else the only job with `secrets:`; else none (only the
 * --variable secrets). No CI file is fine without --job. Throws when there is no job to show a
 * plan for (no such job, several candidates, a file that cannot be read as a CI file at all).
 */
export function selectJob(options: {projectDir: string; ciFile?: string; jobName?: string}): SelectedJob {
  const ciFile = resolve(options.projectDir, options.ciFile ?? DEFAULT_CI_FILE)
  if (!existsSync(ciFile)) {
    if (options.ciFile) throw notFound(`no CI file at ${options.ciFile}`)
    if (options.jobName) throw notFound(`no ${DEFAULT_CI_FILE} in ${options.projectDir}, so no job ${options.jobName}`, 'pass --ci-file PATH')
    return {}
  }

  const shown = relative(options.projectDir, ciFile) || ciFile
  // The default file comes with the checkout: a symlink there must not make us read another
  // project's file (a path given with --ci-file is the user's own choice).
  if (!options.ciFile && !isInside(realpathSync(options.projectDir), realpathSync(ciFile))) {
    throw usage(`${DEFAULT_CI_FILE} leaves the repository through a symlink`, 'gitlab reads only files inside the project; pass --ci-file PATH to read another file')
  }

  const pipeline = parseGitlabCi(readCiFile(ciFile, shown), {fileName: shown, readLocal: localIncludeReader(options.projectDir)})
  // Kept until the job is known: a dry run still shows the plan it can build, then fails with it.
  const fileRefusal = pipeline.errors.length > 0 ? configError(shown, pipeline.errors) : undefined

  if (options.jobName !== undefined) {
    const job = pipeline.jobs.find((j) => j.name === options.jobName)
    if (!job) {
      // A job may be missing because the file is broken (its include not read): that comes first.
      if (fileRefusal) throw fileRefusal
      const withSecrets = pipeline.jobs.filter((j) => j.secrets.length > 0).map((j) => j.name)
      throw notFound(
        `no job ${options.jobName} in ${shown}`,
        withSecrets.length > 0 ? `jobs with secrets: ${withSecrets.join(', ')}` : `jobs: ${pipeline.jobs.map((j) => j.name).join(', ') || 'none'}`,
      )
    }

    return withRefusal({ciFile, pipeline, job}, shown, pipeline.errors)
  }

  const withSecrets = pipeline.jobs.filter((j) => j.secrets.length > 0)
  if (withSecrets.length > 1) {
    if (fileRefusal) throw fileRefusal
    throw usage(`several jobs in ${shown} have secrets; pick one with --job`, `jobs with secrets: ${withSecrets.map((j) => j.name).join(', ')}`)
  }

  const job = withSecrets[0]
  if (!job) return fileRefusal ? {ciFile, pipeline, refusal: fileRefusal} : {ciFile, pipeline}
  return withRefusal({ciFile, pipeline, job, note: `using job ${job.name}, the only job in ${shown} with secrets`}, shown, pipeline.errors)
}

/**
 * The file's errors, then the job's (often a base from a remote include that is not fetched):
 * one refusal naming the first, as GitLab stops at the first problem.
 */
function withRefusal(selected: SelectedJob & {job: Job}, file: string, fileErrors: readonly string[]): SelectedJob {
  const errors = [...fileErrors, ...selected.job.errors]
  return errors.length === 0 ? selected : {...selected, refusal: configError(file, errors)}
}

/** Error text can quote a whole hostile value (a megabyte-long include entry): one line stays short. */
const MAX_MESSAGE = 400

function configError(file: string, errors: readonly string[]): SecretsError {
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : ''
  // Errors the YAML reader located already start with the file's name (`.gitlab-ci.yml:4:1: …`).
  const first = errors[0]!.startsWith(`${file}:`) ? errors[0]! : `${file}: ${errors[0]!}`
  return usage(`${clip(first)}${more}`, errors.length > 1 ? errors.slice(1, 4).map(clip).join('; ') : undefined)
}

function clip(text: string): string {
  return text.length > MAX_MESSAGE ? `${text.slice(0, MAX_MESSAGE)}…` : text
}
