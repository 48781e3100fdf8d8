// Every real CI file of the corpus through `secrets run --dry-run --json`, as a user would run
// it: for every job that asks for secrets, the plan lists exactly the variables it asks for.
import {readFileSync, readdirSync} from 'node:fs'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {parseGitlabCi} from '../../src/ci/gitlab/parse.js'
import {ExitCode} from '../../src/errors.js'
import {corpusDir} from '../ci/gitlab/corpus.js'
import {type Person, TempRepo} from '../helpers/cli.js'

const corpus = corpusDir()
const files = corpus ? readdirSync(join(corpus, 'gitlab-ci')).filter((f) => f.endsWith('.yml')).sort() : []

describe.skipIf(!corpus)('run --dry-run over the corpus', () => {
  let repo: TempRepo
  let alice: Person

  beforeAll(async () => {
    repo = new TempRepo()
    alice = repo.person('alice')
    expect((await repo.run(alice, ['enable'])).code).toBe(0)
  })

  afterAll(() => repo.cleanup())

  for (const file of files) {
    const path = join(corpus!, 'gitlab-ci', file)
    // The parser's own tests pin these lists against expectations read off the files by hand.
    // Read as the CLI reads it from this empty repository: its local includes are missing there.
    const pipeline = parseGitlabCi(readFileSync(path, 'utf8'), {fileName: file, readLocal: () => undefined})
    const jobs = pipeline.jobs.filter((j) => j.secrets.length > 0)
    // A dry run exits as the real run would: 2 for a configuration or a job GitLab would refuse.
    const refused = (job?: {errors: string[]}): boolean => pipeline.errors.length > 0 || (job?.errors.length ?? 0) > 0

    it(`${file}: parses`, async () => {
      const result = await repo.run(alice, ['run', '--ci-file', path, '--dry-run', '--json', ...(jobs.length > 1 ? ['--job', jobs[0]!.name] : []), '--', 'true'])
      expect(result.stderr).not.toMatch(/^error:/m)
      if (refused(jobs[0])) expect(result.code).toBe(ExitCode.USAGE)
      else expect([0, ExitCode.NOT_FOUND]).toContain(result.code)
    })

    for (const job of jobs) {
      it(`${file}: ${job.name} lists exactly its secrets`, async () => {
        const result = await repo.run(alice, ['run', '--ci-file', path, '--job', job.name, '--dry-run', '--json'])
        // Nothing is in the vault: every secret is reported missing, with the not-found code.
        expect(result.code).toBe(refused(job) ? ExitCode.USAGE : ExitCode.NOT_FOUND)
        const plan = JSON.parse(result.stdout) as {job: string; secrets: Array<{variable: string; resolved: boolean; file: boolean}>}
        expect(plan.job).toBe(job.name)
        expect(plan.secrets.map((s) => s.variable)).toEqual(job.secrets.map((s) => s.variable))
        expect(plan.secrets.every((s) => !s.resolved)).toBe(true)
        expect(plan.secrets.map((s) => s.file)).toEqual(job.secrets.map((s) => s.file))
      })
    }
  }
})
