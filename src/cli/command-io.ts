// What a command's logic needs of the CLI around it, so that the same logic runs under oclif
// (src/base-command.ts) and on the fast path that starts `run` without it (src/cli/fast-run.ts).
import type {ContextOptions} from '../command-context.js'
import {DEBUG, type Env} from '../env.js'
import {SecretsError} from '../errors.js'
import {printable, printableLines} from '../terminal/printable.js'

export interface CommandIO {
  readonly env: Env
  /** --json: stdout carries one JSON document and nothing else. */
  readonly json: boolean
  /** A line for people on stderr (dropped with --json). */
  say(message: string): void
  /** `warning: …` on stderr, always. */
  warning(message: string): void
  /** Text on stdout (dropped with --json). */
  log(text: string): void
  /** A JSON document on stdout. */
  logJson(value: unknown): void
}

/** Where a command runs: environment, directory, the --vault flag, warnings to stderr. */
export function contextOf(io: CommandIO, vaultFlag: string | undefined): ContextOptions {
  return {env: io.env, cwd: process.cwd(), vaultFlag, warn: (message) => io.warning(message), note: (message) => io.say(`note: ${message}`)}
}

/** The --json error document: the one shape every command uses. */
export function errorJson(failure: SecretsError): {code: string; exit: number; message: string; hint: string | null} {
  return {code: failure.code.toLowerCase(), exit: failure.exit, message: failure.message, hint: failure.hint ?? null}
}

/** As oclif prints a command's result with --json: two-space JSON and a newline. */
export function jsonText(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`
}

/** Prints a failure as the CLI shows every error; returns its exit code. */
export function reportFailure(io: Pick<CommandIO, 'json'>, failure: SecretsError): number {
  if (io.json) {
    process.stdout.write(jsonText({error: errorJson(failure)}))
  } else {
    // Messages quote input (keys of an import, names in a CI file): never raw to a terminal.
    process.stderr.write(`error: ${printable(failure.message)}\n`)
    if (failure.hint) process.stderr.write(`hint: ${printable(failure.hint)}\n`)
  }

  return failure.exit
}

export function sayLine(message: string): void {
  process.stderr.write(`${printableLines(message)}\n`)
}

export function warningLine(message: string): void {
  process.stderr.write(`warning: ${printableLines(message)}\n`)
}

/** Errors from libraries or from bugs, in our one shape (oclif's own: base-command.ts). */
export function asFailure(error: unknown): SecretsError {
  if (error instanceof SecretsError) return error
  const message = error instanceof Error ? oneLine(error.message) : ''
  return new SecretsError('ERROR', message || 'unexpected error', process.env[DEBUG] ? undefined : 'set DEBUG=1 for details')
}

/** Messages can span lines (oclif's "The following error occurred:\n  All of …"); keep the substance. */
export function oneLine(text: string): string {
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !/^see more help with/i.test(l))
  let first = lines[0] ?? ''
  if (first.endsWith(':') && lines.length > 1) {
    // "The following error occurred:" says nothing; "Missing 1 required arg:" needs its name.
    first = /^the following errors? occurred:$/i.test(first) ? lines[1]! : `${first} ${lines[1]!.split(/\s{2,}/)[0]}`
  }

  return first.replace(/^\w/, (c) => c.toLowerCase()).replace(/\.$/, '')
}
