// Rounds of eight real CLI processes at once on one vault: three add, two rotate, one removes,
// two read. Shared by the suite (test/e2e/concurrency.test.ts, a few rounds) and the soak
// (test/soak/concurrency.soak.ts, twenty). Every write must land, every read must return a value
// that was written for that name at some point, and no process may fail (a wait for the lock is
// bounded, but ten seconds is far more than eight short commands need).
import {writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {expect} from 'vitest'

import {type Person, TempRepo} from './cli.js'
import {startCli} from './spawn-cli.js'

export interface ConcurrencyVault {
  repo: TempRepo
  alice: Person
  /** Every value ever written for each name (a read must return one of them). */
  written: Map<string, Set<string>>
  /** What each name must hold now; undefined: removed. */
  current: Map<string, string | undefined>
  rounds: number
}

const ROTATED = ['ROT_0', 'ROT_1']

export async function concurrencyVault(rounds: number): Promise<ConcurrencyVault> {
  const repo = new TempRepo()
  const alice = repo.person('alice')
  const enabled = await repo.run(alice, ['enable', '--name', 'alice'])
  expect(enabled.code, enabled.stderr).toBe(0)
  const written = new Map<string, Set<string>>()
  const current = new Map<string, string | undefined>()
  // What the rounds rotate and remove, in one import.
  const initial = [...ROTATED.map((name) => [name, `${name.toLowerCase()}-initial`]), ...Array.from({length: rounds}, (_, r) => [`DEL_${r}`, `del-${r}`])]
  const file = join(repo.root, 'initial.env')
  writeFileSync(file, initial.map(([name, value]) => `${name}=${value}`).join('\n'))
  const imported = await repo.run(alice, ['import', file, '--format', 'dotenv'])
  expect(imported.code, imported.stderr).toBe(0)
  for (const [name, value] of initial) {
    written.set(name!, new Set([value!]))
    current.set(name!, value)
  }

  return {repo, alice, written, current, rounds}
}

export interface RoundOutcome {
  processes: number
  /** Slowest process of the round, ms. */
  slowest: number
}

export async function concurrencyRound(v: ConcurrencyVault, round: number): Promise<RoundOutcome> {
  const {repo, alice, written, current} = v
  const env = repo.envFor(alice)
  const jobs: Array<{args: string[]; input?: string; name: string; writes?: string; read?: boolean}> = []
  for (let i = 0; i < 3; i++) {
    const name = `ADD_${round}_${i}`
    jobs.push({args: ['add', name], input: `added-${round}-${i}`, name, writes: `added-${round}-${i}`})
  }

  for (const name of ROTATED) jobs.push({args: ['rotate', name], input: `${name.toLowerCase()}-round-${round}`, name, writes: `${name.toLowerCase()}-round-${round}`})
  jobs.push({args: ['remove', `DEL_${round}`], name: `DEL_${round}`})
  for (const name of ROTATED) jobs.push({args: ['get', name], name, read: true})
  // Values a rotation is writing right now are fair game for a reader.
  for (const job of jobs) if (job.writes) written.set(job.name, new Set([...(written.get(job.name) ?? []), job.writes]))

  const running = jobs.map((job) => ({job, process: startCli(job.args, {cwd: repo.dir, env, input: job.input})}))
  const results = await Promise.all(running.map(async ({job, process}) => ({job, result: await process.done})))
  for (const {job, result} of results) {
    const what = `round ${round}: secrets ${job.args.join(' ')}`
    expect(result.stderr, what).not.toMatch(/database is locked|SQLITE_/i)
    expect(result.stderr, what).not.toMatch(/^error:/m)
    expect(result.code, `${what}: ${result.stderr}`).toBe(0)
    if (job.read) expect([...written.get(job.name)!], what).toContain(result.stdout)
    if (job.writes) current.set(job.name, job.writes)
    if (job.args[0] === 'remove') current.set(job.name, undefined)
  }

  // Every write landed: one export reads every value back.
  const exported = await repo.run(alice, ['export', '--format', 'json'])
  expect(exported.code, exported.stderr).toBe(0)
  const values = new Map((JSON.parse(exported.stdout) as Array<{name: string; value: string}>).map((s) => [s.name, s.value]))
  for (const [name, value] of current) expect(values.get(name), `round ${round}: ${name} read back`).toBe(value)
  expect(values.size).toBe([...current.values()].filter((value) => value !== undefined).length)
  return {processes: jobs.length, slowest: Math.max(...results.map((r) => r.result.ms))}
}
