// A history restored from its snapshot (what store/judged-cache.ts keeps) answers every question
// as the history judged from the operations does: over random histories with forks, merges,
// revocations and removals, and through v8's serialization, as the cache stores it. And a
// restored history reads an operation's fields only when a command asks for them: a list of
// every secret reads none.
import {deserialize, serialize} from 'node:v8'

import {beforeAll, describe, expect, it} from 'vitest'

import {loadSodium} from '../../../src/crypto/index.js'
import {History, type HistorySnapshot} from '../../../src/vault/access/history.js'
import type {LoadedOp, OpHeader} from '../../../src/vault/access/history-snapshot.js'
import {historyLog} from '../../../src/vault/access/log.js'
import {summarize} from '../../../src/vault/secrets/summary.js'
import type {Operation} from '../../../src/vault/store/operations.js'
import {pinView} from '../../../src/vault/session.js'
import {HistoryBuilder} from '../../helpers/history-builder.js'
import {buildScenario} from './scenarios.js'

beforeAll(async () => {
  await loadSodium()
})

const NOW = new Date('2027-03-01T00:00:00Z')
const SEEDS = Array.from({length: 120}, (_, i) => 0x5a9e0000 + i)

/** A loader over the operations themselves, counting reads and checking each header against its operation. */
function loaderOf(ops: readonly Operation[]): {load: (header: OpHeader) => LoadedOp; reads: string[]} {
  const byId = new Map(ops.map((op) => [op.id, op]))
  const reads: string[] = []
  return {
    reads,
    load(header) {
      reads.push(header.id)
      const op = byId.get(header.id)!
      expect({author: header.author, at: header.at, parents: header.parents, kind: header.kind, vault: header.vault, problem: header.problem, hasData: header.hasData})
        .toEqual({author: op.author, at: op.at, parents: op.parents, kind: op.kind, vault: op.vault, problem: op.problem, hasData: op.data !== undefined})
      return {data: op.data, body: op.body, signature: op.signature}
    },
  }
}

function restored(history: History, ops: readonly Operation[]): {history: History; reads: string[]} {
  const snapshot = history.snapshot()
  expect(snapshot).toBeDefined()
  const {load, reads} = loaderOf(ops)
  return {history: History.restore(deserialize(serialize(snapshot)) as HistorySnapshot, load), reads}
}

/** Everything commands ask of a history, by operation id (indices too, to hold them to the same order). */
function answers(history: History) {
  const id = (i: number | undefined) => (i === undefined ? undefined : history.op(i).id)
  const names = [...new Set(history.secrets().map((s) => s.name)), 'NOT_THERE']
  const pins = pinView(history)
  return {
    ops: history.ops.map((op) => ({id: op.id, author: op.author, at: op.at, parents: op.parents, kind: op.kind, problem: op.problem, data: op.data})),
    verdicts: history.ops.map((_, i) => history.verdict(i)),
    heads: history.heads,
    voided: history.voided().map((v) => [v.index, v.op.id, v.reason]),
    summaries: history.secrets().map((s) => summarize(history, s, NOW)),
    records: history.secrets().map((s) => ({...s, current: id(s.current), versions: s.versions.map(id)})),
    named: names.map((name) => history.secretsNamed(name).map((s) => [s.name, s.environment, s.branch])),
    forRun: [new Set<string>(), new Set(names.slice(0, 1)), new Set(names)].map((asked) => history.secretsForRun(asked).map((s) => [s.name, s.environment, s.branch])),
    lookups: names.flatMap((name) => ['*', 'production', 'staging'].map((environment) => id(history.secret({name, environment, branch: '*'})?.current))),
    members: history.allMembers(),
    active: history.activeMembers().map((m) => m.id),
    access: {rules: history.access.rules, groups: [...history.access.groups], revoked: [...history.access.revoked].sort(), protected: history.access.protectedBranchPatterns()},
    keys: history.keyScopes().map((scope) => {
      const key = history.currentKey(scope)
      return {scope, keys: history.keysOf(scope).map(id), current: id(key), sealed: key === undefined ? [] : history.sealedCopies(key), holders: key === undefined ? [] : [...history.holders(key)].sort()}
    }),
    readers: ['*', 'production'].map((environment) => history.readersOf({environment, branch: 'main'}).map((m) => m.id)),
    pins: {genesis: pins.genesis, heads: pins.heads(), voided: pins.voided, revoked: [...pins.revoked]},
    log: historyLog(history),
  }
}

describe('a history restored from its snapshot', () => {
  it('answers as the judged history does, over random histories with forks and merges', () => {
    const seen = {exposed: 0, voided: 0, conflicts: 0, revoked: 0}
    for (const seed of SEEDS) {
      const {final, base} = buildScenario(seed)
      for (const ops of [base, final]) {
        const judged = History.of(ops)
        const expected = answers(judged)
        const again = restored(judged, ops)
        expect(answers(again.history), `seed ${seed}`).toEqual(expected)
        // What a run plans with: the secrets asked for by name, and every --variable or bound one.
        const asked = new Set(expected.summaries.filter((_, i) => i % 3 === 0).map((s) => s.name))
        const forRun = (h: History) => h.secretsForRun(asked).map((r) => summarize(h, r, NOW))
        const wanted = expected.summaries.filter((s) => asked.has(s.name) || s.variable || s.ref !== null)
        expect(forRun(judged), `seed ${seed}`).toEqual(wanted)
        expect(forRun(restored(judged, ops).history), `seed ${seed}`).toEqual(wanted)
        seen.exposed += expected.summaries.filter((s) => s.exposed).length
        seen.conflicts += expected.summaries.filter((s) => s.conflict).length
        seen.voided += expected.voided.length
        seen.revoked += expected.access.revoked.length
      }
    }

    // The scenarios reach what a snapshot must carry beyond the plain case.
    for (const [what, count] of Object.entries(seen)) expect(count, what).toBeGreaterThan(5)
  })

  it('lists every secret, with its summary, without reading any operation', () => {
    for (const seed of SEEDS.slice(0, 30)) {
      const {final} = buildScenario(seed)
      const judged = History.of(final)
      const expected = judged.secrets().map((s) => summarize(judged, s, NOW))
      const {history, reads} = restored(judged, final)
      expect(history.secrets().map((s) => summarize(history, s, NOW)), `seed ${seed}`).toEqual(expected)
      expect(reads, `seed ${seed}`).toEqual([])
    }
  })

  it('reads only the operations a secret needs: its version, its key and the key shares', () => {
    const h = new HistoryBuilder()
    h.addMember('alice', 'bob', {role: 'developer'})
    h.rule('alice', 'user:bob', ['read'])
    for (let i = 0; i < 50; i++) h.set('alice', `S${String(i).padStart(2, '0')}`)
    const ops = h.operations()
    const judged = History.of(ops)
    const {history, reads} = restored(judged, ops)
    const secret = history.secret({name: 'S07', environment: '*', branch: '*'})!
    const version = history.version(secret.current)
    expect(version.data.name).toBe('S07')
    expect(reads).toEqual([version.id])
    expect(history.secretsNamed('S07')).toEqual([secret])
    expect(history.secret({name: 'S07', environment: 'production', branch: '*'})).toBeUndefined()
  })

  it('finds what a run may inject from the columns alone: names asked, --variable and bound secrets', () => {
    const h = new HistoryBuilder()
    for (let i = 0; i < 30; i++) h.set('alice', `S${String(i).padStart(2, '0')}`, {variable: i === 7})
    const bound = h.set('alice', 'S_BOUND')
    h.by('alice', {...(bound.data as Extract<Operation['data'], {kind: 'secret.set'}>), ref: 'vault:production/db/password@ops'})
    const ops = h.operations()
    const judged = History.of(ops)
    const {history, reads} = restored(judged, ops)
    const found = history.secretsForRun(new Set(['S03', 'NOT_THERE'])).map((s) => s.name)
    expect(found).toEqual(['S03', 'S07', 'S_BOUND'])
    expect(judged.secretsForRun(new Set(['S03', 'NOT_THERE'])).map((s) => s.name)).toEqual(found)
    expect(reads).toEqual([])
  })

  it('keeps the facts a summary reads from versions carried over from a format-1 vault (their own time and author)', () => {
    const h = new HistoryBuilder()
    const set = h.set('alice', 'OLD')
    const origin = {author: 'user:someone-before', at: '2020-01-01T00:00:00.000Z'}
    h.by('alice', {...(set.data as Extract<Operation['data'], {kind: 'secret.set'}>), origin, description: 'from before'})
    const ops = h.operations()
    const judged = History.of(ops)
    const {history} = restored(judged, ops)
    const [summary] = history.secrets().map((s) => summarize(history, s, NOW))
    expect(summary).toEqual(judged.secrets().map((s) => summarize(judged, s, NOW))[0])
    expect(summary).toMatchObject({updatedAt: origin.at, updatedBy: origin.author, description: 'from before'})
  })
})
