// An operation's own time must be a real date (operations.ts checks Date.parse), but a version's
// `origin.at` — the time `secrets upgrade` carries over, which any writer may set — is checked
// only against the ISO pattern (src/vault/store/operations.ts:266). `2026-99-99T99:99:99Z` passes;
// with a rotation reminder, summarize() computes `new Date(NaN).toISOString()` and throws. Every
// command that lists secrets — list, check, run (for any job), and remove of that very secret —
// then fails for everyone with "error: invalid time value", naming nothing. A developer who may
// create secrets anywhere (say review/*) takes down every CI run of the project.
import {writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {afterEach, beforeAll, beforeEach, describe, expect, it} from 'vitest'

import {encryptOpValue, generateDataKey, keyCommitment, loadSodium} from '../../src/crypto/index.js'
import {ExitCode} from '../../src/errors.js'
import {Team} from '../helpers/team.js'

let team: Team

beforeAll(async () => {
  await loadSodium()
})

beforeEach(async () => {
  team = await Team.create()
  writeFileSync(join(team.repo.dir, '.gitlab-ci.yml'), `
deploy:
  environment: production
  script: [ "true" ]
  secrets:
    DB_PASSWORD:
      gitlab_secrets_manager: {name: DB_PASSWORD}
`)
  await team.ok('alice', ['add', 'DB_PASSWORD', '--environment', 'production'], {input: 'prod-v1'})
  await team.permit('carol', 'developer', 'create', 'review/*')
  await team.commit('carol may create review secrets')

  // carol's own tool: a review secret with a reminder and an impossible origin time
  const carol = await team.forger('carol')
  const target = {name: 'REVIEW_TOKEN', environment: 'review/*', branch: '*'}
  const parents = [...carol.heads()].sort()
  const key = generateDataKey()
  const [alice] = carol.recipientsOf(['user:alice'])
  const {nonce, ciphertext} = encryptOpValue(key, {vaultId: carol.vaultId, author: carol.author, parents, ...target, key: 'inline'}, new TextEncoder().encode('review-value'))
  carol.append(
    {
      kind: 'secret.set', ...target, description: null, rotation_days: 30, variable: false, file: false, protected: false, ref: null,
      key: {commitment: keyCommitment(key), sealed: [{member: alice!.id, box: alice!.recipient.seal(key)}]}, nonce, ciphertext,
      origin: {author: 'user:carol', at: '2026-99-99T99:99:99Z'},
    },
    {parents},
  )
  await team.commit('carol: a review token')
})

afterEach(() => team.cleanup())

describe('a version whose origin time is not a date', () => {
  it('does not stop list, check or an unrelated run; it is ignored or named', async () => {
    const list = await team.run('alice', ['list'])
    const check = await team.run('alice', ['check'])
    const run = await team.run('alice', ['run', '--job', 'deploy', '--', 'true'])
    console.log([list, check, run].map((r) => `${r.code}: ${r.stderr.split('\n')[0]}`).join('\n'))
    expect(list.code).toBe(0)
    expect(run.code).toBe(0)
    expect(check.stderr).not.toContain('invalid time value')
  })

  it('the version never counted: there is nothing for an owner to remove, and the log says why', async () => {
    const removed = await team.run('alice', ['remove', 'REVIEW_TOKEN', '--environment', 'review/*'])
    expect(removed.code).toBe(ExitCode.NOT_FOUND)
    const log = JSON.parse((await team.ok('alice', ['log', '--json'])).stdout) as {entries: {kind: string; valid: boolean; reason: string | null}[]}
    expect(log.entries.filter((e) => e.kind === 'secret.set' && !e.valid).map((e) => e.reason)).toEqual(['its fields are malformed (its origin is malformed)'])
  })
})
