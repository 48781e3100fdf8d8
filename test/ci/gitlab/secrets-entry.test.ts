// The `secrets:` keyword, one case per test: each provider's forms read as GitLab reads them, and
// each mistake reported in GitLab's words.
import {describe, expect, it} from 'vitest'

import {type SecretEntry} from '../../../src/ci/gitlab/types.js'
import {jobNamed, parse} from './pipeline.js'

/** The job `job` with `secrets:` holding one entry `VAR` written as `entry` (flow YAML). */
function readEntry(entry: string): {secrets: SecretEntry[]; errors: string[]} {
  const job = jobNamed(parse(`job:\n  script: [x]\n  secrets:\n    VAR: ${entry}\n`), 'job')
  return {secrets: job.secrets, errors: job.errors}
}

describe('vault short form: split at the last @, then the last /', () => {
  it.each([
    ['production/db/password@ops', 'ops', 'production/db', 'password'],
    ['production/db/password', 'kv-v2', 'production/db', 'password'],
    ['password@ops', 'ops', '', 'password'],
    ['user@example.com/token@ops', 'ops', 'user@example.com', 'token'],
    ['a/b@c@mount/x', 'mount/x', 'a', 'b@c'],
    ['access_tokens/${VAULT_SECRETS_PATH}/bot/token@ci', 'ci', 'access_tokens/${VAULT_SECRETS_PATH}/bot', 'token'],
    ['bootstrap/gitlab_root_token@${KV_SECRET_PATH}', '${KV_SECRET_PATH}', 'bootstrap', 'gitlab_root_token'],
  ])('%s', (written, enginePath, path, field) => {
    expect(readEntry(`{vault: "${written}"}`).secrets[0]?.source).toEqual({provider: 'vault', engine: {name: 'kv-v2', path: enginePath}, path, field})
  })
})

describe('reading entries', () => {
  it('reads the vault hash form', () => {
    expect(readEntry('{vault: {engine: {name: kv-v1, path: secret}, path: test/db, field: password}, token: $VAULT_ID_TOKEN}').secrets).toEqual([
      {variable: 'VAR', source: {provider: 'vault', engine: {name: 'kv-v1', path: 'secret'}, path: 'test/db', field: 'password'}, file: true, token: '$VAULT_ID_TOKEN'},
    ])
  })

  it('defaults file to true and keeps false', () => {
    expect(readEntry('{vault: a/b}').secrets[0]?.file).toBe(true)
    expect(readEntry('{vault: a/b, file: false}').secrets[0]?.file).toBe(false)
  })

  it('reads aws_secrets_manager as secret_id[#field] or as a hash', () => {
    expect(readEntry('{aws_secrets_manager: "prod/db#password", token: $T}').secrets[0]?.source).toEqual({
      provider: 'aws_secrets_manager',
      secretId: 'prod/db',
      field: 'password',
    })
    expect(readEntry('{aws_secrets_manager: "arn:aws:secretsmanager:us-east-1:1:secret:db", token: $T}').secrets[0]?.source).toEqual({
      provider: 'aws_secrets_manager',
      secretId: 'arn:aws:secretsmanager:us-east-1:1:secret:db',
    })
    expect(
      readEntry('{aws_secrets_manager: {secret_id: db, field: pw, version_id: "2", version_stage: AWSCURRENT, region: eu-west-1, role_arn: arn:r, role_session_name: s}}').secrets[0]
        ?.source,
    ).toEqual({
      provider: 'aws_secrets_manager',
      secretId: 'db',
      field: 'pw',
      versionId: '2',
      versionStage: 'AWSCURRENT',
      region: 'eu-west-1',
      roleArn: 'arn:r',
      roleSessionName: 's',
    })
  })

  it('reads gcp_secret_manager with version latest by default and a number as text', () => {
    expect(readEntry('{gcp_secret_manager: {name: db}, token: $GCP_ID_TOKEN}').secrets[0]?.source).toEqual({provider: 'gcp_secret_manager', name: 'db', version: 'latest'})
    expect(readEntry('{gcp_secret_manager: {name: db, version: 2}, token: $T}').secrets[0]?.source).toEqual({provider: 'gcp_secret_manager', name: 'db', version: '2'})
  })

  it('reads azure_key_vault and gitlab_secrets_manager', () => {
    expect(readEntry('{azure_key_vault: {name: db}}').secrets[0]?.source).toEqual({provider: 'azure_key_vault', name: 'db'})
    expect(readEntry('{azure_key_vault: {name: db, version: v1}}').secrets[0]?.source).toEqual({provider: 'azure_key_vault', name: 'db', version: 'v1'})
    expect(readEntry('{gitlab_secrets_manager: {name: db, source: group/a/b}}').secrets[0]?.source).toEqual({
      provider: 'gitlab_secrets_manager',
      name: 'db',
      source: 'group/a/b',
    })
  })

  it('keeps the order written', () => {
    const job = jobNamed(parse('job:\n  script: [x]\n  secrets:\n    Z: {vault: a/z}\n    A: {vault: a/a}\n    "1": {vault: a/1}\n'), 'job')
    expect(job.secrets.map((entry) => entry.variable)).toEqual(['Z', 'A', '1'])
  })

  it('reads an empty secrets: as none', () => {
    expect(jobNamed(parse('job: {script: [x], secrets: }'), 'job')).toMatchObject({secrets: [], errors: []})
  })
})

describe('GitLab’s messages', () => {
  const providers = 'vault, azure_key_vault, gcp_secret_manager, gitlab_secrets_manager, aws_secrets_manager'
  it.each([
    ['{token: $T}', [`jobs:job:secrets:var config must use exactly one of these keys: ${providers}`]],
    ['', [`jobs:job:secrets:var config must use exactly one of these keys: ${providers}`]],
    ['{vault: a/b, azure_key_vault: {name: x}}', [`jobs:job:secrets:var config must use exactly one of these keys: ${providers}`]],
    ['{vault: a/b, extra_prop: TEST}', ['jobs:job:secrets:var config contains unknown keys: extra_prop']],
    ['just-a-string', ['jobs:job:secrets:var config should be a hash', `jobs:job:secrets:var config must use exactly one of these keys: ${providers}`]],
    ['{vault: a/b, file: "no"}', ['jobs:job:secrets:var:file config should be a boolean value']],
    ['{vault: a/b, token: 12}', ['jobs:job:secrets:var token should be a string']],
    ['{gcp_secret_manager: {name: x}}', ['jobs:job:secrets:var token is required with gcp secrets manager']],
    ['{vault: ""}', ["jobs:job:secrets:var:vault config can't be blank"]],
    ['{vault: 12}', ['jobs:job:secrets:VAR:vault should be a hash or a string']],
    [
      '{vault: {path: gitlab}}',
      ["jobs:job:secrets:var:vault field can't be blank", 'jobs:job:secrets:var:vault field should be a string', "jobs:job:secrets:var:vault engine can't be blank", 'jobs:job:secrets:var:vault engine should be a hash'],
    ],
    ['{vault: {engine: {path: kv}, path: a, field: b}}', ['jobs:job:secrets:var:vault:engine config missing required keys: name', "jobs:job:secrets:var:vault:engine name can't be blank", 'jobs:job:secrets:var:vault:engine name should be a string']],
    ['{azure_key_vault: {name: x, extra_prop: TEST}}', ['jobs:job:secrets:var:azure_key_vault config contains unknown keys: extra_prop']],
    ['{azure_key_vault: {version: latest}}', ["jobs:job:secrets:var:azure_key_vault name can't be blank", 'jobs:job:secrets:var:azure_key_vault name should be a string']],
    ['{gcp_secret_manager: {name: x, version: [1]}, token: $T}', ['jobs:job:secrets:var:gcp_secret_manager version must be an alphanumeric string']],
    ['{aws_secrets_manager: {region: us-east-1}}', ['jobs:job:secrets:var:aws_secrets_manager secret_id should be a string', "jobs:job:secrets:var:aws_secrets_manager secret_id can't be blank"]],
    ['{aws_secrets_manager: "a#b#c"}', ["jobs:job:secrets:var:aws_secrets_manager config must contain at most one '#'"]],
    ['{gitlab_secrets_manager: {name: foo, group: x}}', ['jobs:job:secrets:var:gitlab_secrets_manager config contains unknown keys: group']],
    ['{gitlab_secrets_manager: {name: foo, source: elsewhere}}', ["jobs:job:secrets:var:gitlab_secrets_manager source must follow the format group/group_full_path or 'project'"]],
  ])('%s', (entry, errors) => {
    const read = readEntry(entry)
    expect(read.errors).toEqual(errors)
    expect(read.secrets).toEqual([])
  })

  it('refuses secrets: that is not a mapping', () => {
    expect(jobNamed(parse('job: {script: [x], secrets: [A, B]}'), 'job').errors).toEqual(['jobs:job:secrets config should be a hash'])
  })

  it('keeps the valid entries of a job that also has an invalid one', () => {
    const job = jobNamed(parse('job:\n  script: [x]\n  secrets:\n    GOOD: {vault: a/b}\n    BAD: {token: $T}\n'), 'job')
    expect(job.secrets.map((entry) => entry.variable)).toEqual(['GOOD'])
    expect(job.errors).toHaveLength(1)
  })
})
