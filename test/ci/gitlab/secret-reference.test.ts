// The text a user writes after `secrets add --ref PROVIDER:`, one form per provider.
import {describe, expect, it} from 'vitest'

import {PROVIDER_KEYS, canonicalReference} from '../../../src/ci/gitlab/parse.js'
import {type SecretSource} from '../../../src/ci/gitlab/types.js'
import {jobNamed, parse} from './pipeline.js'

describe('canonicalReference', () => {
  it.each<[SecretSource, string]>([
    [{provider: 'vault', engine: {name: 'kv-v2', path: 'ops'}, path: 'production/db', field: 'password'}, 'production/db/password@ops'],
    [{provider: 'vault', engine: {name: 'kv-v2', path: 'kv-v2'}, path: 'production/db', field: 'password'}, 'production/db/password@kv-v2'],
    [{provider: 'vault', engine: {name: 'kv-v1', path: 'secret'}, path: '', field: 'password'}, 'password@secret'],
    [{provider: 'aws_secrets_manager', secretId: 'prod/db'}, 'prod/db'],
    [{provider: 'aws_secrets_manager', secretId: 'prod/db', field: 'password', region: 'eu-west-1'}, 'prod/db#password'],
    [{provider: 'gcp_secret_manager', name: 'db', version: 'latest'}, 'db'],
    [{provider: 'gcp_secret_manager', name: 'db', version: '3'}, 'db@3'],
    [{provider: 'azure_key_vault', name: 'db'}, 'db'],
    [{provider: 'azure_key_vault', name: 'db', version: 'abc'}, 'db@abc'],
    [{provider: 'gitlab_secrets_manager', name: 'db', source: 'group/ops'}, 'db'],
  ])('%j → %s', (source, reference) => {
    expect(canonicalReference(source)).toBe(reference)
  })

  it('gives back the short form a vault entry was written in', () => {
    const job = jobNamed(parse('job:\n  script: [x]\n  secrets:\n    DB: {vault: production/db/password@ops}\n'), 'job')
    expect(job.secrets.map((entry) => canonicalReference(entry.source))).toEqual(['production/db/password@ops'])
  })
})

describe('PROVIDER_KEYS', () => {
  it('lists the providers in GitLab’s order', () => {
    expect(PROVIDER_KEYS).toEqual(['vault', 'azure_key_vault', 'gcp_secret_manager', 'gitlab_secrets_manager', 'aws_secrets_manager'])
  })
})
