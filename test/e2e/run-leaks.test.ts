// What `secrets run` hands its child, and what every command prints: the identity never reaches
// the child (not in its environment, not in /proc/<run>/environ, masked if printed), and no
// secret value appears in any output outside get/export, on success and failure paths alike,
// nor in the argv of any process the tool starts.
import {chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {type Person, TempRepo, enabledRepo} from '../helpers/cli.js'

let repo: TempRepo
let alice: Person

beforeEach(async () => {
  ;({repo, alice} = await enabledRepo())
})

afterEach(() => repo.cleanup())

function identityText(person: Person): string {
  return readFileSync(join(person.home, '.config', 'secrets', 'identity'), 'utf8').split('\n').find((l) => l.startsWith('SECRETS-IDENTITY-'))!
}

describe('the identity', () => {
  it('is neither in the environment of the child nor in /proc/<run>/environ, where the child can look', async () => {
    const identity = identityText(alice)
    const identityFile = join(alice.home, '.config', 'secrets', 'identity')
    // The child reads its parent's environment as any process of the same user could.
    const script = [
      'echo "parent: $(tr "\\0" " " < /proc/$PPID/cmdline)"',
      'tr "\\0" "\\n" < /proc/$PPID/environ | sed "s/^/parent-env: /"',
      'env | sed "s/^/own-env: /"',
    ].join('; ')
    const env = {SECRETS_IDENTITY: identity, SECRETS_IDENTITY_FILE: identityFile, LEAK_CANARY: 'canary-visible'}
    const result = await repo.run(alice, ['run', '--no-mask', '--', 'sh', '-c', script], {env})
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    const lines = result.stdout.split('\n')
    // The parent is the run itself, and its environment can be read: the test would see a leak.
    expect(lines[0]).toMatch(/^parent: \S*node\S* \S*bin\/run\.js run --no-mask -- sh -c /)
    expect(lines).toContain('parent-env: LEAK_CANARY=canary-visible')
    expect(lines).toContain('own-env: LEAK_CANARY=canary-visible')
    // The secret part of the key text (what follows the fixed prefix) appears nowhere.
    expect(result.stdout).not.toContain(identity.slice('SECRETS-IDENTITY-1'.length, 40))
    expect(lines.filter((l) => l.startsWith('own-env: SECRETS_IDENTITY'))).toEqual([])
    expect(lines.filter((l) => l.startsWith('parent-env: SECRETS_IDENTITY='))).toEqual([`parent-env: SECRETS_IDENTITY=${'x'.repeat(identity.length)}`])
  })

  it("is masked when a job's script prints it, a shell sitting between run and the command", async () => {
    const identity = identityText(alice)
    writeFileSync(join(repo.dir, '.gitlab-ci.yml'), `job:\n  script:\n    - cat "$HOME/.config/secrets/identity"\n    - tr "\\\\0" "\\\\n" < /proc/$PPID/environ | grep -c "^SECRETS_IDENTITY=x*$"\n`)
    const result = await repo.run(alice, ['run', '--job', 'job'], {env: {SECRETS_IDENTITY: identity}})
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('[MASKED]')
    expect(result.stdout).not.toContain(identity.slice('SECRETS-IDENTITY-1'.length, 40))
    // $PPID of the job's shell is the run: its environ holds the name, its value erased.
    expect(result.stdout.trim().split('\n').at(-1)).toBe('1')
  })
})

describe('values in output and argv', () => {
  it('never appear in the output of any command (--json or not, failing or not) but get and export, nor in git argv', async () => {
    // A git that records its argv, first on PATH for every command.
    const bin = join(repo.root, 'bin')
    const argvLog = join(repo.root, 'git-argv.log')
    mkdirSync(bin)
    writeFileSync(join(bin, 'git'), `#!/bin/sh\nprintf '%s\\n' "$*" >> '${argvLog}'\nexec ${realGit()} "$@"\n`)
    chmodSync(join(bin, 'git'), 0o755)
    const env = {PATH: `${bin}:${process.env.PATH}`}
    const canary = (tag: string) => `leakcanary${tag}Q7w9-value`
    const outputs: string[] = []
    const run = async (args: string[], input = '') => {
      const result = await repo.run(alice, args, {input, env})
      outputs.push(`$ ${args.join(' ')} (exit ${result.code})\n${result.stdout}${result.stderr}`)
      return result
    }

    writeFileSync(join(repo.dir, '.gitlab-ci.yml'), 'deploy:\n  script: [exit 3]\n  secrets:\n    PLAIN:\n      gitlab_secrets_manager:\n        name: PLAIN\n    MISSING:\n      gitlab_secrets_manager:\n        name: MISSING\n')
    writeFileSync(join(repo.root, 'in.env'), `IMPORTED=${canary('C')}\n`)
    writeFileSync(join(repo.root, 'bad.env'), `GOOD=${canary('D')}\n1 BAD=${canary('E')}\n`)
    writeFileSync(join(repo.root, 'bad.json'), JSON.stringify([{key: 'LD_PRELOAD', value: canary('F'), variable_type: 'env_var', environment_scope: '*', protected: false, masked: true}]))

    expect((await run(['add', 'PLAIN', '--json'], canary('A'))).code).toBe(0)
    expect((await run(['add', 'VAR', '--variable', '--json'], canary('B'))).code).toBe(0)
    expect((await run(['add', 'NUL_VAR', '--variable', '--json'], `${canary('N')}\0tail`)).code).toBe(0)
    expect((await run(['import', join(repo.root, 'in.env'), '--format', 'dotenv', '--json'])).code).toBe(0)
    // Failure paths: a conflict, a bad name, a value too large, a refused variable name, a
    // missing secret, bad import files, a job missing a secret, a value no environment can hold.
    expect((await run(['add', 'PLAIN', '--json'], canary('G'))).code).not.toBe(0)
    expect((await run(['add', 'bad-name'], canary('H'))).code).not.toBe(0)
    expect((await run(['add', 'BIG', '--json'], canary('I').repeat(1000))).code).not.toBe(0)
    expect((await run(['add', 'LD_PRELOAD', '--variable'], canary('J'))).code).not.toBe(0)
    expect((await run(['rotate', 'MISSING', '--json'], canary('K'))).code).not.toBe(0)
    expect((await run(['import', join(repo.root, 'bad.env'), '--format', 'dotenv', '--json'])).code).not.toBe(0)
    expect((await run(['import', join(repo.root, 'bad.json'), '--format', 'gitlab'])).code).not.toBe(0)
    expect((await run(['run', '--job', 'deploy', '--json'])).code).not.toBe(0)
    expect((await run(['run', '--job', 'deploy', '--dry-run', '--json'])).code).not.toBe(0)

    expect((await run(['rotate', 'PLAIN', '--json'], canary('L'))).code).toBe(0)
    for (const args of [['list'], ['log']]) await run([...args, '--json'])
    // Without the CI file, a run gets the --variable secrets only: NUL_VAR cannot be one.
    rmSync(join(repo.dir, '.gitlab-ci.yml'))
    expect((await run(['run', '--', 'true'])).code).toBe(2)
    expect((await run(['remove', 'NUL_VAR', '--json'])).code).toBe(0)
    expect((await run(['run', '--json', '--', 'sh', '-c', 'exit 4'])).code).toBe(4)

    const all = `${outputs.join('\n')}\n${readFileSync(argvLog, 'utf8')}`
    // The probe works: git was started, and its argv recorded.
    expect(readFileSync(argvLog, 'utf8')).toContain('rev-parse')
    if (process.env.DUMP_LEAKS) writeFileSync("/tmp/leaks-dump.txt", all)
    const leaked = ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J', 'K', 'L', 'N'].filter((tag) => all.includes(canary(tag)))
    expect(leaked, all).toEqual([])
  }, 120_000)
})

function realGit(): string {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    try {
      readFileSync(join(dir, 'git'), {flag: 'r'})
      return join(dir, 'git')
    } catch {
      // not here
    }
  }

  return '/usr/bin/git'
}
