// Several secrets processes on one vault at once. Writers take the write lock up front (BEGIN
// IMMEDIATE) and wait, bounded (SECRETS_LOCK_TIMEOUT, 10 s), for each other; readers wait for a
// commit and never see half of one. When a wait runs out, one line names the process holding the
// vault. Twenty rounds run in the soak (test/soak/concurrency.soak.ts).
import {existsSync, readdirSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {git} from '../helpers/cli.js'
import {type ConcurrencyVault, concurrencyRound, concurrencyVault} from '../helpers/concurrency-rounds.js'
import {sleep, startCli} from '../helpers/spawn-cli.js'

let v: ConcurrencyVault

beforeAll(async () => {
  v = await concurrencyVault(2)
}, 60_000)

afterAll(() => v.repo.cleanup())

const holderRecords = () => readdirSync(join(v.repo.dir, '.secrets')).filter((name) => name.endsWith('.holder.tmp'))

describe('eight processes at once on one vault', () => {
  it('add, rotate, remove and read: every write lands, every read returns a written value, nobody fails', async () => {
    for (let round = 0; round < v.rounds; round++) await concurrencyRound(v, round)
    // Every writer removed its record of holding the vault.
    expect(holderRecords()).toEqual([])
  }, 120_000)
})

describe('a wait for the vault that runs out', () => {
  it('names the process holding the vault in one line, and the write goes through once it lets go', async () => {
    const {repo, alice} = v
    const env = repo.envFor(alice)
    const file = join(repo.root, 'many.env')
    writeFileSync(file, Array.from({length: 1000}, (_, i) => `HOLD_${i}=hold-${i}`).join('\n'))
    const importing = startCli(['import', file, '--format', 'dotenv'], {cwd: repo.dir, env})
    // Stopped while it holds the lock (its record is written once it has the lock): a holder
    // that stays, whatever the machine's speed.
    const record = join(repo.dir, '.secrets', `vault.db.${importing.pid}.holder.tmp`)
    const deadline = Date.now() + 30_000
    while (!existsSync(record) && Date.now() < deadline) await sleep(2)
    importing.kill('SIGSTOP')
    try {
      expect(existsSync(record)).toBe(true)
      // The record is ignored by git, as everything temporary beside the vault.
      expect(await git(repo.dir, 'status', '--porcelain', '--ignored=no', '.secrets')).not.toContain('holder')

      const started = Date.now()
      const waiting = await repo.run(alice, ['add', 'WAITED'], {input: 'waited-value', env: {SECRETS_LOCK_TIMEOUT: '1'}})
      expect(waiting.code).toBe(12)
      expect(waiting.stderr).toMatch(new RegExp(`^error: the vault is busy: secrets import \\(pid ${importing.pid}\\) has held it for \\d+ s\\nhint: wait for it to finish and try again; SECRETS_LOCK_TIMEOUT sets how long secrets waits \\(1 s now\\), or stop that process\\n$`))
      expect(Date.now() - started).toBeGreaterThanOrEqual(1000)

      // A reader is not kept waiting by a writer that has not started to commit.
      const reading = await repo.run(alice, ['get', 'ROT_0'], {env: {SECRETS_LOCK_TIMEOUT: '1'}})
      expect(reading.code, reading.stderr).toBe(0)
      expect(v.written.get('ROT_0')).toContain(reading.stdout)
    } finally {
      importing.kill('SIGCONT')
    }

    const imported = await importing.done
    expect(imported.code, imported.stderr).toBe(0)
    expect(existsSync(record)).toBe(false)
    const retried = await repo.run(alice, ['add', 'WAITED'], {input: 'waited-value'})
    expect(retried.code, retried.stderr).toBe(0)
    expect((await repo.run(alice, ['get', 'HOLD_999'])).stdout).toBe('hold-999')
    expect((await repo.run(alice, ['get', 'WAITED'])).stdout).toBe('waited-value')
  }, 120_000)

  it('refuses a SECRETS_LOCK_TIMEOUT that is not a number of seconds, before touching the vault', async () => {
    const result = await v.repo.run(v.alice, ['get', 'ROT_0'], {env: {SECRETS_LOCK_TIMEOUT: '10s'}})
    expect(result.code).toBe(2)
    expect(result.stderr).toBe('error: SECRETS_LOCK_TIMEOUT must be a number of seconds from 0 to 3600: "10s"\n')
  }, 30_000)
})
