// Any member — a reporter, or one revoked long ago — writes many small operations that each name
// only vault.create as their parent. None of them counts (they are judged and ignored), but every
// command builds the dag first, and Dag.build gives every operation a vector clock as long as the
// number of chains so far (src/vault/access/dag.ts:88): N forks cost N²/2 integers. A 18 MB file
// makes every `list`, `get`, `run`, the merge driver and `git diff` use gigabytes and many seconds;
// a somewhat larger one is killed by the OOM killer on a CI runner, with no message at all.
import {spawnSync} from 'node:child_process'
import {statSync} from 'node:fs'

import Database from 'better-sqlite3'
import {afterEach, beforeAll, beforeEach, describe, expect, it} from 'vitest'

import {loadSodium} from '../../src/crypto/index.js'
import {encodeOperation, signOperation} from '../../src/vault/store/operations.js'
import {BIN} from '../helpers/cli.js'
import {Team} from '../helpers/team.js'

let team: Team

beforeAll(async () => {
  await loadSodium()
})

beforeEach(() => {
  team = new Team()
  team.ok('alice', ['add', 'DB_PASSWORD'], {input: 'prod-v1'})
  team.permit('mallory', 'reporter')
  team.ok('alice', ['permit', 'user:mallory', '--revoke'])
  team.commit('mallory was a reporter once')
})

afterEach(() => team.cleanup())

/** `count` operations by a revoked member, each forked straight from vault.create. */
function fanOut(count: number): void {
  const mallory = team.forger('mallory')
  const genesis = team.history().ops[0]!.id
  const identity = team.identity('mallory')
  const db = new Database(team.repo.vaultPath)
  const insert = db.prepare('INSERT INTO ops (id, body, signature) VALUES (?, ?, ?)')
  db.transaction(() => {
    for (let i = 0; i < count; i++) {
      const {id, body} = encodeOperation({vault: mallory.vaultId, author: mallory.author, at: '2026-01-01T00:00:00.000Z', parents: [genesis], data: {kind: 'secret.remove', name: `X${i}`, environment: '*', branch: '*'}})
      insert.run(id, body, signOperation(identity, body))
    }
  })()
  db.close()
}

describe('redteam: a history that forks N times from vault.create', () => {
  it('30,000 void operations (an 18 MB file) do not cost every reader gigabytes: list answers in bounded memory and time, or refuses clearly', () => {
    fanOut(30_000)
    expect(statSync(team.repo.vaultPath).size).toBeLessThan(20_000_000)
    const alice = team.person('alice')
    const started = Date.now()
    const result = spawnSync('/usr/bin/time', ['-f', 'maxrss_kb=%M', process.execPath, BIN, 'list'], {
      cwd: team.repo.dir,
      env: team.repo.envFor(alice),
      encoding: 'utf8',
      timeout: 120_000,
    })
    const elapsed = Date.now() - started
    const rss = Number(/maxrss_kb=(\d+)/.exec(result.stderr)?.[1] ?? 'NaN') * 1024
    console.log(`list: exit ${result.status}, ${elapsed} ms, max RSS ${(rss / 1e9).toFixed(2)} GB`)
    // Today: about 10 s and 2 GB of RSS for 30,000 operations, quadratic in their number.
    expect(rss).toBeLessThan(1e9)
    expect(elapsed).toBeLessThan(10_000)
  }, 180_000)
})
