// `extends:` as GitLab applies it: bases deep-merged in order under the job, hashes merged key by
// key and everything else replaced; problems kept on the job that has them.
import {describe, expect, it} from 'vitest'

import {jobNamed, parse, variablesOf, yaml} from './pipeline.js'

describe('merging', () => {
  it('follows a chain of bases and puts the job on top', () => {
    const pipeline = parse(yaml`
      .root:
        variables: {LEVEL: root, ROOT: 'yes'}
        script: [root script]
      .middle:
        extends: .root
        variables: {LEVEL: middle}
      deploy:
        extends: .middle
        variables: {OWN: '1'}
    `)
    const job = jobNamed(pipeline, 'deploy')
    expect(job.errors).toEqual([])
    expect(job.variables).toEqual({LEVEL: 'middle', ROOT: 'yes', OWN: '1'})
    expect(job.script).toEqual(['root script'])
  })

  it('merges hashes key by key (secrets from a base and from the job) and replaces arrays', () => {
    const pipeline = parse(yaml`
      .vault:
        secrets:
          DB_PASSWORD: {vault: production/db/password@ops}
        before_script: [one, two]
      deploy:
        extends: .vault
        secrets:
          API_TOKEN: {vault: production/api/token@ops, file: false}
        before_script: [three]
        script: [deploy]
    `)
    const job = jobNamed(pipeline, 'deploy')
    expect(variablesOf(job)).toEqual(['DB_PASSWORD', 'API_TOKEN'])
    expect(job.beforeScript).toEqual(['three'])
  })

  it('lets one secret of a base be changed field by field', () => {
    const pipeline = parse(yaml`
      .base:
        secrets:
          TOKEN: {vault: a/b@ops, file: true}
      job:
        extends: .base
        secrets:
          TOKEN: {file: false}
        script: [x]
    `)
    expect(jobNamed(pipeline, 'job').secrets).toEqual([
      {variable: 'TOKEN', source: {provider: 'vault', engine: {name: 'kv-v2', path: 'ops'}, path: 'a', field: 'b'}, file: false},
    ])
  })

  it('merges a list of bases in order, a later base overriding an earlier one', () => {
    const pipeline = parse(yaml`
      .first: {variables: {WHO: first, A: a}, script: [first]}
      .second: {variables: {WHO: second, B: b}}
      job:
        extends: [.first, .second]
    `)
    const job = jobNamed(pipeline, 'job')
    expect(job.variables).toEqual({WHO: 'second', A: 'a', B: 'b'})
    expect(job.script).toEqual(['first'])
  })
})

describe('limits', () => {
  // `job` extends `.l1`, …, each `.lN` extends `.lN+1`; the deepest one has no `extends:`.
  const chain = (hops: number): string => {
    const lines = [`job: {extends: .l1, script: [x]}`]
    for (let level = 1; level < hops; level++) lines.push(`.l${level}: {extends: .l${level + 1}, variables: {L${level}: '${level}'}}`)
    lines.push(`.l${hops}: {variables: {DEEPEST: 'yes'}}`)
    return lines.join('\n')
  }

  it('accepts 11 levels of extends, as GitLab does', () => {
    const job = jobNamed(parse(chain(11)), 'job')
    expect(job.errors).toEqual([])
    expect(job.variables.DEEPEST).toBe('yes')
  })

  it('refuses a base 11 levels down that extends again', () => {
    const job = jobNamed(parse(chain(12)), 'job')
    expect(job.errors).toEqual(['.l11: nesting too deep in `extends`'])
  })

  it('refuses a cycle, naming the entry where it closes', () => {
    const pipeline = parse(yaml`
      .a: {extends: .b}
      .b: {extends: .a}
      job: {extends: .a, script: [x]}
      fine: {script: [y]}
    `)
    expect(jobNamed(pipeline, 'job').errors).toEqual(['.a: circular dependency detected in `extends`'])
    expect(jobNamed(pipeline, 'fine').errors).toEqual([])
  })

  it('refuses a job that extends itself', () => {
    expect(jobNamed(parse('job: {extends: job, script: [x]}'), 'job').errors).toEqual(['job: circular dependency detected in `extends`'])
  })
})

describe('missing and invalid bases', () => {
  const pipeline = parse(yaml`
    include:
      - remote: https://example.com/templates.yml
    .local:
      variables: {LOCAL: '1'}
    deploy:
      extends: [.local, .remote-base]
      secrets:
        TOKEN: {vault: ops/token@kv}
      script: [deploy]
    test:
      script: [make test]
    via-template:
      extends: .uses-remote
      script: [x]
    .uses-remote:
      extends: .remote-base
  `)

  it('puts the error on the job, naming the base, and keeps what it could merge', () => {
    const deploy = jobNamed(pipeline, 'deploy')
    expect(deploy.errors).toEqual(['deploy: unknown keys in `extends` (.remote-base)'])
    expect(deploy.variables).toEqual({LOCAL: '1'})
    expect(variablesOf(deploy)).toEqual(['TOKEN'])
  })

  it('leaves the pipeline and the other jobs without errors', () => {
    expect(pipeline.errors).toEqual([])
    expect(pipeline.includes.other).toEqual(['remote: https://example.com/templates.yml'])
    expect(jobNamed(pipeline, 'test').errors).toEqual([])
  })

  it('names the template whose base is missing', () => {
    expect(jobNamed(pipeline, 'via-template').errors).toEqual(['.uses-remote: unknown keys in `extends` (.remote-base)'])
  })

  it('refuses a base that is not a mapping', () => {
    const job = jobNamed(parse('.list: [a, b]\njob: {extends: .list, script: [x]}'), 'job')
    expect(job.errors).toEqual(['job: invalid base hashes in `extends` (.list)'])
  })
})
