// Reading the file as GitLab (Ruby's Psych, YAML 1.1) does: anchors, merge keys, the `spec:`
// header document, syntax errors located by line and column.
import {describe, expect, it} from 'vitest'

import {jobNamed, parse, yaml} from './pipeline.js'

describe('anchors and merge keys', () => {
  it('merges an anchored mapping with <<: and lets the job override it', () => {
    const pipeline = parse(yaml`
      .env: &env
        variables: {IMAGE: alpine, MODE: test}
        script: [echo base]
      job:
        <<: *env
        script: [echo own]
    `)
    const job = jobNamed(pipeline, 'job')
    expect(job.variables).toEqual({IMAGE: 'alpine', MODE: 'test'})
    expect(job.script).toEqual(['echo own'])
  })

  it('applies several <<: keys in order, a later one overriding an earlier one (Psych)', () => {
    const pipeline = parse(yaml`
      .k8s: &k8s
        before_script: []
        tags: [kubernetes]
      .guard: &guard
        before_script: [test -n "$TRGR_REF" || exit 0]
      job:
        <<: *k8s
        <<: *guard
        script: [compare]
    `)
    expect(jobNamed(pipeline, 'job').beforeScript).toEqual(['test -n "$TRGR_REF" || exit 0'])
  })

  it('merges a list of mappings, the first one winning', () => {
    const pipeline = parse(yaml`
      .a: &a {variables: {FROM: a}}
      .b: &b {variables: {FROM: b}, script: [from b]}
      job:
        <<: [*a, *b]
    `)
    const job = jobNamed(pipeline, 'job')
    expect(job.variables).toEqual({FROM: 'a'})
    expect(job.script).toEqual(['from b'])
  })

  it('flattens an aliased list inside a script', () => {
    const pipeline = parse(yaml`
      .info: &info
        - rustup show
        - cargo --version
      job:
        before_script:
          - *info
          - sccache -s
        script: [cargo test]
    `)
    expect(jobNamed(pipeline, 'job').beforeScript).toEqual(['rustup show', 'cargo --version', 'sccache -s'])
  })

  it('merges secrets from an anchor', () => {
    const pipeline = parse(yaml`
      .vault-secrets: &vault-secrets
        secrets:
          TOKEN:
            vault: cicd/gitlab/TOKEN@kv
            file: false
      publish:
        <<: *vault-secrets
        script: [publish]
    `)
    expect(jobNamed(pipeline, 'publish').secrets).toEqual([
      {variable: 'TOKEN', source: {provider: 'vault', engine: {name: 'kv-v2', path: 'kv'}, path: 'cicd/gitlab', field: 'TOKEN'}, file: false},
    ])
  })
})

describe('scalars as Psych reads them', () => {
  it('reads yes/on as booleans but y/n as text, and numbers as their text', () => {
    const pipeline = parse(yaml`
      variables:
        A: yes
        B: y
        C: 100
        D: "0755"
        E: 2020-01-01
      job: {script: [x]}
    `)
    expect(pipeline.variables).toEqual({A: 'true', B: 'y', C: '100', D: '0755', E: '2020-01-01'})
  })

  it('keeps the first position of a duplicated key and its last value, as a Ruby Hash does', () => {
    const pipeline = parse(yaml`
      first: {script: [one]}
      second: {script: [two]}
      first: {script: [again]}
    `)
    expect(pipeline.jobs.map((job) => [job.name, job.script])).toEqual([
      ['first', ['again']],
      ['second', ['two']],
    ])
  })
})

describe('documents', () => {
  it('reads the configuration after a spec: header document', () => {
    const pipeline = parse(yaml`
      spec:
        inputs:
          skip_tests: {type: boolean, default: false}
      ---
      test:
        script: [make test]
    `)
    expect(pipeline.errors).toEqual([])
    expect(pipeline.jobs.map((job) => job.name)).toEqual(['test'])
  })

  it('reads only the first document when the first is no header', () => {
    const pipeline = parse(yaml`
      first: {script: [one]}
      ---
      second: {script: [two]}
    `)
    expect(pipeline.jobs.map((job) => job.name)).toEqual(['first'])
  })

  it('ignores a leading document marker', () => {
    expect(parse('---\njob: {script: [x]}\n').jobs.map((job) => job.name)).toEqual(['job'])
  })
})

describe('errors', () => {
  it('locates a syntax error by file, line and column', () => {
    const pipeline = parse(yaml`
      job:
        script:
          - echo one
        variables: [a
      other: {script: [x]}
    `)
    expect(pipeline.jobs).toEqual([])
    expect(pipeline.errors).toHaveLength(1)
    expect(pipeline.errors[0]).toMatch(/^\.gitlab-ci\.yml:5:\d+: /)
  })

  it('refuses a file that is not a mapping, as GitLab does', () => {
    expect(parse('- just\n- a list\n').errors).toEqual(['.gitlab-ci.yml: Invalid configuration format'])
    expect(parse('').errors).toEqual(['.gitlab-ci.yml: Invalid configuration format'])
  })

  it('refuses an alias bomb instead of expanding it', () => {
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x, x]']
    for (let i = 1; i < 9; i++) levels.push(`${'abcdefghij'[i]}: &${'abcdefghij'[i]} [${Array.from({length: 10}, () => `*${'abcdefghij'[i - 1]}`).join(', ')}]`)
    const pipeline = parse(`${levels.join('\n')}\njob: {script: [x]}\n`)
    expect(pipeline.errors).toEqual(['.gitlab-ci.yml: The parsed YAML is too big'])
  })
})
