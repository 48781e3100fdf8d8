// Text from input reaches people's terminals without its control characters: an import file or
// a CI file is written by whoever pushed it, and ESC sequences in a key, a job name or a path
// would write the clipboard (OSC 52), erase the line a warning was on, or fake output; bidi
// overrides would show a name as another. Every byte the command writes is checked, on stdout
// and stderr, for ESC, every C0 control but tab and newline, DEL, C1 controls and bidi controls.
import {writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {ExitCode} from '../../src/errors.js'
import {type CliResult, type Person, TempRepo} from '../helpers/cli.js'

/** Clipboard write (OSC 52), erase line and return, a C1 CSI, a right-to-left override. */
const HOSTILE = '\u001b]52;c;cm0gLXJmIH4K\u0007\u001b[2K\r\u009b31m\u202egnp.exe'
// eslint-disable-next-line no-control-regex
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/

let repo: TempRepo
let alice: Person

// One vault for the whole file: every command here either fails or writes nothing that matters
// to the others (the CI file is rewritten by the test that needs it).
beforeAll(async () => {
  repo = new TempRepo()
  alice = repo.person('alice')
  await repo.run(alice, ['enable'])
  await repo.run(alice, ['add', 'DB_PASSWORD', '--environment', '*'], {input: 'db-password-1'})
})

afterAll(() => repo.cleanup())

function expectNoControl(result: CliResult): void {
  expect(result.stdout, 'stdout').not.toMatch(RAW_CONTROL)
  expect(result.stderr, 'stderr').not.toMatch(RAW_CONTROL)
}

function write(name: string, text: string): string {
  const path = join(repo.dir, name)
  writeFileSync(path, text)
  return path
}

describe('import --format gitlab', () => {
  it.each([
    ['a key', {key: `API${HOSTILE}`, value: 'value-1'}],
    ['an environment scope', {key: 'API', value: 'value-1', environment_scope: `prod${HOSTILE}`}],
    ['a description', {key: 'API', value: 'value-1', description: `deploys${HOSTILE}`}],
    ['a variable type', {key: 'API', value: 'value-1', variable_type: `env${HOSTILE}`}],
  ])('rejects %s with escape sequences without echoing them raw', async (_, variable) => {
    const file = write('variables.json', JSON.stringify([{variable_type: 'env_var', environment_scope: '*', ...variable}]))
    const result = await repo.run(alice, ['import', file, '--format', 'gitlab'])
    expect(result.code).toBe(ExitCode.USAGE)
    expectNoControl(result)
  })

  it('prints its dry-run plan and summary without control characters', async () => {
    const file = write('variables.json', JSON.stringify([{variable_type: 'env_var', key: 'API', value: `v${HOSTILE}`, environment_scope: 'review/*'}]))
    const result = await repo.run(alice, ['import', file, '--format', 'gitlab', '--dry-run'])
    expect(result.code).toBe(0)
    expectNoControl(result)
  })
})

describe('a CI file', () => {
  // YAML double-quoted escapes: the file itself holds no control character (the loader refuses
  // those), the text parsed from it does.
  const quoted = (text: string) =>
    JSON.stringify(text).replaceAll(/[\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
  const job = (name: string, environment = 'production', reference = 'production/db/password@ops') =>
    `${quoted(name)}:\n  environment: ${quoted(environment)}\n  script: [echo]\n  secrets:\n    DB_PASSWORD:\n      vault: ${quoted(reference)}\n`

  it('with escape sequences in a job name, an environment and a vault reference reaches no terminal raw, in a dry run or a real one', async () => {
    write('.gitlab-ci.yml', job(`deploy${HOSTILE}`, `prod${HOSTILE}`, `production/db${HOSTILE}/password@ops`))
    const dry = await repo.run(alice, ['run', '--dry-run'])
    expect(dry.stdout + dry.stderr).toMatch(/\\u001b/) // it was shown, visibly escaped
    expectNoControl(dry)
    expectNoControl(await repo.run(alice, ['run', '--', 'true']))
  })
})

describe('file paths', () => {
  it('an import file name with escape sequences is not echoed raw', async () => {
    const result = await repo.run(alice, ['import', join(repo.dir, `missing${HOSTILE}.json`), '--format', 'gitlab'])
    expect(result.code).toBe(ExitCode.NOT_FOUND)
    expectNoControl(result)
  })

  it('a --ci-file path with escape sequences is not echoed raw', async () => {
    const result = await repo.run(alice, ['run', '--dry-run', '--ci-file', `ci${HOSTILE}.yml`])
    expectNoControl(result)
  })
})
