// With no command after `--`, `secrets run` runs the job's own script as GitLab's runner does:
// `before_script` and `script` in one shell that stops at the first failing line, then
// `after_script` in a fresh shell whatever happened (its status does not change the result).
import {existsSync} from 'node:fs'

export interface JobScripts {
  beforeScript: readonly string[]
  script: readonly string[]
  afterScript: readonly string[]
}

/** The shell the runner would use: bash where there is one, else sh. */
export function shell(): string {
  return existsSync('/bin/bash') ? '/bin/bash' : '/bin/sh'
}

/**
 * One shell program for a list of lines: each line is echoed as `$ line` (as the runner shows
 * it, on stdout so that it stays in order with the line's own output) and then run; `set -e`
 * (and pipefail in bash) stops at the first failure.
 */
export function shellProgram(lines: readonly string[], shellPath: string): string {
  const strict = shellPath.endsWith('bash') ? 'set -eo pipefail' : 'set -e'
  const body = lines.map((line) => `printf '%s\\n' ${quote(`$ ${line}`)}\n${line}`).join('\n')
  return `${strict}\n${body}\n`
}

export function quote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`
}
