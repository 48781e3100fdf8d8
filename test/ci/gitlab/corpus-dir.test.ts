// The corpus helper when the corpus is not there: skip with one line, or fail when required.
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, afterEach, describe, expect, it, vi} from 'vitest'

import {REQUIRE_CORPUS_ENV, corpusDir} from './corpus.js'

describe('corpusDir', () => {
  // A project directory with nothing beside it.
  const root = mkdtempSync(join(tmpdir(), 'secrets-no-corpus-'))
  const project = join(root, 'main')
  const saved = process.env[REQUIRE_CORPUS_ENV]

  afterEach(() => {
    if (saved === undefined) delete process.env[REQUIRE_CORPUS_ENV]
    else process.env[REQUIRE_CORPUS_ENV] = saved
    vi.restoreAllMocks()
  })

  afterAll(() => rmSync(root, {recursive: true, force: true}))

  // First: the helper warns once per test file, and this test must see that warning.
  it('skips with one warning when the corpus is missing and not required', () => {
    delete process.env[REQUIRE_CORPUS_ENV]
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    expect(corpusDir(project)).toBeUndefined()
    expect(corpusDir(project)).toBeUndefined()
    expect(warn.mock.calls).toEqual([['skipping corpus tests: ../shared/corpus not found (set SECRETS_TEST_REQUIRE_CORPUS=1 to fail instead)']])
  })

  it('fails, saying the corpus is missing, when SECRETS_TEST_REQUIRE_CORPUS is set', () => {
    process.env[REQUIRE_CORPUS_ENV] = '1'
    expect(() => corpusDir(project)).toThrow(/the test corpus is missing: .*shared\/corpus not found/)
  })

  it('finds the corpus beside this project when it is there', () => {
    const dir = corpusDir()
    if (dir !== undefined) expect(dir.endsWith(join('shared', 'corpus'))).toBe(true)
  })
})
