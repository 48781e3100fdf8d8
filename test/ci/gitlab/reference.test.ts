// `!reference [.job, key, …]`: resolved after `extends:`, anywhere in a job, scripts flattened.
import {describe, expect, it} from 'vitest'

import {jobNamed, parse, variablesOf, yaml} from './pipeline.js'

describe('!reference', () => {
  it('inserts a template’s secrets', () => {
    const pipeline = parse(yaml`
      .vault-secrets:
        secrets:
          DB_PASSWORD: {vault: production/db/password@ops}
          API_KEY: {vault: production/api/key@ops, file: false}
      deploy:
        secrets: !reference [.vault-secrets, secrets]
        script: [deploy]
    `)
    const job = jobNamed(pipeline, 'deploy')
    expect(job.errors).toEqual([])
    expect(variablesOf(job)).toEqual(['DB_PASSWORD', 'API_KEY'])
  })

  it('inserts one secret entry under a job’s own name for it', () => {
    const pipeline = parse(yaml`
      .catalog:
        secrets:
          DB: {gitlab_secrets_manager: {name: prod_db}}
      deploy:
        secrets:
          DATABASE_PASSWORD: !reference [.catalog, secrets, DB]
        script: [deploy]
    `)
    expect(jobNamed(pipeline, 'deploy').secrets).toEqual([{variable: 'DATABASE_PASSWORD', source: {provider: 'gitlab_secrets_manager', name: 'prod_db'}, file: true}])
  })

  it('flattens a referenced script one level into the job’s script', () => {
    const pipeline = parse(yaml`
      .setup:
        script: [source env.sh, make deps]
      build:
        script:
          - echo start
          - !reference [.setup, script]
          - make
    `)
    expect(jobNamed(pipeline, 'build').script).toEqual(['echo start', 'source env.sh', 'make deps', 'make'])
  })

  it('resolves the referenced entry’s own references and extends first', () => {
    const pipeline = parse(yaml`
      .base:
        before_script: [base step]
      .setup:
        extends: .base
        script:
          - !reference [.base, before_script]
          - setup step
      job:
        before_script: !reference [.setup, before_script]
        script:
          - !reference [.setup, script]
          - own step
    `)
    const job = jobNamed(pipeline, 'job')
    expect(job.errors).toEqual([])
    expect(job.beforeScript).toEqual(['base step'])
    expect(job.script).toEqual(['base step', 'setup step', 'own step'])
  })

  it('reads global keys too', () => {
    const pipeline = parse(yaml`
      variables: {REGION: eu-west-1}
      job:
        variables: !reference [variables]
        script: [x]
    `)
    expect(jobNamed(pipeline, 'job').variables).toEqual({REGION: 'eu-west-1'})
  })

  it('reports a missing target on the job, naming it, and leaves other jobs alone', () => {
    const pipeline = parse(yaml`
      job:
        secrets: !reference [.from-remote, secrets]
        script: [x]
      other:
        script: [y]
    `)
    expect(jobNamed(pipeline, 'job').errors).toEqual(['!reference [".from-remote", "secrets"] could not be found'])
    expect(jobNamed(pipeline, 'other').errors).toEqual([])
    expect(pipeline.errors).toEqual([])
  })

  it('leaves a missing script reference out, keeping the job’s other lines', () => {
    const pipeline = parse('job: {script: [!reference [.from-remote, script], make]}')
    expect(jobNamed(pipeline, 'job')).toMatchObject({script: ['make'], errors: ['!reference [".from-remote", "script"] could not be found']})
  })

  it('reports a missing key in an existing entry', () => {
    const pipeline = parse('.t: {script: [x]}\njob: {script: !reference [.t, after_script]}')
    expect(jobNamed(pipeline, 'job').errors).toEqual(['!reference [".t", "after_script"] could not be found'])
  })

  it('refuses a circular chain, naming the reference met twice', () => {
    const pipeline = parse(yaml`
      .a: {script: !reference [.b, script]}
      .b: {script: !reference [.a, script]}
      job: {script: !reference [.a, script]}
    `)
    expect(jobNamed(pipeline, 'job').errors).toEqual(['!reference [".b", "script"] is part of a circular chain'])
  })

  it('follows nested references 10 levels deep and refuses the 11th', () => {
    const chain = (levels: number): string => {
      const lines = [`job: {script: !reference [.r1, script]}`]
      for (let level = 1; level < levels; level++) lines.push(`.r${level}: {script: !reference [.r${level + 1}, script]}`)
      lines.push(`.r${levels}: {script: [deepest]}`)
      return lines.join('\n')
    }

    const ten = jobNamed(parse(chain(10)), 'job')
    expect(ten.errors).toEqual([])
    expect(ten.script).toEqual(['deepest'])
    expect(jobNamed(parse(chain(11)), 'job').errors).toEqual(['!reference [".r11", "script"] is nested more than 10 levels deep'])
  })

  it('refuses a tag that is not a list of names', () => {
    const pipeline = parse('job: {script: !reference .setup}')
    expect(jobNamed(pipeline, 'job').errors).toEqual(['!reference ".setup" is not valid'])
  })
})
