import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {ExitCode} from '../../src/errors.js'
import type {SecretSummary} from '../../src/vault/secrets/summary.js'
import {type Sandbox, sandbox} from '../helpers/run-command.js'

let box: Sandbox

beforeEach(async () => {
  box = sandbox()
  const enabled = await box.run(['enable', '--name', 'alice', '--json'])
  expect(enabled.exit).toBe(0)
})

afterEach(() => box.cleanup())

describe('enable', () => {
  it('returns the vault, the member and the recipient', async () => {
    const again = await box.run<{created: boolean; member: string; recipient: string}>(['enable', '--json'])
    expect(again.result).toMatchObject({created: false, member: 'user:alice'})
    expect(again.result?.recipient).toMatch(/^secrets1/)
  })
})

describe('add', () => {
  it('returns the new secret with every flag stored', async () => {
    const {result, exit} = await box.run<SecretSummary>(
      ['add', 'DEPLOY_KEY', '--description', 'deploys', '--environment', 'review/*', '--branch', 'release/*', '--rotation-days', '30', '--variable', '--file', '--protected', '--ref', 'vault:ops/deploy/key@kv', '--json'],
      'deploy-key-value',
    )
    expect(exit).toBe(0)
    expect(result).toMatchObject({
      name: 'DEPLOY_KEY', description: 'deploys', environment: 'review/*', branch: 'release/*', version: 1,
      rotationDays: 30, variable: true, file: true, protected: true, ref: 'vault:ops/deploy/key@kv',
      rotation: {status: 'OK'},
    })
    const listed = await box.run<SecretSummary[]>(['list', '--json'])
    expect(listed.result).toEqual([result])
  })

  it('refuses a second secret with the same name and scope', async () => {
    await box.run(['add', 'TOKEN', '--json'], 'first-value')
    const second = await box.run(['add', 'TOKEN', '--json'], 'second-value')
    expect(second.exit).toBe(ExitCode.CONFLICT)
    expect(JSON.parse(second.stdout)).toMatchObject({error: {code: 'conflict', message: 'secret already exists: secret TOKEN (environment *, branch *)'}})
    expect(second.stdout).not.toContain('second-value')
  })
})

describe('get', () => {
  it('returns the value with --json', async () => {
    await box.run(['add', 'TOKEN'], 'token-value')
    const got = await box.run<{value: string; version: number}>(['get', 'TOKEN', '--json'])
    expect(got.result).toMatchObject({name: 'TOKEN', value: 'token-value', version: 1})
  })

  it('says not found with code 3', async () => {
    const got = await box.run(['get', 'NOPE'])
    expect(got.exit).toBe(ExitCode.NOT_FOUND)
    expect(got.stderr).toContain('error: secret not found: NOPE')
  })
})

describe('list', () => {
  it('shows a table without values', async () => {
    await box.run(['add', 'TOKEN', '--description', 'the-token'], 'token-value-xyz')
    const listed = await box.run(['list'])
    expect(listed.stdout).toMatch(/^NAME\s+ENVIRONMENT\s+BRANCH\s+VERSION/m)
    expect(listed.stdout).toMatch(/^TOKEN\s+\*\s+\*\s+1\s/m)
    expect(listed.stdout).toContain('the-token')
    expect(listed.stdout).not.toContain('token-value-xyz')
  })

  it('says how to start when the vault is empty', async () => {
    const listed = await box.run(['list'])
    expect(listed.stdout).toContain('no secrets yet')
  })
})

describe('remove', () => {
  it('picks one of several scopes with the flags', async () => {
    await box.run(['add', 'URL', '--environment', 'production'], 'prod-url')
    await box.run(['add', 'URL', '--environment', 'staging'], 'staging-url')
    const ambiguous = await box.run(['remove', 'URL'])
    expect(ambiguous.exit).toBe(ExitCode.USAGE)
    const removed = await box.run<SecretSummary>(['remove', 'URL', '--environment', 'staging', '--json'])
    expect(removed.result).toMatchObject({name: 'URL', environment: 'staging'})
    const listed = await box.run<SecretSummary[]>(['list', '--json'])
    expect(listed.result?.map((s) => s.environment)).toEqual(['production'])
  })
})

describe('identity', () => {
  it('gives recipient, fingerprint and source', async () => {
    const {result} = await box.run<{recipient: string; fingerprint: string; source: string}>(['identity', '--json'])
    expect(result?.recipient).toMatch(/^secrets1/)
    expect(result?.fingerprint).toMatch(/^[0-9a-f]{4}(:[0-9a-f]{4}){3}$/)
    expect(result?.source).toBe('file')
  })
})
