// The run directory's life: removed after SIGINT, SIGTERM and SIGHUP to `run` (the child gets
// the signal), swept by the next run, a dry run included, after a SIGKILL; and a shared parent
// that someone else has taken does not stop a run (a fresh private directory, one warning).
import {spawn} from 'node:child_process'
import {chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync} from 'node:fs'
import {dirname, join} from 'node:path'

import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {BIN, type Person, TempRepo, enabledRepo} from '../helpers/cli.js'

let repo: TempRepo
let alice: Person

beforeEach(async () => {
  ;({repo, alice} = await enabledRepo())
  expect((await repo.run(alice, ['add', 'KEY_FILE', '--variable', '--file'], {input: 'key-file-value-123'})).code).toBe(0)
})

afterEach(() => repo.cleanup())

function startRun(args: string[], env: Record<string, string> = {}): {child: ReturnType<typeof spawn>; done: Promise<number>} {
  const child = spawn(process.execPath, [BIN, ...args], {cwd: repo.dir, env: repo.envFor(alice, env), stdio: 'ignore'})
  const done = new Promise<number>((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal === 'SIGKILL' ? -9 : -1))))
  return {child, done}
}

async function waitFor(file: string): Promise<string> {
  for (let i = 0; i < 300; i++) {
    if (existsSync(file) && readFileSync(file, 'utf8').endsWith('\n')) return readFileSync(file, 'utf8').trim()
    await new Promise((r) => setTimeout(r, 50))
  }

  throw new Error(`timed out waiting for ${file}`)
}

describe('signals', () => {
  it('forwards SIGTERM to a child that handles it, exits with its status, skips after_script and removes the files', async () => {
    const ready = join(repo.root, 'ready')
    const got = join(repo.root, 'got')
    // The job's own script: a shell between run and the work, trapping the signal.
    const script = `trap 'echo TERM > ${got}; exit 7' TERM; echo "$KEY_FILE" > ${ready}; sleep 30 & wait`
    const ci = `job:\n  script:\n    - ${JSON.stringify(script)}\n  after_script:\n    - touch ${join(repo.root, 'after')}\n`
    writeFileSync(join(repo.dir, '.gitlab-ci.yml'), ci)
    const run = startRun(['run', '--job', 'job'])
    const path = await waitFor(ready)
    expect(existsSync(path)).toBe(true)
    run.child.kill('SIGTERM')
    expect(await run.done).toBe(7)
    expect(readFileSync(got, 'utf8')).toBe('TERM\n')
    expect(existsSync(path)).toBe(false)
    expect(existsSync(join(repo.root, 'after'))).toBe(false)
  }, 60_000)

  it('survives the signals the job itself can send it, removes the files, and never opens an inspector', async () => {
    // The command is a direct child of run: $PPID is run. Each signal's default would end run
    // before it removes the files; SIGUSR1's would open Node's inspector (port 9229, no
    // authentication) from which the job could read the identity out of run's heap.
    for (const signal of ['USR1', 'QUIT', 'USR2', 'ALRM']) {
      const seen = join(repo.root, `seen-${signal}`)
      const result = await repo.run(alice, ['run', '--', 'sh', '-c', `echo "$KEY_FILE" > ${seen}; kill -${signal} $PPID; sleep 1; echo done`])
      const path = readFileSync(seen, 'utf8').trim()
      expect(existsSync(path), signal).toBe(false)
      expect(result.stderr, signal).not.toMatch(/Debugger listening|inspector/i)
      if (signal === 'USR1') {
        // Ignored: the command runs on and its status is run's.
        expect(result.code).toBe(0)
        expect(result.stdout).toBe('done\n')
      } else {
        // Forwarded to the child (sh), which dies of it: 128+N, as for SIGTERM.
        expect(result.code, signal).toBeGreaterThan(128)
      }
    }
  }, 60_000)

  it('sweeps the files of a run killed with SIGKILL at the next dry run, and only those', async () => {
    const ready = join(repo.root, 'ready')
    const run = startRun(['run', '--', 'sh', '-c', `echo "$KEY_FILE" > ${ready}; exec sleep 30`])
    const path = await waitFor(ready)
    // A live run's directory, which the sweep must leave alone.
    const live = startRun(['run', '--', 'sh', '-c', `echo "$KEY_FILE" > ${ready}-live; exec sleep 30`])
    const livePath = await waitFor(`${ready}-live`)
    run.child.kill('SIGKILL')
    await run.done
    expect(existsSync(path)).toBe(true)
    const dry = await repo.run(alice, ['run', '--dry-run', '--', 'true'])
    expect(dry.code).toBe(0)
    expect(existsSync(dirname(path))).toBe(false)
    expect(existsSync(livePath)).toBe(true)
    expect(readdirSync(dirname(dirname(path)))).toEqual([livePath.split('/').at(-2)])
    live.child.kill('SIGTERM')
    await live.done
    expect(existsSync(dirname(livePath))).toBe(false)
  }, 60_000)
})

describe('a taken shared directory (XDG_RUNTIME_DIR unset)', () => {
  it('falls back to a fresh private directory with one warning when <tmp>/secrets-<uid> is a symlink, or open to others (0777)', async () => {
    for (const taken of ['a symlink', 'open to others (0777)'] as const) {
      const tmp = join(repo.root, `tmp-${taken.length}`)
      mkdirSync(tmp)
      const shared = join(tmp, `secrets-${process.getuid!()}`)
      const target = join(repo.root, `elsewhere-${taken.length}`)
      mkdirSync(target)
      if (taken === 'a symlink') {
        symlinkSync(target, shared)
      } else {
        mkdirSync(shared)
        chmodSync(shared, 0o777)
      }

      const script = 'echo "$KEY_FILE"; stat -c %a "$KEY_FILE" "$(dirname "$KEY_FILE")"'
      const result = await repo.run(alice, ['run', '--', 'sh', '-c', script], {env: {XDG_RUNTIME_DIR: '', TMPDIR: tmp}})
      expect(result.code, taken).toBe(0)
      const [path, fileMode, dirMode] = result.stdout.trim().split('\n')
      expect(dirname(dirname(path!))).toBe(tmp)
      expect(path).toMatch(new RegExp(`/secrets-${process.getuid!()}-run-\\d+-\\d+-[^/]+/KEY_FILE$`))
      expect([fileMode, dirMode]).toEqual(['600', '700'])
      const problem = taken === 'a symlink' ? 'is a symbolic link' : 'is open to others (mode 0777)'
      expect(result.stderr).toBe(`warning: ${shared} ${problem}: secret files go to ${dirname(path!)} for this run\n`)
      expect(existsSync(dirname(path!))).toBe(false)
      expect(readdirSync(target)).toEqual([])
      expect(readdirSync(tmp)).toEqual([`secrets-${process.getuid!()}`])
    }
  }, 60_000)
})
