import {describe, expect, it} from 'vitest'

import type {SecretEntry} from '../../src/ci/gitlab/types.js'
import {isProtectedBranch, planEntry, planVariables} from '../../src/run/resolve-secrets.js'
import type {SecretSummary} from '../../src/vault/secrets/summary.js'

function summary(name: string, extra: Partial<SecretSummary> = {}): SecretSummary {
  return {
    name, environment: '*', branch: '*', description: null, version: 1, createdAt: '', updatedAt: '', updatedBy: '',
    rotationDays: null, rotation: null, variable: false, file: false, protected: false, ref: null, exposed: false, exposedTo: [], conflict: false, ...extra,
  }
}

const production = {environment: 'production', branch: 'main', protectedBranch: true}
const vault = (variable: string, path: string, field: string, enginePath = 'kv-v2'): SecretEntry => ({
  variable, file: true, source: {provider: 'vault', engine: {name: 'kv-v2', path: enginePath}, path, field},
})

describe('planEntry', () => {
  it('resolves gitlab_secrets_manager by its name, not the variable', () => {
    const entry: SecretEntry = {variable: 'DB', file: false, source: {provider: 'gitlab_secrets_manager', name: 'DATABASE_PASSWORD'}}
    const planned = planEntry(entry, [summary('DB'), summary('DATABASE_PASSWORD')], production, {})
    expect(planned).toMatchObject({variable: 'DB', secret: 'DATABASE_PASSWORD', reference: 'DATABASE_PASSWORD', file: false, resolved: true})
  })

  it('does not expand variables in gitlab_secrets_manager names', () => {
    const entry: SecretEntry = {variable: 'DB', file: true, source: {provider: 'gitlab_secrets_manager', name: '$NAME'}}
    expect(planEntry(entry, [summary('X')], production, {NAME: 'X'})).toMatchObject({reference: '$NAME', resolved: false})
  })

  it('prefers a --ref binding over the variable name, after expanding $VAR', () => {
    const secrets = [summary('DB_PASSWORD'), summary('OPS_DB', {ref: 'vault:production/db/password@ops'})]
    const planned = planEntry(vault('DB_PASSWORD', 'production/db', 'password', '$MOUNT'), secrets, production, {MOUNT: 'ops'})
    expect(planned).toMatchObject({secret: 'OPS_DB', reference: 'production/db/password@ops', provider: 'vault'})
  })

  it('falls back to a secret named like the variable', () => {
    const planned = planEntry(vault('DB_PASSWORD', 'production/db', 'password'), [summary('DB_PASSWORD')], production, {})
    expect(planned).toMatchObject({secret: 'DB_PASSWORD', reference: 'production/db/password@kv-v2', resolved: true})
  })

  it('picks the most specific scope', () => {
    const secrets = [summary('T'), summary('T', {environment: 'prod*'}), summary('T', {environment: 'production'})]
    expect(planEntry(vault('T', 'a', 'b'), secrets, production, {}).scope).toEqual({environment: 'production', branch: '*'})
  })

  it('ignores protected secrets on unprotected branches, falling back to others', () => {
    const secrets = [summary('T'), summary('T', {environment: 'production', protected: true})]
    const unprotected = {...production, branch: 'feature', protectedBranch: false}
    expect(planEntry(vault('T', 'a', 'b'), secrets, unprotected, {}).scope).toEqual({environment: '*', branch: '*'})
    expect(planEntry(vault('T', 'a', 'b'), secrets, production, {}).scope).toEqual({environment: 'production', branch: '*'})
  })

  it('reports what was asked when nothing matches', () => {
    const planned = planEntry(vault('T', 'a', 'b'), [summary('T', {environment: 'staging'})], production, {})
    expect(planned).toEqual({variable: 'T', provider: 'vault', reference: 'a/b@kv-v2', secret: null, scope: null, file: true, resolved: false})
  })

  it('matches a job without environment only to * scopes', () => {
    const none = {environment: '', branch: 'main', protectedBranch: true}
    expect(planEntry(vault('T', 'a', 'b'), [summary('T', {environment: 'production'})], none, {}).resolved).toBe(false)
  })
})

describe('planVariables', () => {
  it('gives every matching --variable secret once, most specific, skipping names the job sets', () => {
    const secrets = [
      summary('REG', {variable: true}),
      summary('REG', {variable: true, environment: 'production', file: true}),
      summary('OTHER', {variable: true, environment: 'staging'}),
      summary('PLAIN'),
      summary('TAKEN', {variable: true}),
      summary('PROT', {variable: true, protected: true}),
    ]
    const planned = planVariables(secrets, {...production, protectedBranch: false}, new Set(['TAKEN']))
    expect(planned).toEqual([
      {variable: 'REG', provider: 'variable', reference: null, secret: 'REG', scope: {environment: 'production', branch: '*'}, file: true, resolved: true},
    ])
  })
})

describe('isProtectedBranch', () => {
  it.each([
    ['main', ['main', 'master'], true],
    ['release/1.2', ['release/*'], true],
    ['feature', ['main'], false],
    ['', ['*'], false],
  ] as const)('%s with %j → %s', (branch, patterns, expected) => {
    expect(isProtectedBranch(branch, patterns)).toBe(expected)
  })
})
