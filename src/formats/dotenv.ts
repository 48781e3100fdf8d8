// `.env` files in and out. The `dotenv` package reads the values, so a file means here what it
// means to every program that loads it; this module adds what dotenv leaves out: line numbers,
// and errors instead of silently dropped lines, duplicate keys and truncated values.
import {parse as dotenvParse} from 'dotenv'

import {usage} from '../errors.js'
import {startupVariableReason} from '../run/startup-variables.js'
import {QUOTES, closingQuote, quoteValue} from './dotenv-quotes.js'
import {type ImportedSecret} from './imported-secret.js'
import {decodeValue, encodeValue} from './utf8.js'

// The key syntax dotenv accepts ([\w.-]+, an optional `export `), with `=` only: dotenv also
// reads `KEY: value`, which we refuse as a probable YAML file.
const KEY_LINE = /^\s*(?:export\s+)?([\w.-]+)\s*=\s*/
const BLANK_OR_COMMENT = /^\s*(?:#|$)/
const DOTENV_NAME = /^[\w.-]+$/
/** What a POSIX shell reads as a variable assignment: the file is also sourced by shells. */
const SHELL_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/

const LINE_HINT = 'each line must be KEY=value, a # comment or blank; put multi-line values in double quotes'

export function parseDotenv(text: string): ImportedSecret[] {
  // dotenv turns CRLF and lone CR into LF first; doing the same keeps line numbers in step.
  const source = text.replace(/\r\n?/g, '\n')
  const lineStarts = startsOfLines(source)
  const lineEnd = (line: number) => (lineStarts[line + 1] ?? source.length + 1) - 1

  const secrets: ImportedSecret[] = []
  const values = new Map<string, string>()
  const firstLine = new Map<string, number>()
  for (let line = 0; line < lineStarts.length; line++) {
    const start = lineStarts[line] ?? 0
    const lineText = source.slice(start, lineEnd(line))
    const where = `line ${line + 1}`
    if (BLANK_OR_COMMENT.test(lineText)) continue

    const match = KEY_LINE.exec(lineText)
    const key = match?.[1]
    if (!match || key === undefined) throw usage(`${where}: expected KEY=value`, LINE_HINT)
    const earlier = firstLine.get(key)
    if (earlier !== undefined) throw usage(`${where}: ${key} is set twice (first on line ${earlier + 1})`)
    firstLine.set(key, line)

    const valueStart = start + match[0].length
    const rawValue = lineText.slice(match[0].length)
    let lastLine = line
    if (QUOTES.includes(rawValue[0] ?? '')) {
      const close = closingQuote(source, valueStart)
      if (close === undefined) {
        throw usage(`${where}: the quoted value of ${key} is not closed, or has text after its closing quote`)
      }
      while ((lineStarts[lastLine + 1] ?? Infinity) <= close) lastLine++
    } else if (/^[^#]*[^\s#]#/.test(rawValue)) {
      // dotenv would cut the value at the `#`, silently dropping the rest of, say, a password.
      throw usage(`${where}: the unquoted value of ${key} contains #, which dotenv reads as a comment`, 'quote the value')
    }

    const value = readEntry(source.slice(start, lineEnd(lastLine)), key, where)
    if (value === '') {
      throw usage(`${where}: ${key} has an empty value`, 'gitlab does not accept empty values: give it a value or remove the line')
    }
    secrets.push(plainSecret(key, encodeValue(`${where}: ${key}`, value)))
    values.set(key, value)
    line = lastLine
  }

  checkAgainstWholeFile(source, values, firstLine)
  return secrets
}

function startsOfLines(source: string): number[] {
  const starts = [0]
  for (let at = source.indexOf('\n'); at !== -1; at = source.indexOf('\n', at + 1)) starts.push(at + 1)
  return starts
}

/** dotenv's value for one entry's lines, which must hold that entry and nothing else. */
function readEntry(entryText: string, key: string, where: string): string {
  const parsed = dotenvParse(entryText)
  const keys = Object.keys(parsed)
  const value = parsed[key]
  if (keys.length !== 1 || value === undefined) throw usage(`${where}: cannot read the value of ${key}`, LINE_HINT)
  return value
}

// Entries were read one by one; dotenv reads the file as a whole. Should they ever disagree
// (a line break dotenv sees that we do not, say), refuse rather than import something else than
// what the application would load.
function checkAgainstWholeFile(source: string, values: Map<string, string>, lines: Map<string, number>): void {
  const whole = dotenvParse(source)
  for (const [key, value] of values) {
    if (whole[key] !== value) {
      throw usage(`line ${(lines.get(key) ?? 0) + 1}: dotenv reads ${key} differently in the whole file`, LINE_HINT)
    }
  }
  const unexpected = Object.keys(whole).find((key) => !values.has(key))
  if (unexpected !== undefined) throw usage(`dotenv reads ${unexpected} from a line that is not KEY=value`, LINE_HINT)
}

function plainSecret(name: string, value: Uint8Array): ImportedSecret {
  return {name, value, environment: '*', branch: '*', variable: false, file: false, protected: false}
}

/**
 * A `.env` file that dotenv (and parseDotenv) reads back to exactly these values, and that a
 * POSIX shell can source (`set -a; . ./.env`) to get the same values with nothing expanded or
 * run; refuses, by name, a value no quoting carries both ways, rather than writing one that
 * would change or run (see quoteValue), and a name that changes how the shell or the programs
 * it starts behave (src/run/startup-variables.ts).
 */
export function formatDotenv(secrets: readonly {name: string; value: Uint8Array}[]): string {
  const written = new Map<string, {text: string; quoted: string}>()
  for (const {name, value} of secrets) {
    if (!DOTENV_NAME.test(name)) throw usage(`cannot export ${JSON.stringify(name)} as dotenv: not a dotenv key`)
    if (!SHELL_NAME.test(name)) {
      // `1KEY='…'` is not an assignment to sh: sourcing the file would run it as a command.
      throw usage(`cannot export ${name} as dotenv: a shell sourcing the file would run it as a command, not set it`, 'use --format json')
    }
    // The value is inert, the name is not: `set -a; . ./.env` sets PROMPT_COMMAND, PS1, BASH_ENV,
    // PATH or IFS in the sourcing shell and exports them to every program it starts next.
    const startup = startupVariableReason(name)
    if (startup !== undefined) {
      throw usage(`cannot export ${name} as dotenv: a shell sourcing the file would set it, and it changes how programs start: ${startup}`, 'use --format json')
    }
    if (written.has(name)) {
      throw usage(`cannot export ${name} twice to one dotenv file`, 'export one environment and branch at a time')
    }
    const text = decodeValue(name, value, 'dotenv')
    if (text === '') throw usage(`cannot export ${name} as dotenv: its value is empty`)
    const quoted = quoteValue(text)
    if (quoted === undefined) {
      throw usage(
        `cannot export ${name} as dotenv: no quoting keeps its value both exact for dotenv and inert in a shell that sources the file`,
        "a value with a carriage return, a NUL, or a ' together with $, `, \" or a backslash has no such form; use --format json",
      )
    }
    written.set(name, {text, quoted})
  }
  const output = [...written].map(([name, {quoted}]) => `${name}=${quoted}\n`).join('')

  // Belt and braces: the rules in dotenv-quotes.ts are our reading of dotenv's code.
  const readBack = dotenvParse(output)
  for (const [name, {text}] of written) {
    if (readBack[name] !== text) throw usage(`cannot export ${name} as dotenv: dotenv would read its value back changed`)
  }
  return output
}
