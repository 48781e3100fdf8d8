// Which keys are jobs, and what each job carries: scripts after `default:` inheritance,
// environment, variables, and the `inherit:` settings.
import {describe, expect, it} from 'vitest'

import {jobNamed, parse, variablesOf, yaml} from './pipeline.js'

describe('jobs', () => {
  it('takes every top-level key but GitLab’s keywords and hidden templates, in file order', () => {
    const pipeline = parse(yaml`
      stages: [build, test]
      variables: {A: a}
      workflow: {rules: [{when: always}]}
      default: {before_script: [x]}
      image: alpine
      services: [docker:dind]
      cache: {paths: [vendor]}
      before_script: []
      after_script: []
      .template: {script: [t]}
      build: {script: [b]}
      test: {script: [t]}
    `)
    expect(pipeline.jobs.map((job) => job.name)).toEqual(['build', 'test'])
  })

  it('takes a job named secrets as a job, not as the keyword', () => {
    const pipeline = parse(yaml`
      .download:
        script: [docker pull analyzer]
      secrets:
        extends: .download
        variables: {ANALYZER_VERSION: '7'}
      semgrep:
        extends: .download
    `)
    const secrets = jobNamed(pipeline, 'secrets')
    expect(secrets.errors).toEqual([])
    expect(secrets.secrets).toEqual([])
    expect(secrets.variables).toEqual({ANALYZER_VERSION: '7'})
    expect(secrets.script).toEqual(['docker pull analyzer'])
  })

  it('reports a job that is not a mapping', () => {
    expect(jobNamed(parse('build: make\n'), 'build').errors).toEqual(['jobs build config should implement the script:, run:, or trigger: keyword'])
  })

  it('reads the environment as a name or as {name: …}, unexpanded', () => {
    const pipeline = parse(yaml`
      a: {environment: production, script: [x]}
      b: {environment: {name: review/$CI_COMMIT_REF_SLUG, url: https://x}, script: [x]}
      c: {script: [x]}
    `)
    expect(pipeline.jobs.map((job) => job.environment)).toEqual(['production', 'review/$CI_COMMIT_REF_SLUG', undefined])
  })

  it('reads variables as text, taking value: from the long form, without expanding', () => {
    const pipeline = parse(yaml`
      variables:
        GLOBAL: $CI_PROJECT_NAME
        DEPTH: 100
        CHOICE: {value: blue, description: the colour, options: [blue, red]}
      job:
        variables: {OWN: '\${GLOBAL}-x', EMPTY: ''}
        script: [x]
    `)
    expect(pipeline.variables).toEqual({GLOBAL: '$CI_PROJECT_NAME', DEPTH: '100', CHOICE: 'blue'})
    expect(jobNamed(pipeline, 'job').variables).toEqual({OWN: '${GLOBAL}-x', EMPTY: ''})
  })

  it('reads inherit: variables: as true, false or a list of names', () => {
    const pipeline = parse(yaml`
      a: {script: [x]}
      b: {inherit: {variables: false}, script: [x]}
      c: {inherit: {variables: [REGION, ZONE]}, script: [x]}
    `)
    expect(pipeline.jobs.map((job) => job.inheritGlobalVariables)).toEqual([true, false, ['REGION', 'ZONE']])
  })

  it('flattens nested script arrays up to 10 levels and refuses deeper ones', () => {
    const nested = (levels: number): string => `${'['.repeat(levels)}deep${']'.repeat(levels)}`
    expect(jobNamed(parse(`job: {script: ${nested(10)}}`), 'job').script).toEqual(['deep'])
    expect(jobNamed(parse(`Job: {script: ${nested(11)}}`), 'Job').errors).toEqual([
      'jobs:job:script config should be a string or a nested array of strings up to 10 levels deep',
    ])
  })
})

describe('default:', () => {
  it('gives jobs its scripts unless they have their own', () => {
    const pipeline = parse(yaml`
      default:
        before_script: [echo setup]
        after_script: [echo cleanup]
      a: {script: [x]}
      b: {before_script: [own], script: [x]}
      c: {before_script: [], script: [x]}
    `)
    expect(pipeline.jobs.map((job) => [job.beforeScript, job.afterScript])).toEqual([
      [['echo setup'], ['echo cleanup']],
      [['own'], ['echo cleanup']],
      [[], ['echo cleanup']],
    ])
  })

  it('is not inherited with inherit: default: false, and only the keys listed with a list', () => {
    const pipeline = parse(yaml`
      default:
        before_script: [echo setup]
        after_script: [echo cleanup]
      none: {inherit: {default: false}, script: [x]}
      some: {inherit: {default: [after_script]}, script: [x]}
    `)
    expect(jobNamed(pipeline, 'none').beforeScript).toEqual([])
    expect(jobNamed(pipeline, 'none').afterScript).toEqual([])
    expect(jobNamed(pipeline, 'some').beforeScript).toEqual([])
    expect(jobNamed(pipeline, 'some').afterScript).toEqual(['echo cleanup'])
  })

  it('never carries secrets:', () => {
    const pipeline = parse(yaml`
      default:
        secrets:
          DB_PASSWORD: {vault: production/db/password@ops}
      deploy: {script: [deploy]}
    `)
    expect(variablesOf(jobNamed(pipeline, 'deploy'))).toEqual([])
  })

  it('takes the deprecated top-level scripts as defaults, refusing them next to default: ones', () => {
    expect(jobNamed(parse('before_script: [legacy]\njob: {script: [x]}'), 'job').beforeScript).toEqual(['legacy'])
    const both = parse('before_script: [legacy]\ndefault: {before_script: [new]}\njob: {script: [x]}')
    expect(both.errors).toEqual(['before_script is defined in top-level and `default:` entry'])
  })
})
