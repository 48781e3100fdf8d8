// `include:`: local files followed through the caller's reader and merged under the including
// file; every other kind listed, never fetched.
import {describe, expect, it} from 'vitest'

import {parseGitlabCi} from '../../../src/ci/gitlab/parse.js'
import {jobNamed, parse, variablesOf, yaml} from './pipeline.js'

describe('local includes', () => {
  const templates = yaml`
    variables: {REGION: eu, SHARED: from-include}
    .vault:
      secrets:
        DB_PASSWORD: {vault: production/db/password@ops}
    lint:
      script: [make lint]
  `

  it('follows a local file and merges it under the main file (the main file wins)', () => {
    const pipeline = parse(
      yaml`
        include:
          - local: /ci/templates.yml
        variables: {REGION: us}
        deploy:
          extends: .vault
          script: [deploy]
      `,
      {'ci/templates.yml': templates},
    )
    expect(pipeline.errors).toEqual([])
    expect(pipeline.includes).toEqual({local: ['ci/templates.yml'], other: []})
    expect(pipeline.variables).toEqual({REGION: 'us', SHARED: 'from-include'})
    expect(pipeline.jobs.map((job) => job.name)).toEqual(['lint', 'deploy'])
    expect(variablesOf(jobNamed(pipeline, 'deploy'))).toEqual(['DB_PASSWORD'])
  })

  it('accepts the string forms and follows includes of included files', () => {
    const pipeline = parse('include: ci/a.yml\njob: {extends: .b, script: [x]}', {
      'ci/a.yml': 'include: [ci/b.yml]\n.a: {variables: {A: "1"}}',
      'ci/b.yml': '.b: {variables: {B: "1"}}',
    })
    expect(pipeline.errors).toEqual([])
    expect(pipeline.includes.local).toEqual(['ci/a.yml', 'ci/b.yml'])
    expect(jobNamed(pipeline, 'job').variables).toEqual({B: '1'})
  })

  it('deep-merges a job defined in an included file with the main file’s keys', () => {
    const pipeline = parse('include: [{local: jobs.yml}]\ndeploy: {variables: {MODE: main}}', {
      'jobs.yml': 'deploy: {variables: {MODE: inc, KEEP: "1"}, secrets: {T: {vault: a/b}}, script: [go]}',
    })
    const deploy = jobNamed(pipeline, 'deploy')
    expect(deploy.variables).toEqual({MODE: 'main', KEEP: '1'})
    expect(variablesOf(deploy)).toEqual(['T'])
    expect(deploy.script).toEqual(['go'])
  })

  it('reports a missing local file on the pipeline, naming it, and still reads the rest', () => {
    const pipeline = parse('include: [{local: /missing.yml}, {local: ok.yml}]\njob: {script: [x]}', {'ok.yml': 'other: {script: [y]}'})
    expect(pipeline.errors).toEqual(['Local file `missing.yml` does not exist!'])
    expect(pipeline.jobs.map((job) => job.name)).toEqual(['other', 'job'])
  })

  it('never asks the reader for a path outside the repository', () => {
    const asked: string[] = []
    const pipeline = parseGitlabCi('include: [../secrets.yml, ci/../../x.yml, ci/./a.yml]\njob: {script: [x]}', {
      fileName: '.gitlab-ci.yml',
      readLocal: (path) => {
        asked.push(path)
        return 'a: {script: [y]}'
      },
    })
    expect(asked).toEqual(['ci/./a.yml'])
    expect(pipeline.errors).toEqual([
      'Local file `../secrets.yml` does not exist! (the path leaves the repository)',
      'Local file `ci/../../x.yml` does not exist! (the path leaves the repository)',
    ])
  })

  it('reports an empty local file and a syntax error inside one, located in that file', () => {
    const pipeline = parse('include: [empty.yml, broken.yml]\njob: {script: [x]}', {'empty.yml': '\n', 'broken.yml': 'a: [\n'})
    expect(pipeline.errors).toHaveLength(2)
    expect(pipeline.errors[0]).toBe('Local file `empty.yml` is empty!')
    expect(pipeline.errors[1]).toMatch(/^broken\.yml:\d+:\d+: /)
  })

  it('stops a file that includes itself at once, naming the cycle', () => {
    const pipeline = parse('include: loop.yml\njob: {script: [x]}', {'loop.yml': 'include: loop.yml\n'})
    expect(pipeline.errors).toEqual(['include cycle: loop.yml includes loop.yml'])
    expect(pipeline.jobs.map((job) => job.name)).toEqual(['job'])
  })

  it('stops a chain of distinct files at GitLab’s limit of 150 includes', () => {
    const files = Object.fromEntries(Array.from({length: 200}, (_, i) => [`f${i}.yml`, `include: f${i + 1}.yml\nj${i}: {script: [x]}\n`]))
    const pipeline = parse('include: f0.yml\njob: {script: [x]}', files)
    expect(pipeline.errors).toEqual(['Maximum of 150 nested includes are allowed!'])
  })

  it('lists local includes, unread, when no reader is given', () => {
    const pipeline = parseGitlabCi('include: [ci/a.yml, {local: "ci/*.yml"}]\njob: {script: [x]}', {fileName: '.gitlab-ci.yml'})
    expect(pipeline.errors).toEqual([])
    expect(pipeline.includes).toEqual({local: [], other: ['local: ci/a.yml (not read: no file reader)', 'local: ci/*.yml (wildcard, not expanded)']})
  })
})

describe('other includes', () => {
  it('lists remote, template, project and component includes one line each, ignoring rules:', () => {
    const pipeline = parse(yaml`
      include:
        - https://example.com/ci/remote.yml
        - remote: https://example.com/ci/other.yml
        - template: Jobs/SAST.gitlab-ci.yml
        - project: group/ci-templates
          ref: v1.2
          file: [/vault.yml, /deploy.yml]
          rules:
            - if: $CI_COMMIT_BRANCH
        - component: $CI_SERVER_FQDN/group/components/scan@1.0
          inputs: {stage: test}
      job: {script: [x]}
    `)
    expect(pipeline.errors).toEqual([])
    expect(pipeline.includes).toEqual({
      local: [],
      other: [
        'remote: https://example.com/ci/remote.yml',
        'remote: https://example.com/ci/other.yml',
        'template: Jobs/SAST.gitlab-ci.yml',
        'project: group/ci-templates, file: /vault.yml, /deploy.yml, ref: v1.2',
        'component: $CI_SERVER_FQDN/group/components/scan@1.0',
      ],
    })
  })

  it('refuses an include with no known key or with two', () => {
    const pipeline = parse('include: [{file: a.yml}, {local: a.yml, remote: "https://x/a.yml"}]\njob: {script: [x]}')
    expect(pipeline.errors).toEqual([
      '`{"file" => "a.yml"}` does not have a valid subkey for include. Valid subkeys are: `local`, `project`, `remote`, `template`, `artifact`, `component`',
      'Each include must use only one of: `local`, `project`, `remote`, `template`, `artifact`, `component`',
    ])
  })
})
