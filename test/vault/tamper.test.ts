// Tampering with a real vault file: every stored byte that matters is covered by a signature
// or by the AEAD's associated data, and a failure names the secret.
import Database from 'better-sqlite3'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {SecretsError} from '../../src/errors.js'
import {bytes, secret, tempVault, text} from '../helpers/vault.js'

let v: Awaited<ReturnType<typeof tempVault>>

beforeEach(async () => {
  v = await tempVault()
  const store = v.store()
  await store.add(secret('DB_PASSWORD'), async () => bytes('password-one'))
  await store.add(secret('API_TOKEN', {environment: 'production'}), async () => bytes('token-two'))
  store.close()
})

afterEach(() => v.cleanup())

function edit(sql: string, ...params: unknown[]): void {
  const db = new Database(v.path)
  db.prepare(sql).run(...params)
  db.close()
}

function read(name: string): string {
  const store = v.store()
  try {
    return text(store.reveal({name}).value)
  } finally {
    store.close()
  }
}

function expectIntegrityFailure(name: string): SecretsError {
  let caught: unknown
  try {
    read(name)
  } catch (error) {
    caught = error
  }

  expect(caught).toBeInstanceOf(SecretsError)
  const failure = caught as SecretsError
  expect(failure.code).toBe('INTEGRITY')
  expect(failure.message).toContain(`secret ${name}`)
  return failure
}

describe('tampering', () => {
  it('reads back untouched values', () => {
    expect(read('DB_PASSWORD')).toBe('password-one')
    expect(read('API_TOKEN')).toBe('token-two')
  })

  for (const column of ['ciphertext', 'nonce', 'signature']) {
    it(`detects one changed byte of a version's ${column}`, () => {
      const db = new Database(v.path)
      const row = db.prepare(`SELECT v.id, v.${column} AS bytes FROM versions v JOIN secrets s ON s.id = v.secret_id WHERE s.name = 'DB_PASSWORD'`).get() as {id: string; bytes: Buffer}
      const changed = Buffer.from(row.bytes)
      changed[changed.length - 1]! ^= 0x01
      db.prepare(`UPDATE versions SET ${column} = ? WHERE id = ?`).run(changed, row.id)
      db.close()
      expectIntegrityFailure('DB_PASSWORD')
    })
  }

  for (const [column, value] of [['description', 'edited'], ['rotation_days', 30], ['ref', 'vault:x/y@z'], ['variable', 1]] as const) {
    it(`detects an edited ${column} on the secret`, () => {
      edit(`UPDATE secrets SET ${column} = ? WHERE name = 'DB_PASSWORD'`, value)
      expectIntegrityFailure('DB_PASSWORD')
    })
  }

  it('detects a renamed secret (the name is bound to its ciphertext)', () => {
    edit(`UPDATE secrets SET name = 'RENAMED' WHERE name = 'DB_PASSWORD'`)
    expectIntegrityFailure('RENAMED')
  })

  it('detects a secret moved to another scope', () => {
    edit(`UPDATE secrets SET environment = 'staging' WHERE name = 'API_TOKEN'`)
    expectIntegrityFailure('API_TOKEN')
  })

  it('never yields another row\'s value when ciphertexts are swapped between rows', () => {
    const db = new Database(v.path)
    const rows = db.prepare(`SELECT v.id, v.nonce, v.ciphertext, v.data_key_id, v.signature FROM versions v`).all() as Array<Record<string, unknown>>
    const [a, b] = rows as [Record<string, unknown>, Record<string, unknown>]
    const swap = db.prepare('UPDATE versions SET nonce = ?, ciphertext = ?, data_key_id = ?, signature = ? WHERE id = ?')
    swap.run(b.nonce, b.ciphertext, b.data_key_id, b.signature, a.id)
    swap.run(a.nonce, a.ciphertext, a.data_key_id, a.signature, b.id)
    db.close()
    expectIntegrityFailure('DB_PASSWORD')
    expectIntegrityFailure('API_TOKEN')
  })

  it('never yields another row\'s value when a version is re-pointed at another secret', () => {
    const db = new Database(v.path)
    const token = db.prepare(`SELECT id FROM secrets WHERE name = 'API_TOKEN'`).get() as {id: string}
    const password = db.prepare(`SELECT id FROM secrets WHERE name = 'DB_PASSWORD'`).get() as {id: string}
    // Make the token's version look like the newest version of DB_PASSWORD.
    db.prepare(`UPDATE versions SET secret_id = ?, created_at = '2099-01-01T00:00:00.000Z' WHERE secret_id = ?`).run(password.id, token.id)
    db.close()
    expectIntegrityFailure('DB_PASSWORD')
  })

  it('refuses a sealed key swapped for a key that is not the committed one', () => {
    const db = new Database(v.path)
    const keys = db.prepare('SELECT id, sealed FROM sealed_keys ORDER BY id').all() as Array<{id: string; sealed: Buffer}>
    expect(keys.length).toBe(2)
    const [first, second] = keys as [{id: string; sealed: Buffer}, {id: string; sealed: Buffer}]
    db.prepare('UPDATE sealed_keys SET sealed = ? WHERE id = ?').run(second.sealed, first.id)
    db.prepare('UPDATE sealed_keys SET sealed = ? WHERE id = ?').run(first.sealed, second.id)
    db.close()
    expectIntegrityFailure('DB_PASSWORD')
  })

  it('refuses a member row edited outside secrets', () => {
    edit(`UPDATE members SET role = 'reporter'`)
    let caught: unknown
    try {
      read('DB_PASSWORD')
    } catch (error) {
      caught = error
    }

    expect(caught).toMatchObject({code: 'INTEGRITY'})
    expect((caught as Error).message).toContain('member user:alice')
  })
})
