import {Command, Errors, Flags, type Interfaces} from '@oclif/core'

import {type CommandIO, asFailure, contextOf, jsonText, oneLine, reportFailure, sayLine, warningLine} from './cli/command-io.js'
import type {ContextOptions} from './command-context.js'
import {DEBUG, type Env} from './env.js'
import {ExitCode, SecretsError} from './errors.js'

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
    return contextOf(this.io(), vaultFlag)
  }

  /** This command's output, for logic shared with the fast path (src/cli/command-io.ts). */
  protected io(): CommandIO {
    return {
      env: this.env,
      json: this.jsonEnabled(),
      say: (message) => this.say(message),
      warning: (message) => this.warning(message),
      log: (text) => this.log(text),
      logJson: (value) => this.logJson(value),
    }
  }

  /**
   * oclif's logJson runs the text through a regex tokenizer (for colours we never use) that
   * took 350 ms on `list --json` of 10,000 secrets; the bytes are JSON.stringify's either way.
   */
  override logJson(json: unknown): void {
    process.stdout.write(jsonText(json))
  }

  /** Lines for people go to stderr, so stdout stays for data (values, --json). */
  protected say(message: string): void {
    if (!this.jsonEnabled()) sayLine(message)
  }

  protected warning(message: string): void {
    warningLine(message)
  }

  override async catch(error: Error & {exitCode?: number}): Promise<never> {
    // `this.exit(code)` (e.g. `run` passing its child's status through): nothing to print.
    if (error instanceof Errors.ExitError) throw error
    const failure = toSecretsError(error)
    if (this.env[DEBUG] && error.stack) process.stderr.write(`${error.stack}\n`)
    reportFailure({json: this.jsonEnabled()}, failure)

    // ExitError is oclif's way to exit with a code without printing anything more.
    throw new Errors.ExitError(failure.exit)
  }
}

/** Errors from oclif's parser, from libraries or from bugs, in our one shape. */
export function toSecretsError(error: Error & {oclif?: {exit?: number}}): SecretsError {
  if (error instanceof SecretsError) return error
  if (error instanceof Errors.ExitError) return new SecretsError('ERROR', 'exited', undefined)
  const parseError = error.constructor.name.endsWith('Error') && 'parse' in error
  if (parseError || error.oclif?.exit === ExitCode.USAGE) {
    return new SecretsError('USAGE', oneLine(error.message), 'see --help')
  }

  return asFailure(error)
}
