// `secrets run` as a user runs it: real CI files, real child processes, real signals.
import {spawn} from 'node:child_process'
import {existsSync, readFileSync, readdirSync, statSync, writeFileSync} from 'node:fs'
import {dirname, join} from 'node:path'

import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {ExitCode} from '../../src/errors.js'
import {BIN, type Person, TempRepo, enabledRepo} from '../helpers/cli.js'

let repo: TempRepo
let alice: Person

beforeEach(async () => {
  ;({repo, alice} = await enabledRepo())
})

afterEach(() => repo.cleanup())

async function add(name: string, value: string, ...flags: string[]): Promise<void> {
  const result = await repo.run(alice, ['add', name, ...flags], {input: value})
  expect(result.stderr).toContain('added')
}

function ciFile(text: string): void {
  writeFileSync(join(repo.dir, '.gitlab-ci.yml'), text)
}

const DEPLOY = `
variables:
  VAULT_MOUNT: ops
deploy:
  environment: production
  script:
    - echo deploying
  secrets:
    DB_PASSWORD:
      vault: production/db/password@$VAULT_MOUNT
    API_TOKEN:
      gitlab_secrets_manager:
        name: API_TOKEN
      file: false
`

describe('secrets run', () => {
  it('injects a file-type secret as a 0600 file in a 0700 directory, removed after the child', async () => {
    ciFile(DEPLOY)
    await add('DB_PASSWORD', 'db-password-value-1', '--ref', 'vault:production/db/password@ops')
    await add('API_TOKEN', 'api-token-value-22', '--environment', 'production')
    const script = 'printf "%s\\n" "$DB_PASSWORD"; stat -c %a "$DB_PASSWORD" "$(dirname "$DB_PASSWORD")"; cat "$DB_PASSWORD"; echo; echo "token=$API_TOKEN"'
    const result = await repo.run(alice, ['run', '--job', 'deploy', '--', 'sh', '-c', script])
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    const [path, fileMode, dirMode, content, token] = result.stdout.trim().split('\n')
    expect(path).toMatch(/\/secrets\/run-\d+-[^/]+\/DB_PASSWORD$/)
    expect([fileMode, dirMode]).toEqual(['600', '700'])
    expect(content).toBe('[MASKED]')
    expect(token).toBe('token=[MASKED]')
    expect(existsSync(path!)).toBe(false)
    expect(existsSync(dirname(path!))).toBe(false)
  })

  it('shows values with --no-mask', async () => {
    ciFile(DEPLOY)
    await add('DB_PASSWORD', 'db-password-value-1')
    await add('API_TOKEN', 'api-token-value-22')
    const result = await repo.run(alice, ['run', '--job', 'deploy', '--no-mask', '--', 'sh', '-c', 'echo "$API_TOKEN"'])
    expect(result.stdout).toBe('api-token-value-22\n')
  })

  it('masks each line of a multi-line value and values split across writes', async () => {
    ciFile(`job:\n  script: [echo]\n  secrets:\n    CERT:\n      gitlab_secrets_manager: {name: CERT}\n      file: false\n`)
    await add('CERT', '-----BEGIN-----\nline-one-of-the-cert\nline-two-of-the-cert\n-----END-----\n')
    const script = 'printf "%s" "$CERT" | tail -n 2; printf "line-two"; sleep 0.2; printf "%s\\n" "-of-the-cert"'
    const result = await repo.run(alice, ['run', '--', 'sh', '-c', script])
    expect(result.stdout).toBe('[MASKED]\n[MASKED]\n[MASKED]\n')
  })

  it('does not wait for a process the command left running in the background', async () => {
    await add('MASKED_VAR', 'masked-var-value-1', '--variable')
    // Were the run to wait for the pipes, the helper's 20 s limit would kill it (code -1).
    const result = await repo.run(alice, ['run', '--', 'sh', '-c', 'sleep 60 & echo "left $MASKED_VAR"'])
    expect(result).toMatchObject({code: 0, stdout: 'left [MASKED]\n'})
  })

  it('passes the exit code through', async () => {
    const result = await repo.run(alice, ['run', '--', 'sh', '-c', 'exit 7'])
    expect(result.code).toBe(7)
    expect(result.stderr).toBe('')
  })

  it('inherits stdin', async () => {
    const result = await repo.run(alice, ['run', '--', 'cat'], {input: 'from stdin\n'})
    expect(result.stdout).toBe('from stdin\n')
  })

  it('says a missing command with exit 127', async () => {
    const result = await repo.run(alice, ['run', '--', 'no-such-command-xyz'])
    expect(result.code).toBe(ExitCode.COMMAND_NOT_FOUND)
    expect(result.stderr).toBe('error: command not found: no-such-command-xyz\n')
  })

  it('stops before spawning anything when a secret does not resolve', async () => {
    ciFile(DEPLOY)
    await add('API_TOKEN', 'api-token-value-22', '--environment', 'staging')
    const marker = join(repo.root, 'spawned')
    const result = await repo.run(alice, ['run', '--job', 'deploy', '--', 'touch', marker])
    expect(result.code).toBe(ExitCode.NOT_FOUND)
    expect(result.stderr.split('\n')[0]).toBe(
      'error: resolving secrets: secret not found: DB_PASSWORD (vault production/db/password@ops, environment production, branch main)',
    )
    expect(existsSync(marker)).toBe(false)
  })

  it('resolves the environment and branch scopes, most specific first', async () => {
    ciFile(`job:\n  environment: review/$CI_COMMIT_REF_SLUG\n  script: [echo]\n  secrets:\n    URL:\n      gitlab_secrets_manager: {name: URL}\n      file: false\n`)
    await add('URL', 'url-for-any-env', '--environment', '*')
    await add('URL', 'url-for-reviews', '--environment', 'review/*')
    await add('URL', 'url-for-feature', '--environment', 'review/feature-x', '--branch', 'feature/*')
    const env = async (args: string[]) => (await repo.run(alice, ['run', '--no-mask', ...args, '--', 'sh', '-c', 'printf %s "$URL"'])).stdout
    expect(await env([])).toBe('url-for-reviews')
    // review/$CI_COMMIT_REF_SLUG: the branch picks the environment too.
    expect(await env(['--branch', 'feature/x'])).toBe('url-for-feature')
    expect(await env(['--branch', 'fix/y'])).toBe('url-for-reviews')
    expect(await env(['--environment', 'review/feature-x', '--branch', 'feature/x'])).toBe('url-for-feature')
    expect(await env(['--environment', 'production'])).toBe('url-for-any-env')
  })

  it('injects --variable secrets into every matching run, --protected ones only on protected branches', async () => {
    await add('REGISTRY_TOKEN', 'registry-token-1', '--variable')
    await add('KUBECONFIG', 'kube: config-file', '--variable', '--file')
    await add('PROD_ONLY', 'prod-only-value-1', '--variable', '--protected')
    const show = 'printf "%s|" "$REGISTRY_TOKEN" "$PROD_ONLY"; cat "$KUBECONFIG"'
    expect((await repo.run(alice, ['run', '--no-mask', '--', 'sh', '-c', show])).stdout).toBe('registry-token-1|prod-only-value-1|kube: config-file')
    expect((await repo.run(alice, ['run', '--no-mask', '--branch', 'feature/x', '--', 'sh', '-c', show])).stdout).toBe('registry-token-1||kube: config-file')
  })

  it("runs the job's before_script and script, stopping at the first failure, then after_script", async () => {
    ciFile(`default:\n  before_script: [echo before]\njob:\n  variables:\n    GREETING: hello $CI_JOB_NAME\n  script:\n    - echo "$GREETING"\n    - pwd\n    - exit 3\n    - echo never\n  after_script:\n    - echo after\n`)
    const result = await repo.run(alice, ['run', '--job', 'job'], {cwd: join(repo.dir)})
    expect(result.code).toBe(3)
    expect(result.stdout).toBe(
      `$ echo before\nbefore\n$ echo "$GREETING"\nhello job\n$ pwd\n${repo.dir}\n$ exit 3\n$ echo after\nafter\n`,
    )
    expect(result.stderr).toBe('')
  })

  it('refuses several jobs with secrets without --job, listing them', async () => {
    ciFile(`a:\n  script: [x]\n  secrets:\n    A: {vault: a/b/c}\nb:\n  script: [x]\n  secrets:\n    B: {vault: a/b/c}\n`)
    const result = await repo.run(alice, ['run', '--', 'true'])
    expect(result.code).toBe(ExitCode.USAGE)
    expect(result.stderr).toBe('error: several jobs in .gitlab-ci.yml have secrets; pick one with --job\nhint: jobs with secrets: a, b\n')
  })

  it('names the missing extends base', async () => {
    ciFile(`include:\n  - remote: https://example.com/ci.yml\ndeploy:\n  extends: .from-remote\n  script: [x]\n`)
    const result = await repo.run(alice, ['run', '--job', 'deploy', '--', 'true'])
    expect(result.code).toBe(ExitCode.USAGE)
    expect(result.stderr.split('\n')[0]).toMatch(/^error: \.gitlab-ci\.yml: .*deploy.*\.from-remote/)
  })
})

describe('secrets run --dry-run', () => {
  it('prints the plan as JSON and never a value, with the not-found code when something is missing', async () => {
    ciFile(DEPLOY)
    await add('API_TOKEN', 'api-token-value-22')
    const result = await repo.run(alice, ['run', '--job', 'deploy', '--dry-run', '--json'])
    expect(result.code).toBe(ExitCode.NOT_FOUND)
    expect(result.stdout).not.toContain('api-token-value-22')
    expect(JSON.parse(result.stdout)).toEqual({
      job: 'deploy',
      environment: 'production',
      branch: 'main',
      secrets: [
        {variable: 'DB_PASSWORD', provider: 'vault', reference: 'production/db/password@ops', secret: null, scope: null, file: true, resolved: false},
        {variable: 'API_TOKEN', provider: 'gitlab_secrets_manager', reference: 'API_TOKEN', secret: 'API_TOKEN', scope: {environment: '*', branch: '*'}, file: false, resolved: true},
      ],
      variables: [],
      // The error the real run stops at, in the same document.
      error: {code: 'not_found', exit: ExitCode.NOT_FOUND, message: expect.stringMatching(/^resolving secrets: secret not found: DB_PASSWORD /), hint: expect.any(String)},
    })
  })

  it('prints a table for people', async () => {
    ciFile(DEPLOY)
    await add('DB_PASSWORD', 'db-password-value-1')
    await add('API_TOKEN', 'api-token-value-22')
    const result = await repo.run(alice, ['run', '--job', 'deploy', '--dry-run'])
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/^DB_PASSWORD\s+vault\s+production\/db\/password@ops\s+DB_PASSWORD\s+\* \/ \*\s+file\s+ok$/m)
    expect(result.stdout).not.toContain('db-password-value-1')
  })
})

describe('signals and cleanup', () => {
  function startRun(args: string[]): {child: ReturnType<typeof spawn>; done: Promise<number>; stdout: () => string} {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: repo.dir,
      env: repo.envFor(alice),
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()))
    const done = new Promise<number>((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal === 'SIGKILL' ? -9 : -1))))
    return {child, done, stdout: () => out}
  }

  async function waitFor(file: string): Promise<string> {
    for (let i = 0; i < 200; i++) {
      if (existsSync(file) && readFileSync(file, 'utf8').endsWith('\n')) return readFileSync(file, 'utf8').trim()
      await new Promise((r) => setTimeout(r, 50))
    }

    throw new Error(`timed out waiting for ${file}`)
  }

  for (const [signal, number] of [['SIGTERM', 15], ['SIGINT', 2], ['SIGHUP', 1]] as const) {
    it(`forwards ${signal}, exits 128+${number} and removes the files`, async () => {
      await add('KEY_FILE', 'key-file-value-123', '--variable', '--file')
      const ready = join(repo.root, 'ready')
      // exec: the signal reaches sleep itself (a shell waiting for a child defers SIGINT to it).
      const run = startRun(['run', '--', 'sh', '-c', `echo "$KEY_FILE" > ${ready}; exec sleep 30`])
      const path = await waitFor(ready)
      expect(existsSync(path)).toBe(true)
      run.child.kill(signal)
      expect(await run.done).toBe(128 + number)
      expect(existsSync(path)).toBe(false)
    })
  }

  it('sweeps the files of a run killed with SIGKILL on the next run', async () => {
    await add('KEY_FILE', 'key-file-value-123', '--variable', '--file')
    const ready = join(repo.root, 'ready')
    const run = startRun(['run', '--', 'sh', '-c', `echo "$KEY_FILE" > ${ready}; exec sleep 30`])
    const path = await waitFor(ready)
    run.child.kill('SIGKILL')
    await run.done
    expect(existsSync(path)).toBe(true)
    // The orphaned child (sleep) still runs, but the directory belongs to the dead `secrets run`.
    const next = await repo.run(alice, ['run', '--', 'true'])
    expect(next.code).toBe(0)
    expect(existsSync(dirname(path))).toBe(false)
    expect(readdirSync(dirname(dirname(path)))).toEqual([])
    expect(statSync(dirname(dirname(path))).mode & 0o777).toBe(0o700)
  })
})
