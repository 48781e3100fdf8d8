// kill -9 of every writing command (add, rotate, rotate --key, import, permit --revoke, the merge
// driver), fifty times each: two in three at a random moment of its run, one in three the moment
// it is seen holding the write lock (test/helpers/crash-trials.ts).
// Prints a summary line for bench/soak-results.md.
import {afterAll, beforeAll, expect, it} from 'vitest'

import {CRASH_KINDS, type CrashLab, type TrialStats, crashLab, crashTrials} from '../helpers/crash-trials.js'
import {seeded} from '../helpers/spawn-cli.js'

const TRIALS = Number(process.env.SOAK_CRASH_TRIALS ?? 50)

let lab: CrashLab

beforeAll(async () => {
  lab = await crashLab()
})

afterAll(() => lab?.repo.cleanup())

it(`${TRIALS} kills of each writing command: the vault opens, verifies, and holds all of each change or none`, async () => {
  const random = seeded(Number(process.env.SOAK_SEED ?? 20261129))
  const results: Array<TrialStats & {seconds: number; typicalMs: number}> = []
  for (const kind of CRASH_KINDS) {
    const started = Date.now()
    // Every third trial aimed at the write transaction itself (random moments mostly land in start-up).
    const stats = await crashTrials(lab, kind, TRIALS, random, 5, 3)
    results.push({...stats, seconds: Math.round((Date.now() - started) / 1000), typicalMs: lab.typical.get(kind)!})
    console.log(`[soak] crash: ${JSON.stringify(results.at(-1))}`)
  }

  expect(results.every((r) => r.trials >= TRIALS)).toBe(true)
  // Kills landed inside transactions, or the trials proved little.
  expect(results.reduce((sum, r) => sum + r.insideTransaction, 0)).toBeGreaterThan(0)
})
