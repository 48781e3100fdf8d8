// Running the built CLI as a user would: bin/run.js in a temporary git repository with a
// temporary HOME, the identity in a file (SECRETS_KEYCHAIN=off) unless a test asks otherwise.
// Every process runs asynchronously: a blocked worker event loop (spawnSync) could keep
// vitest's own messages to the main process waiting past their timeout on a loaded machine.
import {execFileSync, spawn} from 'node:child_process'
import {setMaxListeners} from 'node:events'
import {mkdirSync, mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join, resolve} from 'node:path'

export const BIN = resolve(import.meta.dirname, '../../bin/run.js')

/** How long one process may take before the harness kills it (a test's own timeout is longer). */
export const PROCESS_TIMEOUT = 20_000

export interface CliResult {
  /** The exit code; -1 when the process was killed by a signal (the harness's timeout included). */
  code: number
  stdout: string
  stderr: string
}

export interface Person {
  home: string
  env: Record<string, string>
}

export interface ExecOptions {
  cwd?: string
  /** The whole environment (the parent's when not given). */
  env?: NodeJS.ProcessEnv
  /** Written to stdin, which is then closed (empty by default: nothing waits on a terminal). */
  input?: string | Buffer
  timeout?: number
  /** Aborting it kills the process group at once (a test that ended, or timed out, while it ran). */
  signal?: AbortSignal
  /** Writes to stdin while the process runs (instead of `input`); stdin is closed when it settles. */
  interact?: (io: Interaction) => Promise<void>
}

export interface Interaction {
  /** Resolves true once stdout matches `pattern`, false if the process ended first. */
  waitFor(pattern: RegExp): Promise<boolean>
  write(text: string): void
}

/**
 * Runs `command` to its end without blocking the event loop; resolves with what it wrote, as
 * utf8 (rejects only when it cannot be started at all: arguments too long, say). The child leads
 * a process group of its own, so a timeout kills whatever it started too (a shell's pipeline,
 * `secrets run`'s child), and says so at the end of stderr.
 */
export function exec(command: string, args: string[], options: ExecOptions = {}): Promise<CliResult> {
  const timeout = options.timeout ?? PROCESS_TIMEOUT
  return new Promise((resolvePromise) => {
    const child = spawn(command, args, {cwd: options.cwd, env: options.env, stdio: ['pipe', 'pipe', 'pipe'], detached: true})
    const stdout: Buffer[] = []
    const stderr: Buffer[] = []
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk))
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk))
    // A child that exits without reading all of its input closes the pipe under us: not an error of the test.
    child.stdin.on('error', () => {})
    let closed = false
    let interaction: Promise<void> = Promise.resolve()
    if (options.interact) {
      const waitFor = async (pattern: RegExp) => {
        while (!closed) {
          if (pattern.test(Buffer.concat(stdout).toString('utf8'))) return true
          await new Promise((resolve) => setTimeout(resolve, 50))
        }

        return false
      }

      // The result is what the process wrote; a failed interaction shows there.
      interaction = options.interact({waitFor, write: (text) => child.stdin.write(text)}).finally(() => child.stdin.end()).catch(() => {})
    } else {
      child.stdin.end(options.input ?? '')
    }

    let timedOut = false
    let spawnError: Error | undefined
    const killGroup = (signal: NodeJS.Signals) => {
      try {
        process.kill(-child.pid!, signal)
      } catch {
        // already gone
      }
    }

    let hardKill: NodeJS.Timeout | undefined
    const timer = setTimeout(() => {
      timedOut = true
      killGroup('SIGTERM')
      // One that ignores SIGTERM (or a grandchild holding the pipes open) must not hang the test.
      hardKill = setTimeout(() => killGroup('SIGKILL'), 2000)
    }, timeout)

    let aborted = false
    const abort = () => {
      aborted = true
      killGroup('SIGKILL')
    }

    if (options.signal?.aborted) abort()
    else options.signal?.addEventListener('abort', abort, {once: true})

    child.on('error', (error) => {
      spawnError = error
    })
    child.on('close', (code) => {
      closed = true
      clearTimeout(timer)
      clearTimeout(hardKill)
      options.signal?.removeEventListener('abort', abort)
      let err = Buffer.concat(stderr).toString('utf8')
      if (spawnError) err += `\n[test harness] could not run ${command}: ${spawnError.message}\n`
      if (timedOut) err += `\n[test harness] killed after ${timeout} ms (timeout): ${[command, ...args].join(' ')}\n`
      if (aborted) err += `\n[test harness] killed: its test had ended (cleanup): ${[command, ...args].join(' ')}\n`
      const result = {code: spawnError ? -1 : (code ?? -1), stdout: Buffer.concat(stdout).toString('utf8'), stderr: err}
      // Settled too: nothing is still writing to the process when the test goes on.
      void interaction.then(() => resolvePromise(result))
    })
  })
}

export class TempRepo {
  readonly root: string
  readonly dir: string
  private readonly people: Person[] = []
  /** Every process run in this repository: cleanup() kills those still running before it deletes their files. */
  private readonly running = new AbortController()

  constructor() {
    this.root = mkdtempSync(join(tmpdir(), 'secrets-test-'))
    this.dir = join(this.root, 'repo')
    mkdirSync(this.dir)
    // One listener per process running at once; a test may start many.
    setMaxListeners(0, this.running.signal)
    // Git plumbing only (milliseconds, no driver runs): synchronous keeps `new TempRepo()` simple.
    for (const args of [['init', '-q', '-b', 'main'], ['config', 'user.email', 'alice@example.com'], ['config', 'user.name', 'Alice']]) {
      execFileSync('git', args, {cwd: this.dir, stdio: 'ignore'})
    }
  }

  /** A person with their own HOME; their identity lives in a file there unless `env` says otherwise. */
  person(name: string, env: Record<string, string> = {}): Person {
    const home = join(this.root, `home-${name}`)
    mkdirSync(home, {recursive: true})
    const person = {home, env: {SECRETS_KEYCHAIN: 'off', ...env}}
    this.people.push(person)
    return person
  }

  /** The environment a person's commands run with. */
  envFor(person: Person, extra: Record<string, string> = {}): Record<string, string> {
    return cleanEnv({HOME: person.home, XDG_CONFIG_HOME: join(person.home, '.config'), ...person.env, ...extra})
  }

  run(person: Person, args: string[], options: {input?: string | Buffer; env?: Record<string, string>; cwd?: string} = {}): Promise<CliResult> {
    return exec(process.execPath, [BIN, ...args], {cwd: options.cwd ?? this.dir, input: options.input, env: this.envFor(person, options.env), signal: this.running.signal})
  }

  /**
   * Runs the CLI with a pseudo-terminal as stdin and stdout (util-linux `script`). What is
   * `typed` is sent once the program has drawn its prompt (`prompt`, by default a question of
   * @inquirer/prompts: "? …"), when the terminal no longer echoes: typed any earlier, on a slow
   * machine, the terminal itself would echo it.
   */
  async runInTerminal(person: Person, args: string[], typed = '', prompt = /\? \S/): Promise<CliResult> {
    const command = [process.execPath, BIN, ...args].map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ')
    const interact = async (io: Interaction) => {
      if (!typed || !(await io.waitFor(prompt))) return
      io.write(typed)
      // As a person would: the terminal stays open until the program has read the line.
      await new Promise((resolve) => setTimeout(resolve, 1000))
    }

    const result = await exec('script', ['-qec', command, '/dev/null'], {cwd: this.dir, env: this.envFor(person), signal: this.running.signal, interact})
    return {...result, stdout: result.stdout.replaceAll('\r\n', '\n')}
  }

  /** git in the repository as `person` (their environment: the drivers `enable` installs run inside it). */
  git(person: Person, ...args: string[]): Promise<CliResult> {
    return exec('git', args, {cwd: this.dir, env: this.envFor(person), signal: this.running.signal})
  }

  get vaultPath(): string {
    return join(this.dir, '.secrets', 'vault.db')
  }

  vaultBytes(): Buffer {
    return readFileSync(this.vaultPath)
  }

  cleanup(): void {
    // A test that timed out has not stopped its process: it would write under a directory being removed.
    this.running.abort()
    rmSync(this.root, {recursive: true, force: true, maxRetries: 5})
  }
}

/**
 * git in `cwd`, resolving to its stdout; rejects when it fails (as execFileSync threw). Async:
 * a commit or merge may run the vault's drivers, which are this CLI.
 */
export async function git(cwd: string, ...args: string[]): Promise<string> {
  const result = await exec('git', args, {cwd})
  if (result.code !== 0) throw new Error(`git ${args.join(' ')} exited ${result.code}: ${result.stderr.trim()}`)
  return result.stdout
}

/** The parent's environment without anything that would leak a real identity or vault into a test. */
function cleanEnv(extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {}
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined || key.startsWith('SECRETS_') || key === 'DEBUG' || key.startsWith('CI_') || key.startsWith('GIT_')) continue
    env[key] = value
  }

  return {...env, NO_COLOR: '1', ...extra}
}

/**
 * A repository where alice has enabled secrets, her run directories under this repository's own
 * runtime dir (so a test that sweeps them sees only its own): what every `run` test starts from.
 */
export async function enabledRepo(): Promise<{repo: TempRepo; alice: Person}> {
  const repo = new TempRepo()
  const alice = repo.person('alice', {XDG_RUNTIME_DIR: join(repo.root, 'runtime')})
  const enabled = await repo.run(alice, ['enable'])
  if (enabled.code !== 0) throw new Error(`secrets enable failed: ${enabled.stderr}`)
  return {repo, alice}
}
