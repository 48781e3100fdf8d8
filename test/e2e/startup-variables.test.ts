// Names that change how a program starts (BASH_ENV, LD_PRELOAD, …) and names that are no
// variable names at all (`../../repo/X`) never reach a run: refused when a --variable secret is
// added or imported, and at run time, whoever wrote them (a job's `secrets:`, a forged operation).
import {existsSync, readFileSync, readdirSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {afterEach, beforeAll, beforeEach, describe, expect, it} from 'vitest'

import {Identity, loadSodium} from '../../src/crypto/index.js'
import {ExitCode} from '../../src/errors.js'
import {type Person, TempRepo} from '../helpers/cli.js'
import {Forger} from '../helpers/forge.js'

let repo: TempRepo
let alice: Person

beforeAll(async () => {
  await loadSodium()
})

beforeEach(async () => {
  repo = new TempRepo()
  alice = repo.person('alice', {XDG_RUNTIME_DIR: join(repo.root, 'runtime')})
  expect((await repo.run(alice, ['enable'])).code).toBe(0)
})

afterEach(() => repo.cleanup())

function identityOf(person: Person): Identity {
  const text = readFileSync(join(person.home, '.config', 'secrets', 'identity'), 'utf8').split('\n').find((l) => l.startsWith('SECRETS-IDENTITY-'))!
  return Identity.parse(text)
}

describe('adding and importing --variable secrets', () => {
  it('refuses a name that changes how programs start, naming it and why, and leaves the vault unchanged', async () => {
    const before = repo.vaultBytes()
    for (const [name, flags] of [['BASH_ENV', ['--variable', '--file']], ['LD_PRELOAD', ['--variable']]] as const) {
      const result = await repo.run(alice, ['add', name, ...flags], {input: 'echo pwned'})
      expect(result.code, name).toBe(ExitCode.USAGE)
      expect(result.stderr.split('\n')[0], name).toMatch(new RegExp(`^error: refusing --variable secret: ${name} changes how programs start: .+`))
    }

    const badName = await repo.run(alice, ['add', '1ABC', '--variable'], {input: 'value-1234'})
    expect(badName.code).toBe(ExitCode.USAGE)
    expect(badName.stderr.split('\n')[0]).toBe('error: refusing --variable secret: "1ABC" is not a valid variable name (a letter or _ first, then letters, digits and _, as GitLab requires)')
    expect(repo.vaultBytes().equals(before)).toBe(true)
  }, 60_000)

  it('refuses a GitLab variables file that would create one, by entry, importing nothing', async () => {
    const before = repo.vaultBytes()
    const file = join(repo.root, 'variables.json')
    writeFileSync(file, JSON.stringify([
      {key: 'API_TOKEN', value: 'api-token-12345', variable_type: 'env_var', environment_scope: '*', protected: false, masked: true, description: null},
      {key: 'BASH_ENV', value: 'echo pwned', variable_type: 'file', environment_scope: '*', protected: false, masked: false, description: null},
    ]))
    const result = await repo.run(alice, ['import', file, '--format', 'gitlab'])
    expect(result.code).toBe(ExitCode.USAGE)
    expect(result.stderr.split('\n')[0]).toMatch(/^error: entry 2 \(BASH_ENV\): refusing --variable secret: BASH_ENV changes how programs start: bash sources/)
    expect(repo.vaultBytes().equals(before)).toBe(true)
  })
})

describe('at run time', () => {
  it('refuses to inject a --variable secret a forged operation stored under such a name, and runs nothing', async () => {
    // Alice is the owner: a forged op in her name passes the history's rules, only the name is wrong.
    const forger = Forger.open(repo.vaultPath, identityOf(alice))
    forger.writeValue({name: 'BASH_ENV', environment: '*', branch: '*'}, 'echo pwned > pwned', {variable: true, to: ['user:alice@example.com']})
    const marker = join(repo.root, 'ran')
    for (const dry of [[], ['--dry-run']]) {
      const result = await repo.run(alice, ['run', ...dry, '--', 'sh', '-c', `touch ${marker}`])
      expect(result.code, dry.join()).toBe(ExitCode.USAGE)
      expect(result.stderr, dry.join()).toContain('error: refusing to inject a --variable secret (environment *, branch *): BASH_ENV changes how programs start: bash sources the file it names before any non-interactive script\n')
      expect(existsSync(marker)).toBe(false)
    }
  }, 60_000)

  it("refuses a job whose secrets: key is no variable name (../../repo/X) or a startup one (BASH_ENV), writing nothing anywhere, dry run included", async () => {
    const entry = (key: string) => `    ${JSON.stringify(key)}:\n      gitlab_secrets_manager:\n        name: TOKEN\n`
    writeFileSync(join(repo.dir, '.gitlab-ci.yml'), `dots:\n  script: [touch ran]\n  secrets:\n${entry('../../repo/X')}bash:\n  script: [touch ran]\n  secrets:\n${entry('BASH_ENV')}`)
    expect((await repo.run(alice, ['add', 'TOKEN'], {input: 'token-value-123'})).code).toBe(0)
    const before = readdirSync(repo.dir).sort()
    for (const [job, dry, problem] of [
      ['dots', [], '"../../repo/X" is not a valid variable name'],
      ['dots', ['--dry-run'], '"../../repo/X" is not a valid variable name'],
      ['bash', [], 'BASH_ENV changes how programs start'],
    ] as const) {
      const result = await repo.run(alice, ['run', '--job', job, ...dry])
      expect(result.code, `${job} ${dry.join()}`).toBe(ExitCode.USAGE)
      expect(result.stderr, `${job} ${dry.join()}`).toContain(`error: refusing to inject a secrets: entry of job ${job}: ${problem}`)
      expect(result.stdout + result.stderr).not.toContain('token-value-123')
    }

    expect(readdirSync(repo.dir).sort()).toEqual(before)
    expect(existsSync(join(repo.root, 'X'))).toBe(false)
    const runtime = join(repo.root, 'runtime', 'secrets')
    expect(existsSync(runtime) ? readdirSync(runtime) : []).toEqual([])
  }, 60_000)
})
