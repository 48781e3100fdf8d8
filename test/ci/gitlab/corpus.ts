// Where the shared test corpus lives, for every test that reads it: `../shared/corpus` beside the
// project. Missing, the corpus tests are skipped with one line saying why, or fail when
// SECRETS_TEST_REQUIRE_CORPUS is set (CI sets it, so a lost corpus cannot pass unnoticed).
import {existsSync} from 'node:fs'
import {dirname, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'

export const REQUIRE_CORPUS_ENV = 'SECRETS_TEST_REQUIRE_CORPUS'

const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..')

let warned = false

/** The corpus directory, or undefined (after one warning) when it is absent and not required. */
export function corpusDir(projectRoot = PROJECT_ROOT): string | undefined {
  const dir = resolve(projectRoot, '../shared/corpus')
  if (existsSync(dir)) return dir
  if (process.env[REQUIRE_CORPUS_ENV]) throw new Error(`the test corpus is missing: ${dir} not found (${REQUIRE_CORPUS_ENV} is set)`)
  if (!warned) console.warn(`skipping corpus tests: ../shared/corpus not found (set ${REQUIRE_CORPUS_ENV}=1 to fail instead)`)
  warned = true
  return undefined
}
