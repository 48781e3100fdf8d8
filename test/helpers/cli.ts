// Running the built CLI as a user would: bin/run.js in a temporary git repository with a
// temporary HOME, the identity in a file (SECRETS_KEYCHAIN=off) unless a test asks otherwise.
import {execFileSync, spawnSync} from 'node:child_process'
import {mkdirSync, mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join, resolve} from 'node:path'

export const BIN = resolve(import.meta.dirname, '../../bin/run.js')

export interface CliResult {
  code: number
  stdout: string
  stderr: string
}

export interface Person {
  home: string
  env: Record<string, string>
}

export class TempRepo {
  readonly root: string
  readonly dir: string
  private readonly people: Person[] = []

  constructor() {
    this.root = mkdtempSync(join(tmpdir(), 'secrets-test-'))
    this.dir = join(this.root, 'repo')
    mkdirSync(this.dir)
    git(this.dir, 'init', '-q', '-b', 'main')
    git(this.dir, 'config', 'user.email', 'alice@example.com')
    git(this.dir, 'config', 'user.name', 'Alice')
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

  run(person: Person, args: string[], options: {input?: string | Buffer; env?: Record<string, string>; cwd?: string} = {}): CliResult {
    const result = spawnSync(process.execPath, [BIN, ...args], {
      cwd: options.cwd ?? this.dir,
      input: options.input ?? '',
      env: this.envFor(person, options.env),
      encoding: 'utf8',
      timeout: 20_000,
    })
    return {code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr}
  }

  /** Runs the CLI with a pseudo-terminal as stdin and stdout (util-linux `script`). */
  runInTerminal(person: Person, args: string[], typed = ''): CliResult {
    const command = [process.execPath, BIN, ...args].map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ')
    // What is typed arrives after the program has had time to draw its prompt.
    const feed = typed ? `sleep 1.5; printf '%s' '${typed}'; sleep 1` : 'true'
    const result = spawnSync('sh', ['-c', `(${feed}) | script -qec "$0" /dev/null`, command], {
      cwd: this.dir,
      input: '',
      env: this.envFor(person),
      encoding: 'utf8',
      timeout: 20_000,
    })
    return {code: result.status ?? -1, stdout: result.stdout.replaceAll('\r\n', '\n'), stderr: result.stderr}
  }

  get vaultPath(): string {
    return join(this.dir, '.secrets', 'vault.db')
  }

  vaultBytes(): Buffer {
    return readFileSync(this.vaultPath)
  }

  cleanup(): void {
    rmSync(this.root, {recursive: true, force: true})
  }
}

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe']})
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
