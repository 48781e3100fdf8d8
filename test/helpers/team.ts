// A team on one repository, for attacks by members: alice (owner) and whoever else a test adds,
// each with their own HOME, running the real CLI; git commits, branches and merges through the
// merge driver `secrets enable` installs; and the hostile member's own tool (Forger).
import {mkdtempSync, readFileSync} from 'node:fs'
import {join} from 'node:path'

import {expect} from 'vitest'

import {Identity} from '../../src/crypto/identity.js'
import type {History} from '../../src/vault/access/history.js'
import type {Role} from '../../src/vault/validate.js'
import {type CliResult, type Person, TempRepo, git} from './cli.js'
import {Forger, historyOfFile} from './forge.js'

export class Team {
  readonly repo = new TempRepo()
  readonly people = new Map<string, Person>()
  private readonly recipients = new Map<string, string>()

  /** A new team: alice has enabled secrets (she owns the vault) and committed it. */
  static async create(): Promise<Team> {
    const team = new Team()
    try {
      team.person('alice')
      await team.ok('alice', ['enable', '--name', 'alice'])
      await git(team.repo.dir, 'add', '-A')
      await git(team.repo.dir, 'commit', '-qm', 'enable secrets')
      return team
    } catch (error) {
      // No test holds it yet: no afterEach would remove its directory.
      team.cleanup()
      throw error
    }
  }

  /** Use `await Team.create()`: setting up a team runs the CLI, which is asynchronous. */
  private constructor() {}

  person(name: string): Person {
    let person = this.people.get(name)
    if (!person) {
      person = this.repo.person(name)
      this.people.set(name, person)
    }

    return person
  }

  /** Runs the CLI as `name`; `fresh` gives them a config directory that has never seen the vault. */
  async run(name: string, args: string[], options: {input?: string; at?: string; env?: Record<string, string>; fresh?: boolean} = {}): Promise<CliResult> {
    const env: Record<string, string> = {...options.env}
    if (options.at) env.SECRETS_NOW = options.at
    if (options.fresh) {
      // Their identity stays theirs; only this computer's memory of the vault (its pins) is new.
      env.SECRETS_IDENTITY = await this.identityText(name)
      env.XDG_CONFIG_HOME = mkdtempSync(join(this.repo.root, `config-${name}-`))
    }

    return this.repo.run(this.person(name), args, {input: options.input, env})
  }

  /** Runs the CLI as `name` and expects success. */
  async ok(name: string, args: string[], options: {input?: string; at?: string; env?: Record<string, string>; fresh?: boolean} = {}): Promise<CliResult> {
    const result = await this.run(name, args, options)
    expect(result.stderr).not.toMatch(/^error:/m)
    expect(result.code, result.stderr).toBe(0)
    return result
  }

  /** Creates the person's identity the first time (`secrets identity`, as they would). */
  async recipient(name: string): Promise<string> {
    let recipient = this.recipients.get(name)
    if (!recipient) {
      recipient = (JSON.parse((await this.ok(name, ['identity', '--json'])).stdout) as {recipient: string}).recipient
      this.recipients.set(name, recipient)
    }

    return recipient
  }

  async identity(name: string): Promise<Identity> {
    return Identity.parse(await this.identityText(name))
  }

  private async identityText(name: string): Promise<string> {
    await this.recipient(name)
    return readFileSync(join(this.person(name).home, '.config', 'secrets', 'identity'), 'utf8').split('\n').find((l) => l.startsWith('SECRETS-IDENTITY-'))!
  }

  /** alice adds `name` with a role and (optionally) a rule. */
  async permit(name: string, role: Role, scopes?: string, environment = '*'): Promise<void> {
    const args = ['permit', `user:${name}`, '--recipient', await this.recipient(name), '--role', role]
    if (scopes) args.push('--scopes', scopes, '--environment', environment)
    await this.ok('alice', args)
  }

  async forger(name: string): Promise<Forger> {
    return Forger.open(this.repo.vaultPath, await this.identity(name))
  }

  history(): History {
    return historyOfFile(this.repo.vaultPath)
  }

  async commit(message: string): Promise<string> {
    await git(this.repo.dir, 'add', '-A')
    await git(this.repo.dir, 'commit', '-qm', message, '--allow-empty')
    return (await git(this.repo.dir, 'rev-parse', 'HEAD')).trim()
  }

  async checkout(branch: string, from?: string): Promise<void> {
    if (from) await git(this.repo.dir, 'checkout', '-q', '-b', branch, from)
    else await git(this.repo.dir, 'checkout', '-q', branch)
  }

  /** `git merge` of `branch` into the checked-out branch; the merge driver runs inside it. */
  merge(branch: string): Promise<CliResult> {
    return this.repo.git(this.person('alice'), 'merge', '--no-edit', branch)
  }

  async value(name: string, args: string[]): Promise<string> {
    return (await this.ok(name, ['get', ...args])).stdout
  }

  cleanup(): void {
    this.repo.cleanup()
  }
}

/** The key operation id the current version of a secret is encrypted under. */
export function keyOfCurrent(history: History, secret: {name: string; environment: string; branch?: string}): string {
  const record = history.secret({branch: '*', ...secret})
  if (!record) throw new Error(`no secret ${secret.name}`)
  const key = history.version(record.current).data.key
  return typeof key === 'string' ? key : 'inline'
}

/** Whether an operation counts, and why not. */
export function verdict(history: History, id: string): {valid: boolean; reason?: string} {
  const index = history.indexOf(id)
  if (index === undefined) throw new Error(`no operation ${id}`)
  return history.verdict(index)
}
