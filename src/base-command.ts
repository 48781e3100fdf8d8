import {Command, Errors, Flags, type Interfaces} from '@oclif/core'

import type {ContextOptions} from './command-context.js'
import {DEBUG, type Env} from './env.js'
import {ExitCode, SecretsError} from './errors.js'
import {printable, printableLines} from './terminal/printable.js'

export type BaseFlags<T extends typeof Command> = Interfaces.InferredFlags<(typeof BaseCommand)['baseFlags'] & T['flags']>

/**
 * The only place that turns an error into output and an exit code. Commands return data;
 * with --json that data is the output, and errors become {code, message, hint}.
 */
/**
 * Every argument must be declared with `ignoreStdin: true`: oclif otherwise reads a missing
 * argument from piped stdin, so `printf %s "$VALUE" | secrets add` (name forgotten) would
 * take the secret value as the name and print it in the error.
 */
export abstract class BaseCommand extends Command {
  static enableJsonFlag = true

  static baseFlags = {
    vault: Flags.string({
      summary: 'The vault file (default: .secrets/vault.db at the repository root; SECRETS_VAULT overrides).',
      helpGroup: 'GLOBAL',
    }),
  }

  protected get env(): Env {
    return process.env
  }

  /** Where the command runs: environment, directory, the --vault flag, warnings to stderr. */
  protected context(vaultFlag: string | undefined): ContextOptions {
    return {env: this.env, cwd: process.cwd(), vaultFlag, warn: (message) => this.warning(message), note: (message) => this.say(`note: ${message}`)}
  }

  /** Lines for people go to stderr, so stdout stays for data (values, --json). */
  protected say(message: string): void {
    if (!this.jsonEnabled()) process.stderr.write(`${printableLines(message)}\n`)
  }

  protected warning(message: string): void {
    process.stderr.write(`warning: ${printableLines(message)}\n`)
  }

  override async catch(error: Error & {exitCode?: number}): Promise<never> {
    // `this.exit(code)` (e.g. `run` passing its child's status through): nothing to print.
    if (error instanceof Errors.ExitError) throw error
    const failure = toSecretsError(error)
    if (this.env[DEBUG] && error.stack) process.stderr.write(`${error.stack}\n`)
    if (this.jsonEnabled()) {
      this.logJson({error: {code: failure.code.toLowerCase(), exit: failure.exit, message: failure.message, hint: failure.hint ?? null}})
    } else {
      // Messages quote input (keys of an import, names in a CI file): never raw to a terminal.
      process.stderr.write(`error: ${printable(failure.message)}\n`)
      if (failure.hint) process.stderr.write(`hint: ${printable(failure.hint)}\n`)
    }

    // ExitError is oclif's way to exit with a code without printing anything more.
    throw new Errors.ExitError(failure.exit)
  }
}

/** Errors from oclif's parser, from libraries or from bugs, in our one shape. */
export function toSecretsError(error: Error & {oclif?: {exit?: number}}): SecretsError {
  if (error instanceof SecretsError) return error
  if (error instanceof Errors.ExitError) return new SecretsError('ERROR', 'exited', undefined)
  const parseError = error.constructor.name.endsWith('Error') && 'parse' in error
  const message = oneLine(error.message)
  if (parseError || error.oclif?.exit === ExitCode.USAGE) {
    return new SecretsError('USAGE', message, 'see --help')
  }

  return new SecretsError('ERROR', message || 'unexpected error', process.env[DEBUG] ? undefined : 'set DEBUG=1 for details')
}

/** oclif's messages can span lines ("The following error occurred:\n  All of …"); keep the substance. */
function oneLine(text: string): string {
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !/^see more help with/i.test(l))
  let first = lines[0] ?? ''
  if (first.endsWith(':') && lines.length > 1) {
    // "The following error occurred:" says nothing; "Missing 1 required arg:" needs its name.
    first = /^the following errors? occurred:$/i.test(first) ? lines[1]! : `${first} ${lines[1]!.split(/\s{2,}/)[0]}`
  }

  return first.replace(/^\w/, (c) => c.toLowerCase()).replace(/\.$/, '')
}
