import {it, expect} from 'vitest'
import Database from 'better-sqlite3'
import {loadSodium} from '../../src/crypto/index.js'
import {encodeOperation, signOperation} from '../../src/vault/store/operations.js'
import {Team} from '../helpers/team.js'
import {statSync} from 'node:fs'

it('fanout cli', async () => {
  await loadSodium()
  const team = new Team()
  team.permit('bob', 'reporter')
  const f = team.forger('bob')
  const genesis = team.history().ops[0]!.id
  const bob = team.identity('bob')
  const N = Number(process.env.N ?? 40000)
  const db = new Database(team.repo.vaultPath)
  const ins = db.prepare('INSERT INTO ops (id, body, signature) VALUES (?, ?, ?)')
  db.transaction(() => {
    for (let i = 0; i < N; i++) {
      const {id, body} = encodeOperation({vault: f.vaultId, author: f.author, at: '2026-01-01T00:00:00.000Z', parents: [genesis], data: {kind: 'secret.remove', name: `X${i}`, environment: '*', branch: '*'}})
      ins.run(id, body, signOperation(bob, body))
    }
  })()
  db.close()
  console.log('size MB', statSync(team.repo.vaultPath).size / 1e6)
  const t = Date.now()
  const r = team.run('alice', ['list'])
  console.log('code', r.code, 'ms', Date.now() - t, 'stderr', r.stderr.slice(0, 600))
  team.cleanup()
}, 600000)
