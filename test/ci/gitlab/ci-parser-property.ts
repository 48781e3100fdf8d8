// Generated CI files for the parser's property tests (ci-parser-property.test.ts, a short run) and
// their soak (test/soak/ci-parser.soak.ts, a long one): arbitrary text, JSON, and CI-like documents
// built from the parts that interact — anchors and aliases, `<<:` merges, `!reference` tags,
// `extends:` between generated names, local includes between generated files — plus stray
// bytes. The property: every input either parses or is refused with a SecretsError; nothing
// else is ever thrown, and a refusal is one line.
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import fc from 'fast-check'
import {expect} from 'vitest'

import {readCiFile} from '../../../src/ci/gitlab/ci-files.js'
import {parseGitlabCi} from '../../../src/ci/gitlab/parse.js'
import {SecretsError} from '../../../src/errors.js'

const NAMES = ['job', 'deploy', '.base', '.tpl', 'default', 'variables', 'include', 'secrets', 'script', 'extends', '<<', '1', '__proto__', 'constructor']
const name = fc.constantFrom(...NAMES)
const scalar = fc.oneof(
  fc.constantFrom('x', 'yes', 'no', '~', 'null', '1.5', '0x1F', '2024-01-01', '"q"', "'s'", '$VAR', '${A}', '""', '|', '>', '-', '[]', '{}', '&a', '*a', '!!binary', '!reference'),
  fc.string({maxLength: 8}).map((text) => JSON.stringify(text)),
)

/** A YAML value as text, flow style: lists, maps, tags, anchors and aliases mixed. */
const flowValue: fc.Arbitrary<string> = fc.letrec<{value: string}>((tie) => ({
  value: fc.oneof(
    {depthSize: 'small', withCrossShrink: true},
    scalar,
    fc.array(tie('value'), {maxLength: 4}).map((items) => `[${items.join(', ')}]`),
    fc.array(fc.tuple(name, tie('value')), {maxLength: 4}).map((pairs) => `{${pairs.map(([k, v]) => `${JSON.stringify(k)}: ${v}`).join(', ')}}`),
    fc.tuple(fc.constantFrom('a', 'b'), tie('value')).map(([anchor, v]) => `&${anchor} ${v}`),
    fc.constantFrom('*a', '*b'),
    fc.array(name, {minLength: 0, maxLength: 3}).map((path) => `!reference [${path.map((p) => JSON.stringify(p)).join(', ')}]`),
    fc.tuple(fc.constantFrom('!!str', '!!int', '!!map', '!!seq', '!custom', '!!binary'), scalar).map(([tag, v]) => `${tag} ${v}`),
  ),
})).value

/** A `secrets:` entry, well-formed or nearly so. */
const secretEntry = fc.oneof(
  fc.constantFrom('{gitlab_secrets_manager: {name: DB}}', '{vault: production/db/password@ops, file: false}', '{vault: {engine: {name: kv-v2, path: ops}, path: a, field: b}}'),
  fc.tuple(fc.constantFrom('vault', 'gitlab_secrets_manager', 'aws_secrets_manager', 'gcp_secret_manager', 'azure_key_vault', 'file', 'token'), flowValue).map(([key, value]) => `{${key}: ${value}}`),
)

/** A top-level CI document, block style, with CI keywords pointing at each other. */
export const ciDocument: fc.Arbitrary<string> = fc
  .array(
    fc.tuple(
      name,
      fc.oneof(
        flowValue,
        fc.record(
          {
            extends: fc.oneof(name, fc.array(name, {maxLength: 3})),
            script: fc.oneof(flowValue, fc.constant('[echo hi]'), fc.constant('!reference [.base, script]')),
            secrets: fc
              .dictionary(fc.constantFrom('DB', 'TOKEN', 'BASH_ENV', '../x', ''), fc.oneof(secretEntry, flowValue), {maxKeys: 3})
              .map((entries) => `{${Object.entries(entries).map(([key, value]) => `${JSON.stringify(key)}: ${value}`).join(', ')}}`),
            merge: flowValue,
            include: fc.oneof(fc.constantFrom('a.yml', 'b.yml', '../x.yml', '/a.yml', 'ci/*.yml'), flowValue),
          },
          {requiredKeys: []},
        ).map((job) => {
          const lines = Object.entries(job).map(([key, value]) => {
            const text = typeof value === 'string' ? value : JSON.stringify(value)
            return `  ${key === 'merge' ? '<<' : key}: ${text}`
          })
          return lines.length > 0 ? `\n${lines.join('\n')}` : '{}'
        }),
      ),
    ),
    {maxLength: 6},
  )
  .chain((entries) =>
    fc.constantFrom('', '---\n', 'spec:\n  inputs: {}\n---\n').map((header) => `${header}${entries.map(([key, value]) => `${JSON.stringify(key)}: ${value}`).join('\n')}\n`),
  )

/** Text that may not even be YAML: arbitrary strings, JSON, a CI document with bytes spliced in. */
export const ciText: fc.Arbitrary<string> = fc.oneof(
  fc.string({unit: 'binary', maxLength: 200}),
  fc.json().map((json) => json),
  ciDocument,
  fc.tuple(ciDocument, fc.nat(), fc.string({unit: 'binary', minLength: 1, maxLength: 4})).map(([doc, at, noise]) => doc.slice(0, at % (doc.length + 1)) + noise + doc.slice(at % (doc.length + 1))),
)

/** Parses `main` with `files` as its local includes; only SecretsError may escape, with one line. */
export function parsesOrRefuses(main: string, files: Record<string, string>): void {
  try {
    const pipeline = parseGitlabCi(main, {
      fileName: '.gitlab-ci.yml',
      readLocal: (path) => (Object.hasOwn(files, path) ? files[path] : undefined),
    })
    for (const error of [...pipeline.errors, ...pipeline.jobs.flatMap((job) => job.errors)]) expect(typeof error).toBe('string')
  } catch (error) {
    if (!(error instanceof SecretsError)) throw error
    expect(error.message).not.toContain('\n')
  }
}

/** The property, over `runs` generated pipelines (a main file and two includable files). */
export function checkParser(runs: number, seed?: number): void {
  fc.assert(
    fc.property(ciText, ciText, ciText, (main, a, b) => parsesOrRefuses(main, {'a.yml': a, 'b.yml': b, 'ci/a.yml': a})),
    {numRuns: runs, seed},
  )
}

/** The byte-level reader over generated bytes: text comes back, or a one-line SecretsError. */
export function checkReader(runs: number, seed?: number): void {
  const dir = mkdtempSync(join(tmpdir(), 'secrets-ci-bytes-'))
  try {
    const file = join(dir, '.gitlab-ci.yml')
    fc.assert(
      fc.property(fc.uint8Array({maxLength: 300}), (bytes) => {
        writeFileSync(file, bytes)
        let text: string
        try {
          text = readCiFile(file, '.gitlab-ci.yml')
        } catch (error) {
          if (!(error instanceof SecretsError)) throw error
          expect(error.message).toMatch(/^\.gitlab-ci\.yml:\d+:\d+: not utf-8 text \(invalid byte 0x[\da-f]{2} at byte offset \d+\)$/)
          // The offset named is where a strict decoder first fails.
          const offset = Number(/offset (\d+)/.exec(error.message)![1])
          expect(() => new TextDecoder('utf-8', {fatal: true}).decode(bytes.subarray(0, offset))).not.toThrow()
          expect(() => new TextDecoder('utf-8', {fatal: true}).decode(bytes.subarray(0, Math.min(bytes.length, offset + 4)))).toThrow()
          return
        }

        expect(Buffer.from(text, 'utf8').equals(Buffer.from(bytes))).toBe(true)
        parsesOrRefuses(text, {})
      }),
      {numRuns: runs, seed},
    )
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
}
