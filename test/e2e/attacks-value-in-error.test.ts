// "No secret value ever appears in an error, a log line, argv or a stack trace" (DESIGN 8).
// A value holding a NUL byte (a binary token; or one written by any member who may write the
// secret) injected with `file: false` or as a --variable makes Node's spawn refuse the
// environment, and its error message — which quotes the offending value — is printed by `run`
// as its own error, on stderr, outside the masker: in the CI job log for everyone to read.
import {writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {Team} from '../helpers/team.js'

let team: Team

beforeEach(async () => {
  team = await Team.create()
  writeFileSync(join(team.repo.dir, '.gitlab-ci.yml'), `
deploy:
  environment: production
  script: [ "true" ]
  secrets:
    TOKEN:
      gitlab_secrets_manager: {name: TOKEN}
      file: false
`)
})

afterEach(() => team.cleanup())

describe('a value that Node refuses as an environment variable', () => {
  it('run never prints a value in its error (a NUL byte in a file: false secret)', async () => {
    await team.ok('alice', ['add', 'TOKEN'], {input: 'top-secret-part-1\u0000top-secret-part-2'})
    const result = await team.run('alice', ['run', '--job', 'deploy', '--', 'true'])
    expect(result.stderr).not.toContain('top-secret-part')
    expect(result.stdout).not.toContain('top-secret-part')
  })

  it('run never prints a value in its error (a NUL byte in a --variable secret)', async () => {
    await team.ok('alice', ['add', 'TOKEN'], {input: 'harmless'})
    await team.ok('alice', ['add', 'BINARY_VAR', '--variable'], {input: 'variable-secret-a\u0000variable-secret-b'})
    const result = await team.run('alice', ['run', '--job', 'deploy', '--', 'true'])
    expect(result.stderr).not.toContain('variable-secret')
  })
})
