// `secrets run` starts without oclif in its common shapes (src/cli/fast-run-args.ts). Whatever
// the path, a user sees the same thing: the same output, errors, --json documents and exit codes.
// `run ./script` (an argument before any `--`) still goes through oclif, so each case runs both.
import {chmodSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {type Person, TempRepo, enabledRepo} from '../helpers/cli.js'

let repo: TempRepo
let alice: Person
let probe: string

beforeEach(async () => {
  ;({repo, alice} = await enabledRepo())
  expect((await repo.run(alice, ['add', 'API_TOKEN', '--environment', 'production'], {input: 'token-value-0123456789'})).code).toBe(0)
  writeFileSync(join(repo.dir, '.gitlab-ci.yml'), 'deploy:\n  environment: production\n  script: [echo]\n  secrets:\n    API_TOKEN:\n      gitlab_secrets_manager: {name: API_TOKEN}\n      file: false\n')
  writeFileSync(join(repo.dir, 'show.sh'), '#!/bin/sh\nprintf "token=%s\\n" "$API_TOKEN"\nexit "${EXIT:-0}"\n')
  chmodSync(join(repo.dir, 'show.sh'), 0o755)
  // Tells on stderr, at exit, whether oclif was loaded into the process.
  probe = join(repo.root, 'probe.cjs')
  writeFileSync(probe, "process.on('exit', () => process.stderr.write(Object.keys(require.cache).some((k) => k.includes('@oclif/core')) ? 'probe: oclif\\n' : 'probe: no oclif\\n'))\n")
})

afterEach(() => repo.cleanup())

async function both(flags: string[], env: Record<string, string> = {}) {
  const withProbe = {...env, NODE_OPTIONS: `--require ${probe}`}
  const fast = await repo.run(alice, ['run', ...flags, '--', './show.sh'], {env: withProbe})
  const oclif = await repo.run(alice, ['run', ...flags, './show.sh'], {env: withProbe})
  expect(fast.stderr).toContain('probe: no oclif')
  expect(oclif.stderr).toContain('probe: oclif')
  const strip = (text: string) => text.replace(/probe: .*\n/, '')
  return {fast: {...fast, stderr: strip(fast.stderr)}, oclif: {...oclif, stderr: strip(oclif.stderr)}}
}

describe('run with and without oclif', () => {
  it('injects and masks the same, and passes the child’s exit status through', async () => {
    const {fast, oclif} = await both(['--job', 'deploy'], {EXIT: '7'})
    expect(fast.code).toBe(7)
    expect(fast.stdout).toBe('token=[MASKED]\n')
    expect(fast).toEqual(oclif)
  })

  it('refuses a missing job with the same line and exit code, in text and in JSON', async () => {
    for (const json of [[], ['--json']]) {
      const {fast, oclif} = await both(['--job', 'nope', ...json])
      expect(fast.code).toBe(3)
      expect(json.length ? JSON.parse(fast.stdout).error.message : fast.stderr).toContain('no job nope')
      expect(fast).toEqual(oclif)
    }
  })

  it('prints the same dry-run plan, text and JSON, and never a value', async () => {
    for (const json of [[], ['--json']]) {
      const {fast, oclif} = await both(['--job', 'deploy', '--dry-run', ...json])
      expect(fast.code).toBe(0)
      expect(fast.stdout).toContain('API_TOKEN')
      expect(fast.stdout).not.toContain('token-value')
      expect(fast).toEqual(oclif)
    }
  })

  it('keeps the identity out of the child on both paths', async () => {
    // The identity from the environment, as CI gives it; the file stays so both paths find one.
    const identity = readFileSync(join(alice.home, '.config', 'secrets', 'identity'), 'utf8').split('\n').find((l) => l.startsWith('SECRETS-IDENTITY-'))!
    // The child's environment, and the memory of the secrets process that started it.
    writeFileSync(join(repo.dir, 'show.sh'), '#!/bin/sh\nfor p in $$ $PPID; do tr "\\0" "\\n" < /proc/$p/environ | grep -v "^SECRETS_PROBE=" | grep -c "$SECRETS_PROBE"; done\n')
    const {fast, oclif} = await both(['--job', 'deploy'], {SECRETS_IDENTITY: identity, SECRETS_PROBE: identity.slice(-12)})
    expect(fast.stdout).toBe('0\n0\n')
    expect(fast).toEqual(oclif)
  })
})
