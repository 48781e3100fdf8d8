// A member who may only create secrets (in any scope, say review/*) writes a value whose inline
// key carries a box for the owner that opens to another key than the one it commits to, and no box
// for the scope's other readers. The version counts (inline keys are not judged). From then on
// every `permit` — adding anyone, and revoking the attacker — runs shareWithReaders, which tries
// to open every key that some reader lacks (src/vault/keys/share-keys.ts:17-20), hits the bad box,
// and aborts the whole transaction with an integrity error. Rotating or removing the secret does
// not help: the key stays in the history. The attacker cannot be revoked with the CLI.
import {afterEach, beforeAll, beforeEach, describe, expect, it} from 'vitest'

import {encryptOpValue, generateDataKey, keyCommitment, loadSodium} from '../../src/crypto/index.js'
import {Team} from '../helpers/team.js'

let team: Team

beforeAll(async () => {
  await loadSodium()
})

beforeEach(async () => {
  team = await Team.create()
  await team.ok('alice', ['add', 'DB_PASSWORD'], {input: 'v1'})
  await team.permit('bob', 'developer', 'read')
  await team.permit('mallory', 'developer', 'create', 'review/*')
  await team.commit('bob reads, mallory may create review secrets')

  const mallory = await team.forger('mallory')
  const target = {name: 'REVIEW_TOKEN', environment: 'review/*', branch: '*'}
  const parents = [...mallory.heads()].sort()
  const committed = generateDataKey()
  const [alice] = mallory.recipientsOf(['user:alice'])
  const {nonce, ciphertext} = encryptOpValue(committed, {vaultId: mallory.vaultId, author: mallory.author, parents, ...target, key: 'inline'}, new TextEncoder().encode('x'))
  mallory.append(
    {
      kind: 'secret.set', ...target, description: null, rotation_days: null, variable: false, file: false, protected: false, ref: null,
      // alice's box holds a different key than the commitment: it opens, and does not match
      key: {commitment: keyCommitment(committed), sealed: [{member: alice!.id, box: alice!.recipient.seal(generateDataKey())}]},
      nonce, ciphertext, origin: null,
    },
    {parents},
  )
  await team.commit('mallory: a review token')
})

afterEach(() => team.cleanup())

describe('a poisoned inline key', () => {
  it('does not stop the owner from revoking its author', async () => {
    const result = await team.run('alice', ['permit', 'user:mallory', '--revoke'])
    console.log(result.stderr)
    expect(result.code).toBe(0)
  })

  it('does not stop the owner from adding a member, even after removing the secret', async () => {
    await team.run('alice', ['remove', 'REVIEW_TOKEN', '--environment', 'review/*'])
    const result = await team.run('alice', ['permit', 'user:carol', '--recipient', await team.recipient('carol'), '--role', 'developer', '--scopes', 'read'])
    expect(result.code).toBe(0)
  })
})
