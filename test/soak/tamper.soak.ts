// 1,000+ random damages of a vault file (test/helpers/tamper-cases.ts): each read in-process
// through the code path of `secrets get`, and every 25th through the real CLI (`get` and `run`).
// Prints a summary line for bench/soak-results.md.
import {afterAll, beforeAll, expect, it} from 'vitest'

import {seeded} from '../helpers/spawn-cli.js'
import {TAMPER_KINDS, type TamperLab, install, readInProcess, readWithCli, tamperCase, tamperLab} from '../helpers/tamper-cases.js'

const PER_KIND = Number(process.env.SOAK_TAMPER_PER_KIND ?? 275)
const CLI_EVERY = 25

let lab: TamperLab

beforeAll(async () => {
  lab = await tamperLab()
})

afterAll(() => lab?.repo.cleanup())

it(`${PER_KIND * TAMPER_KINDS.length} random damages: the right value or an integrity error, never anything else`, async () => {
  const started = Date.now()
  const random = seeded(Number(process.env.SOAK_SEED ?? 20261129))
  const summary: Record<string, {cases: number; same: number; refused: number; cli: number}> = {}
  let n = 0
  for (const kind of TAMPER_KINDS) {
    const tally = (summary[kind] = {cases: 0, same: 0, refused: 0, cli: 0})
    for (let i = 0; i < PER_KIND; i++, n++) {
      const damage = tamperCase(lab, kind, random)
      install(lab, damage.bytes)
      tally.cases++
      tally[readInProcess(lab, `${kind} case ${i} (${damage.what})`)]++
      if (n % CLI_EVERY === 0) {
        await readWithCli(lab, `${kind} case ${i} (${damage.what})`)
        tally.cli++
      }
    }
  }

  const total = Object.values(summary).reduce((sum, t) => sum + t.cases, 0)
  expect(total).toBeGreaterThanOrEqual(1000)
  console.log(`[soak] tamper: ${JSON.stringify(summary)} in ${Math.round((Date.now() - started) / 1000)} s`)
})
