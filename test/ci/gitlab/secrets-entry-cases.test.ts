// More of GitLab's `secrets:` rules, each a case a user can write: empty values, several
// mistakes at once (reported in GitLab's order), and the edges of each provider's forms.
import {describe, expect, it} from 'vitest'

import {readSecrets} from '../../../src/ci/gitlab/secrets-entry.js'
import {type SecretEntry} from '../../../src/ci/gitlab/types.js'
import {jobNamed, parse} from './pipeline.js'

function readEntry(entry: string): {secrets: SecretEntry[]; errors: string[]} {
  const job = jobNamed(parse(`job:\n  script: [x]\n  secrets:\n    VAR: ${entry}\n`), 'job')
  return {secrets: job.secrets, errors: job.errors}
}

const at = 'jobs:job:secrets:var'

describe('no secrets', () => {
  it('is what a job without secrets: has, and secrets: that is not a mapping is refused', () => {
    expect(jobNamed(parse('job: {script: [x]}'), 'job')).toMatchObject({secrets: [], errors: []})
    expect(readSecrets('job', undefined)).toEqual({entries: [], errors: []})
    expect(readSecrets('job', null)).toEqual({entries: [], errors: []})
    expect(readSecrets('job', ['A'])).toEqual({entries: [], errors: ['jobs:job:secrets config should be a hash']})
    expect(readSecrets('job', 'A')).toEqual({entries: [], errors: ['jobs:job:secrets config should be a hash']})
  })
})

describe('empty values read as absent', () => {
  it.each([
    ['{vault: a/b, token: }', {variable: 'VAR', file: true, source: {provider: 'vault', engine: {name: 'kv-v2', path: 'kv-v2'}, path: 'a', field: 'b'}}],
    ['{vault: a/b, file: }', {variable: 'VAR', file: true, source: {provider: 'vault', engine: {name: 'kv-v2', path: 'kv-v2'}, path: 'a', field: 'b'}}],
    ['{azure_key_vault: {name: x, version: }}', {variable: 'VAR', file: true, source: {provider: 'azure_key_vault', name: 'x'}}],
    ['{gcp_secret_manager: {name: x, version: }, token: $T}', {variable: 'VAR', file: true, token: '$T', source: {provider: 'gcp_secret_manager', name: 'x', version: 'latest'}}],
    ['{aws_secrets_manager: "db#"}', {variable: 'VAR', file: true, source: {provider: 'aws_secrets_manager', secretId: 'db'}}],
  ])('%s', (entry, expected) => {
    expect(readEntry(entry)).toStrictEqual({secrets: [expected], errors: []})
  })
})

describe('vault short form edges', () => {
  it('keeps a leading @ in the field, with the default engine', () => {
    expect(readEntry('{vault: "@ops"}').secrets[0]?.source).toEqual({provider: 'vault', engine: {name: 'kv-v2', path: 'kv-v2'}, path: '', field: '@ops'})
  })
})

describe('GitLab’s messages, more cases', () => {
  it.each([
    // Every unknown key is named, in the order written.
    ['{vault: a/b, x: 1, y: 2}', [`${at} config contains unknown keys: x, y`]],
    ['{azure_key_vault: {name: x, a: 1, b: 2}}', [`${at}:azure_key_vault config contains unknown keys: a, b`]],
    ['{vault: {engine: {other: 1}, path: a, field: b}}', [`${at}:vault:engine config contains unknown keys: other`, `${at}:vault:engine config missing required keys: name, path`, `${at}:vault:engine name can't be blank`, `${at}:vault:engine name should be a string`, `${at}:vault:engine path can't be blank`, `${at}:vault:engine path should be a string`]],
    // GitLab reports the vault and aws entries before file, the other providers after it.
    ['{vault: "", file: "no"}', [`${at}:vault config can't be blank`, `${at}:file config should be a boolean value`]],
    ['{aws_secrets_manager: "", file: "no"}', [`${at}:aws_secrets_manager config can't be blank`, `${at}:file config should be a boolean value`]],
    ['{azure_key_vault: {name: 1}, file: "no"}', [`${at}:file config should be a boolean value`, `${at}:azure_key_vault name should be a string`]],
    ['{aws_secrets_manager: 12}', ['jobs:job:secrets:VAR:aws_secrets_manager should be a hash or a string']],
    ['{aws_secrets_manager: {secret_id: 12}}', [`${at}:aws_secrets_manager secret_id should be a string`]],
    ['{aws_secrets_manager: {secret_id: db, region: 1, role_arn: [x]}}', [`${at}:aws_secrets_manager region should be a string`, `${at}:aws_secrets_manager role_arn should be a string`]],
    ['{azure_key_vault: x}', [`${at}:azure_key_vault config should be a hash`, `${at}:azure_key_vault name can't be blank`, `${at}:azure_key_vault name should be a string`]],
    ['{azure_key_vault: {name: x, version: 1}}', [`${at}:azure_key_vault version should be a string`]],
    ['{gcp_secret_manager: {name: x, version: 2.5}, token: $T}', [`${at}:gcp_secret_manager version must be an alphanumeric string`]],
    ['{gitlab_secrets_manager: {name: x, source: 1}}', [`${at}:gitlab_secrets_manager source should be a string`]],
    ['{gitlab_secrets_manager: {name: x, source: xgroup/a}}', [`${at}:gitlab_secrets_manager source must follow the format group/group_full_path or 'project'`]],
    ['{gitlab_secrets_manager: {name: x, source: project/x}}', [`${at}:gitlab_secrets_manager source must follow the format group/group_full_path or 'project'`]],
  ])('%s', (entry, errors) => {
    const read = readEntry(entry)
    expect(read.errors).toEqual(errors)
    expect(read.secrets).toEqual([])
  })

  it('reads a gcp version written as text, and gitlab_secrets_manager from the project', () => {
    expect(readEntry('{gcp_secret_manager: {name: x, version: v3}, token: $T}').secrets[0]?.source).toEqual({provider: 'gcp_secret_manager', name: 'x', version: 'v3'})
    expect(readEntry('{gitlab_secrets_manager: {name: x, source: project}}').secrets[0]?.source).toEqual({provider: 'gitlab_secrets_manager', name: 'x', source: 'project'})
  })
})
