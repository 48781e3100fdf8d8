// On a terminal, the commands whose work grows with the vault (import of 10,000 lines; rotate
// --key of a vault that size) draw a progress line once they have taken a second, and clear it
// before their summary. A soak: building a vault of 10,000 secrets takes seconds.
import {writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {type Person, TempRepo} from '../helpers/cli.js'

let repo: TempRepo
let alice: Person

beforeAll(async () => {
  repo = new TempRepo()
  alice = repo.person('alice')
  expect((await repo.run(alice, ['enable'])).code).toBe(0)
}, 60_000)

afterAll(() => repo?.cleanup())

describe('progress on a terminal', () => {
  it('import of 10,000 lines draws a bar, then clears it for the summary', async () => {
    const lines = Array.from({length: 10_000}, (_, i) => `SECRET_${i}=value-${i}-${'x'.repeat(40)}`)
    writeFileSync(join(repo.dir, 'big.env'), `${lines.join('\n')}\n`)
    const result = await repo.runInTerminal(alice, ['import', 'big.env', '--format', 'dotenv'])
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/\rimporting \[#* *\] \d+\/10000/)
    expect(result.stdout).toMatch(/\r\u001B\[Kimported: 10000 added/)
  }, 120_000)

  it('rotate --key of that vault draws one while it reads the vault', async () => {
    const result = await repo.runInTerminal(alice, ['rotate', '--key'])
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/\rreading the vault \[#* *\] \d+\/200\d\d/)
    expect(result.stdout).toContain('re-keyed the vault')
  }, 120_000)

  it('draws nothing when stderr is not a terminal', async () => {
    const result = await repo.run(alice, ['rotate', '--key'])
    expect(result.code).toBe(0)
    expect(result.stderr).not.toContain('\r')
  }, 120_000)
})
