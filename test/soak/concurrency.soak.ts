// Twenty rounds of eight real CLI processes at once on one vault: three add, two rotate, one
// removes, two read (test/helpers/concurrency-rounds.ts). Prints a summary line for
// bench/soak-results.md.
import {afterAll, beforeAll, it} from 'vitest'

import {type ConcurrencyVault, concurrencyRound, concurrencyVault} from '../helpers/concurrency-rounds.js'

const ROUNDS = Number(process.env.SOAK_CONCURRENCY_ROUNDS ?? 20)

let v: ConcurrencyVault

beforeAll(async () => {
  v = await concurrencyVault(ROUNDS)
})

afterAll(() => v?.repo.cleanup())

it(`${ROUNDS} rounds of 8 processes: every write lands, every read returns a written value, nobody fails`, async () => {
  const started = Date.now()
  let slowest = 0
  for (let round = 0; round < ROUNDS; round++) slowest = Math.max(slowest, (await concurrencyRound(v, round)).slowest)
  console.log(`[soak] concurrency: ${JSON.stringify({rounds: ROUNDS, processes: ROUNDS * 8, slowestMs: slowest, seconds: Math.round((Date.now() - started) / 1000)})}`)
})
