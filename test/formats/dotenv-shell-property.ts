// The property behind test/formats/dotenv-shell.test.ts (a small sample in `npm test`) and
// test/soak/dotenv-shell.soak.ts (many runs): every value `export --format dotenv` writes reads
// back exactly with dotenv AND stays inert when a POSIX shell sources the file, or is refused by
// name. The shells are real (/bin/sh, and bash in POSIX mode when present), each run sourcing
// one file of many variables, in an empty directory that must stay empty but for the file.
import {existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {parse as dotenvParse} from 'dotenv'
import fc from 'fast-check'
import {expect} from 'vitest'

import {SecretsError} from '../../src/errors.js'
import {formatDotenv} from '../../src/formats/dotenv.js'
import {exec} from '../helpers/cli.js'

/** Each tries to run something, expand something, or end the value early, in sh or in dotenv. */
export const PAYLOADS = [
  '$(touch PWNED)', '`touch PWNED`', '$(touch${IFS}PWNED)', '${HOME}', '$HOME', '$0', '$1', '$$', '$?', '$@', '$((1+1))',
  "'; touch PWNED; '", '"; touch PWNED; "', "'$(touch PWNED)'", '\\', '\\\n', "\\'", '\\"', '\\n', '\\r', '\\$HOME',
  '#', ' #', '\n#', '\nexport X=1', '\nV0=\'', '=', ' ', '\t', '\n', '\r', '\r\n', "'", '"', '`', '$', '!', '&', ';', '|',
  '\u2028', '\u2029', '\u00a0', '\ufeff', '\u202e', 'é', '日本', '😀', '\u0000', '\u001b]52;c;cHduZWQ=\u0007',
]

const SHELLS = [['/bin/sh'], ...(existsSync('/bin/bash') ? [['/bin/bash', '--posix']] : [])]

const piece = fc.oneof(
  {weight: 3, arbitrary: fc.constantFrom(...PAYLOADS)},
  {weight: 2, arbitrary: fc.string({unit: 'grapheme', minLength: 1, maxLength: 3})},
  {weight: 1, arbitrary: fc.string({unit: 'grapheme-ascii', minLength: 1, maxLength: 6})},
)
export const value = fc.array(piece, {minLength: 1, maxLength: 6}).map((parts) => parts.join(''))

const encoder = new TextEncoder()

/** Splits values into those formatDotenv accepts and checks that each refusal names the key. */
function accepted(values: string[]): {name: string; value: string}[] {
  const kept: {name: string; value: string}[] = []
  values.forEach((text, index) => {
    const name = `V${index}`
    try {
      formatDotenv([{name, value: encoder.encode(text)}])
    } catch (error) {
      expect(error, JSON.stringify(text)).toBeInstanceOf(SecretsError)
      const failure = error as SecretsError
      expect(failure.code).toBe('USAGE')
      expect(failure.message.startsWith(`cannot export ${name} as dotenv: `), failure.message).toBe(true)
      return
    }
    kept.push({name, value: text})
  })
  return kept
}

/** What each shell assigns to the variables after `set -a; . ./file`, and what else appeared in the directory. */
async function sourceInShells(file: string, names: string[]): Promise<{shell: string; values: string[]; files: string[]}[]> {
  const results = []
  for (const shell of SHELLS) {
    const dir = mkdtempSync(join(tmpdir(), 'secrets-dotenv-shell-'))
    try {
      writeFileSync(join(dir, 'vars.env'), file)
      // NUL-separated: no accepted value holds one. HOME is set: `$HOME` must not become it.
      const script = `set -a; . ./vars.env; printf '%s\\0' ${names.map((n) => `"$${n}"`).join(' ')}`
      const run = await exec(shell[0]!, [...shell.slice(1), '-c', script], {cwd: dir, env: {PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: '/home/nobody'}})
      expect(run.stderr, `${shell.join(' ')}: ${file}`).toBe('')
      expect(run.code, `${shell.join(' ')}: ${file}`).toBe(0)
      results.push({shell: shell.join(' '), values: run.stdout.split('\0').slice(0, -1), files: readdirSync(dir)})
    } finally {
      rmSync(dir, {recursive: true, force: true})
    }
  }
  return results
}

/** `runs` batches of up to 30 generated values each: refused by name, or exact in dotenv and in every shell. */
export async function checkDotenvInShells(runs: number, seed?: number): Promise<void> {
  await fc.assert(
    fc.asyncProperty(fc.array(value, {minLength: 1, maxLength: 30}), async (values) => {
      const kept = accepted(values)
      if (kept.length === 0) return
      const file = formatDotenv(kept.map(({name, value: text}) => ({name, value: encoder.encode(text)})))
      const expected = Object.fromEntries(kept.map(({name, value: text}) => [name, text]))
      expect(dotenvParse(file)).toStrictEqual(expected)
      for (const result of await sourceInShells(file, kept.map((k) => k.name))) {
        expect(result.files, `${result.shell} created files sourcing:\n${file}`).toEqual(['vars.env'])
        expect(result.values, `${result.shell} sourcing:\n${file}`).toStrictEqual(kept.map((k) => k.value))
      }
    }),
    {numRuns: runs, seed, endOnFailure: true},
  )
}
