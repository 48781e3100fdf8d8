// The long run of test/ci/gitlab/ci-parser-property.test.ts: 20,000 generated pipelines and
// 20,000 generated files of bytes, in batches of 500 with a pause between them (a test that holds
// the worker for minutes trips vitest's RPC timeout). CI_PARSER_RUNS changes the count. A failure
// names its batch's seed: `SEED=<that seed> CI_PARSER_RUNS=500` replays just that batch.
import {describe, it} from 'vitest'

import {checkParser, checkReader} from '../ci/gitlab/ci-parser-property.js'

const runs = Number(process.env.CI_PARSER_RUNS ?? 20_000)
const seed = process.env.SEED ? Number(process.env.SEED) : Date.now() % 2 ** 31
const BATCH = 500

async function inBatches(check: (runs: number, seed: number) => void): Promise<void> {
  for (let done = 0, batch = 0; done < runs; done += BATCH, batch++) {
    check(Math.min(BATCH, runs - done), seed + batch)
    await new Promise((resolve) => setTimeout(resolve, 0))
  }
}

describe('the GitLab CI parser on generated input (soak)', () => {
  it(`parses or refuses ${runs} generated pipelines`, {timeout: 60 * 60_000}, async () => {
    await inBatches(checkParser)
  })

  it(`reads ${runs} generated files of bytes`, {timeout: 60 * 60_000}, async () => {
    await inBatches(checkReader)
  })
})
