// The shared corpus: GitLab's own schema cases for `secrets:` (one test per job) and real CI files
// from public repositories, each read as GitLab would, with what a reader of each file expects.
import {readFileSync, readdirSync} from 'node:fs'
import {join} from 'node:path'

import {parse as parseYaml} from 'yaml'
import {describe, expect, it} from 'vitest'

import {parseGitlabCi} from '../../../src/ci/gitlab/parse.js'
import {type Pipeline} from '../../../src/ci/gitlab/types.js'
import {corpusDir} from './corpus.js'
import {EXPECTED} from './corpus-expectations.js'

const corpus = corpusDir()

/** The top-level keys of a schema case file, read without the parser under test. */
function jobNames(path: string): string[] {
  return Object.keys(parseYaml(readFileSync(path, 'utf8')) as Record<string, unknown>)
}

function read(file: string): string {
  return readFileSync(join(corpus ?? '', 'gitlab-ci', file), 'utf8')
}

describe.skipIf(!corpus)('GitLab schema cases for secrets:', () => {
  const schema = join(corpus ?? '', 'gitlab-schema')
  const positive = corpus ? parseGitlabCi(readFileSync(join(schema, 'positive.yml'), 'utf8'), {fileName: 'positive.yml'}) : undefined
  const negative = corpus ? parseGitlabCi(readFileSync(join(schema, 'negative.yml'), 'utf8'), {fileName: 'negative.yml'}) : undefined

  describe('positive.yml: valid', () => {
    it.each(corpus ? jobNames(join(schema, 'positive.yml')) : [])('%s', (name) => {
      expect(positive?.errors).toEqual([])
      const job = positive?.jobs.find((candidate) => candidate.name === name)
      expect(job?.errors).toEqual([])
      expect(job?.secrets).toHaveLength(1)
    })
  })

  describe('negative.yml: refused with an error on the job', () => {
    it.each(corpus ? jobNames(join(schema, 'negative.yml')) : [])('%s', (name) => {
      const job = negative?.jobs.find((candidate) => candidate.name === name)
      expect(job).toBeDefined()
      expect(job?.errors.some((error) => error.startsWith(`jobs:${name}:`))).toBe(true)
      expect(job?.secrets).toEqual([])
    })
  })
})

describe.skipIf(!corpus)('real CI files', () => {
  const files = corpus ? readdirSync(join(corpus, 'gitlab-ci')).filter((file) => file.endsWith('.gitlab-ci.yml')) : []
  const parsed = new Map<string, Pipeline>(files.map((file) => [file, parseGitlabCi(read(file), {fileName: file})]))

  it('are all listed in INDEX.tsv', () => {
    const index = readFileSync(join(corpus ?? '', 'gitlab-ci', 'INDEX.tsv'), 'utf8')
    const listed = index
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => line.split('\t')[0])
    expect([...files].sort()).toEqual([...listed].sort())
  })

  describe('parse without pipeline errors', () => {
    it.each(files)('%s', (file) => {
      const pipeline = parsed.get(file)
      expect(pipeline?.errors).toEqual([])
      expect(pipeline?.includes.local).toEqual([])
    })
  })

  describe('give each job the secrets and errors a reader of the file expects', () => {
    it.each(Object.keys(EXPECTED))('%s', (file) => {
      const expected = EXPECTED[file]
      const pipeline = parsed.get(file)
      if (!expected || !pipeline) throw new Error(`${file} is not in the corpus`)
      const withSecrets = Object.fromEntries(pipeline.jobs.filter((job) => job.secrets.length > 0).map((job) => [job.name, job.secrets.map((entry) => entry.variable)]))
      const withErrors = Object.fromEntries(pipeline.jobs.filter((job) => job.errors.length > 0).map((job) => [job.name, job.errors]))
      expect(withSecrets).toEqual(expected.secrets)
      expect(withErrors).toEqual(expected.errors)
      expected.check?.(pipeline)
    })
  })

  describe('with their local includes', () => {
    it('omnibus-gitlab: the vault template of an included file reaches the jobs that extend it', () => {
      const included = read('gitlabhq__omnibus-gitlab__1.gitlab-ci.yml')
      const pipeline = parseGitlabCi(read('gitlabhq__omnibus-gitlab__2.gitlab-ci.yml'), {
        fileName: '.gitlab-ci.yml',
        readLocal: (path) => (path === 'gitlab-ci-config/vault-security-secrets.yml' ? included : undefined),
      })
      expect(pipeline.includes.local).toEqual(['gitlab-ci-config/vault-security-secrets.yml'])
      // The other six local files are not in the corpus (gitlab-com.yml is included twice).
      expect(pipeline.errors).toEqual(
        ['workflow-rules', 'variables', 'rat', 'dev-gitlab-org', 'dind-config', 'vault-public-secrets', 'gitlab-com'].map(
          (name) => `Local file \`gitlab-ci-config/${name}.yml\` does not exist!`,
        ),
      )
      const token = {
        variable: 'SECURITY_PRIVATE_TOKEN',
        source: {provider: 'vault', engine: {name: 'kv-v2', path: 'ci'}, path: 'access_tokens/gitlab-com/gitlab-org/security/_group_access_tokens/build-token', field: 'token'},
        file: false,
      }
      const fetchAssets = pipeline.jobs.find((job) => job.name === 'fetch-assets')
      const generateFacts = pipeline.jobs.find((job) => job.name === 'generate-facts')
      expect(fetchAssets?.secrets).toEqual([token])
      // .dind lives in dind-config.yml, one of the missing files.
      expect(fetchAssets?.errors).toEqual(['.docker_job: unknown keys in `extends` (.dind)'])
      expect(generateFacts?.secrets).toEqual([token])
      expect(generateFacts?.errors).toEqual([])
    })

    it('orbit-knowledge-graph: an included file’s jobs extend the including file’s templates', () => {
      const included = read('gitlabhq__orbit-knowledge-graph__2.gitlab-ci.yml')
      const pipeline = parseGitlabCi(read('gitlabhq__orbit-knowledge-graph__1.gitlab-ci.yml'), {
        fileName: '.gitlab-ci.yml',
        readLocal: (path) => (path === '.gitlab/ci/release-local.yml' ? included : undefined),
      })
      expect(pipeline.errors).toEqual(
        ['stale-mr', 'e2e-pin-bump', 'release-deploy-mr', 'comment-guard'].map((name) => `Local file \`.gitlab/ci/${name}.yml\` does not exist!`),
      )
      // Included jobs come first, as GitLab merges the including file on top of its includes.
      expect(pipeline.jobs[0]?.name).toBe('local-cli-build-linux-amd64')
      const linux = pipeline.jobs[0]
      expect(linux?.errors).toEqual([])
      expect(linux?.beforeScript).toEqual([
        'mise install',
        expect.stringMatching(/^if \[ -n "\$\{SCCACHE_GCS_KEY\}" \]; then/),
        'apt-get update -qq && apt-get install -y -qq --no-install-recommends file',
      ])
      expect(linux?.variables).toEqual({
        MISE_DISABLE_TOOLS: 'lefthook',
        CARGO_INCREMENTAL: '0',
        SCCACHE_GCS_BUCKET: 'gl-knowledgegraph-sccache',
        SCCACHE_GCS_KEY_PATH: '${SCCACHE_GCS_KEY}',
        SCCACHE_GCS_RW_MODE: 'READ_WRITE',
        DUCKDB_DOWNLOAD_LIB: '1',
        PLATFORM: 'linux',
        ARCH: 'x86_64',
        LIBC: 'gnu',
      })
      const withErrors = pipeline.jobs.filter((job) => job.errors.length > 0).map((job) => job.name)
      expect(withErrors).toEqual(['local-cli-code-sign', 'ai:performance', 'ai:security', 'ai:docs'])
    })
  })
})
