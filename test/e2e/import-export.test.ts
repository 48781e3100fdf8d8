// import and export as a user runs them, and the round trip through a second vault.
import {writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {ExitCode} from '../../src/errors.js'
import {type Person, TempRepo} from '../helpers/cli.js'

let repo: TempRepo
let alice: Person

beforeEach(async () => {
  repo = new TempRepo()
  alice = repo.person('alice')
  expect((await repo.run(alice, ['enable'])).code).toBe(0)
})

afterEach(() => repo.cleanup())

const DOTENV = `# app settings
export DATABASE_URL="postgres://app:p#ss@db:5432/app?sslmode=require"
API_KEY='single-quoted $NOT_EXPANDED'
PLAIN_VALUE=plain-value # a trailing comment
ESCAPES="tab\\there \\"quoted\\" newline\\nend"

PRIVATE_KEY="-----BEGIN OPENSSH PRIVATE KEY-----
b3BlbnNzaC1rZXktdjEAAAAABG5vbmU
-----END OPENSSH PRIVATE KEY-----"
`

const EXPECTED: Record<string, string> = {
  DATABASE_URL: 'postgres://app:p#ss@db:5432/app?sslmode=require',
  API_KEY: 'single-quoted $NOT_EXPANDED',
  PLAIN_VALUE: 'plain-value',
  ESCAPES: 'tab\\there \\"quoted\\" newline\nend',
  PRIVATE_KEY: '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmU\n-----END OPENSSH PRIVATE KEY-----',
}

const GITLAB = JSON.stringify([
  {variable_type: 'env_var', key: 'REGISTRY_TOKEN', value: 'registry-token-1', protected: false, masked: true, raw: true, environment_scope: '*', description: null},
  {variable_type: 'env_var', key: 'DEPLOY_TOKEN', value: 'prod-deploy-token', protected: true, masked: true, raw: true, environment_scope: 'production', description: 'deploys to prod', hidden: false},
  {variable_type: 'file', key: 'KUBECONFIG', value: 'apiVersion: v1\nclusters:\n- name: review\n', protected: false, masked: false, raw: true, environment_scope: 'review/*', description: null},
])

function write(name: string, text: string): string {
  const path = join(repo.root, name)
  writeFileSync(path, text)
  return path
}

describe('import', () => {
  it('reads a realistic .env exactly, as one transaction, with a summary', async () => {
    const result = await repo.run(alice, ['import', write('.env', DOTENV), '--format', 'dotenv', '--json'])
    expect(result.code).toBe(0)
    expect(JSON.parse(result.stdout)).toMatchObject({added: 5, skipped: 0, overwritten: 0, dryRun: false})
    for (const [name, value] of Object.entries(EXPECTED)) expect((await repo.run(alice, ['get', name])).stdout, name).toBe(value)
  })

  it('previews with --dry-run and writes nothing', async () => {
    const before = repo.vaultBytes()
    const result = await repo.run(alice, ['import', write('.env', DOTENV), '--format', 'dotenv', '--dry-run'])
    expect(result.code).toBe(0)
    expect(result.stderr).toContain('would add DATABASE_URL (environment *, branch *)')
    expect(result.stderr).toContain('dry run: would import: 5 added, 0 skipped')
    expect(repo.vaultBytes().equals(before)).toBe(true)
  })

  it('skips what exists unless --overwrite, which makes a new version', async () => {
    await repo.run(alice, ['add', 'API_KEY', '--description', 'kept'], {input: 'old-api-key'})
    const skipped = await repo.run(alice, ['import', write('.env', DOTENV), '--format', 'dotenv'])
    expect(skipped.stderr).toContain('imported: 4 added, 1 skipped')
    expect((await repo.run(alice, ['get', 'API_KEY'])).stdout).toBe('old-api-key')
    const overwritten = await repo.run(alice, ['import', write('.env', DOTENV), '--format', 'dotenv', '--overwrite'])
    expect(overwritten.stderr).toContain('imported: 0 added, 0 skipped (already there), 5 overwritten')
    expect((await repo.run(alice, ['get', 'API_KEY'])).stdout).toBe(EXPECTED.API_KEY)
    const listed = JSON.parse((await repo.run(alice, ['list', '--json'])).stdout) as Array<{name: string; version: number; description: string}>
    expect(listed.find((s) => s.name === 'API_KEY')).toMatchObject({version: 2, description: 'kept'})
  })

  it('imports GitLab CI/CD variables as --variable secrets with scope, protection and file type', async () => {
    const result = await repo.run(alice, ['import', write('variables.json', GITLAB), '--format', 'gitlab'])
    expect(result.code).toBe(0)
    const listed = JSON.parse((await repo.run(alice, ['list', '--json'])).stdout) as Array<Record<string, unknown>>
    expect(listed.map((s) => [s.name, s.environment, s.variable, s.file, s.protected, s.description])).toEqual([
      ['DEPLOY_TOKEN', 'production', true, false, true, 'deploys to prod'],
      ['KUBECONFIG', 'review/*', true, true, false, null],
      ['REGISTRY_TOKEN', '*', true, false, false, null],
    ])
    // The file-type variable reaches a run in a review environment as a file with the exact value.
    const run = await repo.run(alice, ['run', '--environment', 'review/x', '--no-mask', '--', 'sh', '-c', 'cat "$KUBECONFIG"'])
    expect(run.stdout).toBe('apiVersion: v1\nclusters:\n- name: review\n')
  })

  it.each([
    ['a bad line', 'GOOD=value-1\nnot a line\n', /line 2/],
    ['an invalid name', 'BAD-NAME=value-1\n', /BAD-NAME/],
    ['a duplicate key', 'A=value-1\nA=value-2\n', /^error: line 2: A is set twice \(first on line 1\)$/],
    ['an empty value', 'EMPTY=\n', /EMPTY/],
  ])('refuses a .env with %s: one line, nothing imported', async (_what, text, message) => {
    await repo.run(alice, ['add', 'EXISTING'], {input: 'existing-value'})
    const before = repo.vaultBytes()
    const result = await repo.run(alice, ['import', write('bad.env', text), '--format', 'dotenv'])
    expect(result.code).toBe(ExitCode.USAGE)
    expect(result.stderr.split('\n')[0]).toMatch(message)
    expect(result.stderr).not.toContain('value-1')
    expect(repo.vaultBytes().equals(before)).toBe(true)
  })

  it('refuses a value over the limit in the middle of a file, importing nothing', async () => {
    const before = repo.vaultBytes()
    const result = await repo.run(alice, ['import', write('big.env', `A=value-a\nB=${'x'.repeat(10_001)}\nC=value-c\n`), '--format', 'dotenv'])
    expect(result.code).toBe(ExitCode.USAGE)
    expect(result.stderr).toMatch(/^error: entry 2 \(B\): the value is too large/)
    expect(repo.vaultBytes().equals(before)).toBe(true)
  })

  it('says a missing file with the not-found code', async () => {
    const result = await repo.run(alice, ['import', join(repo.root, 'nope.env'), '--format', 'dotenv'])
    expect(result.code).toBe(ExitCode.NOT_FOUND)
    expect(result.stderr.split('\n')[0]).toBe(`error: cannot read ${join(repo.root, 'nope.env')}: no such file`)
  })
})

describe('export', () => {
  it('export --format dotenv | import into a fresh vault gives identical values', async () => {
    await repo.run(alice, ['import', write('.env', DOTENV), '--format', 'dotenv'])
    await repo.run(alice, ['add', 'NASTY'], {input: `quotes " back\\slash $dollar \`tick\` $(touch PWNED) #hash\nnext line\n  spaced  `})
    const exported = await repo.run(alice, ['export', '--format', 'dotenv'])
    expect(exported.code).toBe(0)

    const other = new TempRepo()
    try {
      const bob = other.person('bob')
      await other.run(bob, ['enable'])
      const imported = await other.run(bob, ['import', '--format', 'dotenv'], {input: exported.stdout})
      expect(imported.stderr).toContain('6 added')
      for (const name of [...Object.keys(EXPECTED), 'NASTY']) {
        expect((await other.run(bob, ['get', name])).stdout, name).toBe((await repo.run(alice, ['get', name])).stdout)
      }
    } finally {
      other.cleanup()
    }
  })

  it('refuses a value dotenv cannot carry exactly, naming it and not its value', async () => {
    await repo.run(alice, ['add', 'IMPOSSIBLE'], {input: `zebra ' " \` zebra\r\nand a CR\n`})
    const result = await repo.run(alice, ['export', '--format', 'dotenv'])
    expect(result.code).toBe(ExitCode.USAGE)
    expect(result.stderr).toContain('IMPOSSIBLE')
    expect(result.stderr).not.toContain('zebra')
    expect(result.stdout).toBe('')
  })

  it('round-trips GitLab variables, multi-line file values included', async () => {
    await repo.run(alice, ['import', write('variables.json', GITLAB), '--format', 'gitlab'])
    const exported = await repo.run(alice, ['export', '--format', 'gitlab'])
    expect(exported.code).toBe(0)
    const variables = JSON.parse(exported.stdout) as Array<Record<string, unknown>>
    const original = JSON.parse(GITLAB) as Array<Record<string, unknown>>
    const pick = (v: Record<string, unknown>) => [v.key, v.value, v.variable_type, v.environment_scope, v.protected, v.description]
    expect(variables.map(pick).sort()).toEqual(original.map(pick).sort())
  })

  it('exports what a run in an environment would get', async () => {
    await repo.run(alice, ['add', 'URL'], {input: 'any-env-url'})
    await repo.run(alice, ['add', 'URL', '--environment', 'production'], {input: 'production-url'})
    await repo.run(alice, ['add', 'ONLY_STAGING', '--environment', 'staging'], {input: 'staging-only'})
    const json = JSON.parse((await repo.run(alice, ['export', '--format', 'json', '--environment', 'production'])).stdout) as Array<{name: string; value: string}>
    expect(json.map((s) => [s.name, s.value])).toEqual([['URL', 'production-url']])
    const ambiguous = await repo.run(alice, ['export', '--format', 'dotenv'])
    expect(ambiguous.code).toBe(ExitCode.USAGE)
    expect(ambiguous.stdout).toBe('')
  })

  it('refuses to print to a terminal without --reveal', async () => {
    await repo.run(alice, ['add', 'T'], {input: 'terminal-export-value'})
    const refused = await repo.runInTerminal(alice, ['export', '--format', 'dotenv'])
    expect(refused.code).toBe(ExitCode.USAGE)
    expect(refused.stdout).not.toContain('terminal-export-value')
  })
})
