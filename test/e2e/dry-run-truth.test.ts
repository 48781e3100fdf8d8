// `run --dry-run` exits as the real run would. Each broken setup below is run twice, as a dry run
// and for real, and both must stop with the same code and the same error line; the dry run still
// prints the plan it could build first, so a lint step shows what the job asks for.
import {copyFileSync, mkdirSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import Database from 'better-sqlite3'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {loadSodium} from '../../src/crypto/index.js'
import {ExitCode} from '../../src/errors.js'
import {historyOfFile} from '../helpers/forge.js'
import {Team} from '../helpers/team.js'

let team: Team

/** A job asking for `secrets` (name → entry YAML), with a script unless `script` is null. */
function job(secrets: Record<string, string>, extra = '', script: string | null = 'echo deploying'): string {
  const entries = Object.entries(secrets).map(([name, entry]) => `    ${name}: ${entry}`).join('\n')
  return `deploy:\n${script === null ? '' : `  script: [${script}]\n`}${extra}  secrets:\n${entries}\n`
}

const DB = '{gitlab_secrets_manager: {name: DB_PASSWORD}}'

interface Case {
  name: string
  ci: string
  code: number
  /** Who runs it (default alice). */
  person?: string
  /** Extra arguments before --dry-run (default: --job deploy). */
  args?: string[]
  /** The command after `--` (default `true`); null: the job's own script. */
  command?: string[] | null
  /** Whether a plan can be shown before the error. */
  plan: boolean
  env?: Record<string, string>
}

const CASES: Case[] = [
  {name: 'an extends: cycle', ci: `.a: {extends: .b}\n.b: {extends: .a}\n${job({DB_PASSWORD: DB}, '  extends: .a\n')}`, code: ExitCode.USAGE, plan: true},
  {name: 'a secrets: entry with no provider', ci: job({DB_PASSWORD: '{file: false}', API: '{gitlab_secrets_manager: {name: API}}'}), code: ExitCode.USAGE, plan: true},
  {name: 'an unknown job', ci: job({DB_PASSWORD: DB}), args: ['--job', 'nope'], code: ExitCode.NOT_FOUND, plan: false},
  {name: 'a secret missing from the vault', ci: job({DB_PASSWORD: DB, NOT_THERE: '{gitlab_secrets_manager: {name: NOT_THERE}}'}), code: ExitCode.NOT_FOUND, plan: true},
  {name: 'a variable name that changes how programs start', ci: job({BASH_ENV: '{gitlab_secrets_manager: {name: DB_PASSWORD}}'}), code: ExitCode.USAGE, plan: true},
  {name: 'a job with no script and no command', ci: job({DB_PASSWORD: DB}, '', null), command: null, code: ExitCode.USAGE, plan: true},
  {name: 'a NUL byte in a value injected as a variable', ci: job({BINARY: '{gitlab_secrets_manager: {name: BINARY}, file: false}'}), code: ExitCode.USAGE, plan: true},
  {name: 'a member who may not read the secret', ci: job({DB_PASSWORD: DB}), person: 'carol', code: ExitCode.PERMISSION_DENIED, plan: true},
  {name: 'no identity', ci: job({DB_PASSWORD: DB}), person: 'dave', code: ExitCode.NO_IDENTITY, plan: true},
  {name: 'a vault missing an operation this computer has seen', ci: job({DB_PASSWORD: DB}), args: ['--job', 'deploy', '--vault', 'tampered/vault.db'], code: ExitCode.INTEGRITY, plan: false},
  {name: 'a CI error and no vault: the CI error comes first', ci: `.a: {extends: .a}\n${job({DB_PASSWORD: DB}, '  extends: .a\n')}`, args: ['--job', 'deploy', '--vault', 'nowhere/vault.db'], code: ExitCode.USAGE, plan: false},
]

beforeAll(async () => {
  team = await Team.create()
  await team.ok('alice', ['add', 'DB_PASSWORD'], {input: 'db-password-value-1'})
  await team.ok('alice', ['add', 'BINARY'], {input: 'before\0after-value'})
  await team.permit('carol', 'reporter', 'create')
  team.person('dave')
  mkdirSync(join(team.repo.dir, 'ci'))
  // A copy of the vault that lost its newest operation, which alice's computer has seen.
  await loadSodium()
  mkdirSync(join(team.repo.dir, 'tampered'))
  copyFileSync(team.repo.vaultPath, join(team.repo.dir, 'tampered', 'vault.db'))
  const head = historyOfFile(team.repo.vaultPath).heads[0]!
  expect((await team.run('alice', ['list', '--vault', 'tampered/vault.db'])).code).toBe(0)
  const db = new Database(join(team.repo.dir, 'tampered', 'vault.db'))
  db.prepare('DELETE FROM ops WHERE id = ?').run(head)
  db.close()
  for (const [index, c] of CASES.entries()) writeFileSync(join(team.repo.dir, 'ci', `case-${index}.yml`), c.ci)
}, 120_000)

afterAll(() => team?.cleanup())

const errorLine = (stderr: string): string | undefined => stderr.split('\n').find((line) => line.startsWith('error:'))

describe('run --dry-run exits as the run would', () => {
  for (const [index, c] of CASES.entries()) {
    it(c.name, async () => {
      const args = ['run', '--ci-file', `ci/case-${index}.yml`, ...(c.args ?? ['--job', 'deploy'])]
      const command = c.command === null ? [] : ['--', ...(c.command ?? ['true'])]
      const [dry, real] = await Promise.all([
        team.run(c.person ?? 'alice', [...args, '--dry-run', ...command], {env: c.env}),
        team.run(c.person ?? 'alice', [...args, ...command], {env: c.env}),
      ])
      expect(real.code, real.stderr).toBe(c.code)
      expect(dry.code, dry.stderr).toBe(real.code)
      // The same error, word for word: the dry run runs the run's own checks.
      expect(errorLine(dry.stderr)).toBeDefined()
      expect(errorLine(dry.stderr)).toBe(errorLine(real.stderr))
      if (c.plan) expect(dry.stdout).toMatch(/^job \S+, environment /m)
      // Nothing ran: the job's script would print this.
      expect(real.stdout + dry.stdout).not.toContain('deploying')
      expect(dry.stdout + dry.stderr).not.toContain('db-password-value-1')
    })
  }

  it('with --json prints one document: the plan and the error the run stops at', async () => {
    const index = CASES.findIndex((c) => c.name === 'an extends: cycle')
    const dry = await team.run('alice', ['run', '--ci-file', `ci/case-${index}.yml`, '--job', 'deploy', '--dry-run', '--json'])
    expect(dry.code).toBe(ExitCode.USAGE)
    const out = JSON.parse(dry.stdout) as {job: string; secrets: Array<{variable: string; resolved: boolean}>; error: {code: string; exit: number; message: string}}
    expect(out.job).toBe('deploy')
    expect(out.secrets).toEqual([expect.objectContaining({variable: 'DB_PASSWORD', resolved: true})])
    expect(out.error).toMatchObject({code: 'usage', exit: ExitCode.USAGE})
    expect(out.error.message).toMatch(/circular dependency detected in `extends`/)
  })

  it('passes when the run would start the child', async () => {
    writeFileSync(join(team.repo.dir, 'ci', 'good.yml'), job({DB_PASSWORD: DB}))
    const [dry, real] = await Promise.all([
      team.run('alice', ['run', '--ci-file', 'ci/good.yml', '--job', 'deploy', '--dry-run']),
      team.run('alice', ['run', '--ci-file', 'ci/good.yml', '--job', 'deploy', '--', 'true']),
    ])
    expect([dry.code, real.code]).toEqual([0, 0])
    expect(dry.stdout).toMatch(/^DB_PASSWORD\s+gitlab_secrets_manager\s+DB_PASSWORD\s+DB_PASSWORD\s+\* \/ \*\s+file\s+ok$/m)
  })
})
