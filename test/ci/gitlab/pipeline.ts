// Small helpers for the parser's tests: inline YAML written indented like the test around it.
import {parseGitlabCi} from '../../../src/ci/gitlab/parse.js'
import {type Job, type Pipeline} from '../../../src/ci/gitlab/types.js'

/** Removes the indentation common to every non-blank line, so a case reads where it is written. */
export function yaml(strings: TemplateStringsArray, ...values: unknown[]): string {
  const text = String.raw({raw: strings}, ...values).replace(/^\n/, '')
  const indents = text.split('\n').filter((line) => line.trim() !== '').map((line) => /^ */.exec(line)?.[0].length ?? 0)
  const common = Math.min(...indents)
  return text
    .split('\n')
    .map((line) => line.slice(common))
    .join('\n')
}

export function parse(text: string, files: Record<string, string> = {}): Pipeline {
  return parseGitlabCi(text, {fileName: '.gitlab-ci.yml', readLocal: (path) => (Object.hasOwn(files, path) ? files[path] : undefined)})
}

export function jobNamed(pipeline: Pipeline, name: string): Job {
  const job = pipeline.jobs.find((candidate) => candidate.name === name)
  if (!job) throw new Error(`no job ${name} among ${pipeline.jobs.map((candidate) => candidate.name).join(', ')}`)
  return job
}

export function variablesOf(job: Job): string[] {
  return job.secrets.map((entry) => entry.variable)
}
