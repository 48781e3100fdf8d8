// `secrets run` without oclif (see fast-run-args.ts for when): the same logic as oclif's
// command (src/run/run-command.ts), the same output, errors and exit codes as BaseCommand.
import {DEBUG} from '../env.js'
import {runCommand} from '../run/run-command.js'
import {type CommandIO, asFailure, jsonText, reportFailure, sayLine, warningLine} from './command-io.js'
import type {FastRun} from './fast-run-args.js'

/** The exit code; what to print is printed. */
export async function fastRun(parsed: FastRun): Promise<number> {
  const {json} = parsed
  const io: CommandIO = {
    env: process.env,
    json,
    say: (message) => {
      if (!json) sayLine(message)
    },
    warning: warningLine,
    log: (text) => {
      if (!json) process.stdout.write(`${text}\n`)
    },
    logJson: (value) => process.stdout.write(jsonText(value)),
  }
  try {
    const outcome = await runCommand(io, parsed.flags, parsed.command)
    if (outcome.result !== undefined && json) io.logJson(outcome.result)
    return outcome.exit
  } catch (error) {
    if (process.env[DEBUG] && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`)
    return reportFailure(io, asFailure(error))
  }
}
