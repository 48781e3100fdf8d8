// Tampering with a real vault file by someone who is not a member (or who edits bytes instead of
// signing): every stored byte is covered by an operation's id (the hash of its body) and its
// author's signature, and every value by the AEAD's associated data. A failure names the
// operation or the secret, and no wrong value is ever returned.
import Database from 'better-sqlite3'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {Identity} from '../../src/crypto/index.js'
import {SecretsError} from '../../src/errors.js'
import {operationId} from '../../src/vault/store/operations.js'
import {Forger} from '../helpers/forge.js'
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

interface Row {
  id: string
  body: Buffer
  signature: Buffer
}

function rows(): Row[] {
  const db = new Database(v.path, {readonly: true})
  try {
    return db.prepare('SELECT id, body, signature FROM ops').all() as Row[]
  } finally {
    db.close()
  }
}

function rowOf(kind: string, name?: string): Row {
  const row = rows().find((r) => {
    const body = JSON.parse(r.body.toString('utf8')) as {kind: string; data: {name?: string}}
    return body.kind === kind && (name === undefined || body.data.name === name)
  })
  if (!row) throw new Error(`no ${kind} ${name ?? ''}`)
  return row
}

function edit(sql: string, ...params: unknown[]): void {
  const db = new Database(v.path)
  db.prepare(sql).run(...params)
  db.close()
}

function read(name: string, environment?: string): string {
  const store = v.store()
  try {
    return text(store.reveal({name, environment}).value)
  } finally {
    store.close()
  }
}

function failure(fn: () => unknown): SecretsError {
  try {
    fn()
  } catch (error) {
    expect(error).toBeInstanceOf(SecretsError)
    return error as SecretsError
  }

  throw new Error('expected an error, but it succeeded')
}

describe('tampering with the file', () => {
  it('reads back untouched values', () => {
    expect(read('DB_PASSWORD')).toBe('password-one')
    expect(read('API_TOKEN', 'production')).toBe('token-two')
  })

  for (const column of ['body', 'signature'] as const) {
    it(`refuses the vault when one byte of an operation's ${column} changed, naming the operation`, () => {
      const row = rowOf('secret.set', 'DB_PASSWORD')
      const changed = Buffer.from(row[column])
      // A byte of the base64 ciphertext: the body stays valid json, so only the id can tell.
      const at = column === 'body' ? changed.indexOf(Buffer.from('"ciphertext":"')) + 16 : changed.length - 1
      changed[at] = changed[at] === 0x41 ? 0x42 : 0x41
      edit(`UPDATE ops SET ${column} = ? WHERE id = ?`, changed, row.id)
      const error = failure(() => read('API_TOKEN', 'production'))
      expect(error.code).toBe('INTEGRITY')
      expect(error.message).toContain(`operation ${row.id.slice(0, 12)}`)
      expect(error.message).toMatch(column === 'body' ? /do not match its id/ : /signature by user:alice does not match/)
    })
  }

  it('refuses an edited description even when the id is recomputed: the signature no longer matches', () => {
    const row = rowOf('secret.set', 'DB_PASSWORD')
    const body = JSON.parse(row.body.toString('utf8')) as {data: {description: string | null}}
    body.data.description = 'edited'
    // Re-spell canonically (sorted keys) so that only the meaning changed.
    const sorted = (value: unknown): unknown =>
      value && typeof value === 'object' && !Array.isArray(value) ? Object.fromEntries(Object.keys(value).sort().map((k) => [k, sorted((value as Record<string, unknown>)[k])])) : value
    const newBody = Buffer.from(JSON.stringify(sorted(body)))
    edit('UPDATE ops SET id = ?, body = ? WHERE id = ?', operationId(newBody), newBody, row.id)
    const error = failure(() => read('DB_PASSWORD'))
    expect(error.code).toBe('INTEGRITY')
    expect(error.message).toMatch(/signature by user:alice does not match|names a parent .* that is not in the vault/)
  })

  it('refuses a vault with an operation deleted from the middle of its history, naming the missing parent', () => {
    const row = rowOf('secret.set', 'DB_PASSWORD')
    edit('DELETE FROM ops WHERE id = ?', row.id)
    const error = failure(() => read('API_TOKEN', 'production'))
    expect(error.code).toBe('INTEGRITY')
    expect(error.message).toContain(`names a parent ${row.id.slice(0, 12)} that is not in the vault`)
  })

  it('refuses an operation copied in from another vault', async () => {
    const other = await tempVault()
    try {
      const store = other.store()
      await store.add(secret('DB_PASSWORD'), async () => bytes('other-vault'))
      store.close()
      const db = new Database(other.path, {readonly: true})
      const foreign = db.prepare('SELECT id, body, signature FROM ops').all() as Row[]
      db.close()
      const target = new Database(v.path)
      for (const r of foreign) target.prepare('INSERT OR IGNORE INTO ops (id, body, signature) VALUES (?, ?, ?)').run(r.id, r.body, r.signature)
      target.close()
      const error = failure(() => read('DB_PASSWORD'))
      expect(error.code).toBe('INTEGRITY')
      expect(error.message).toMatch(/more than one vault\.create|belongs to another vault/)
    } finally {
      other.cleanup()
    }
  })
})

describe('a member moving ciphertexts between operations', () => {
  it("never yields another secret's value: a ciphertext copied under another scope's key does not count", () => {
    const token = rowOf('secret.set', 'API_TOKEN')
    const data = (JSON.parse(token.body.toString('utf8')) as {data: {nonce: string; ciphertext: string; key: string}}).data
    const forger = Forger.open(v.path, Identity.parse(v.owner.toSecretText()))
    const copied = forger.append({
      kind: 'secret.set', name: 'DB_PASSWORD', environment: '*', branch: '*', description: null, rotation_days: null,
      variable: false, file: false, protected: false, ref: null, key: data.key,
      nonce: Buffer.from(data.nonce, 'base64'), ciphertext: Buffer.from(data.ciphertext, 'base64'), origin: null,
    })
    expect(read('DB_PASSWORD')).toBe('password-one')
    const store = v.store()
    try {
      const entry = store.log().entries.find((e) => e.id === copied.id)!
      expect(entry).toMatchObject({valid: false, reason: 'its value is under the key of another scope (environment production, branch *)'})
    } finally {
      store.close()
    }
  })

  it("never yields another secret's value: a ciphertext copied into an operation with a key of its own fails to decrypt", () => {
    const token = rowOf('secret.set', 'API_TOKEN')
    const data = (JSON.parse(token.body.toString('utf8')) as {data: {nonce: string; ciphertext: string}}).data
    const forger = Forger.open(v.path, Identity.parse(v.owner.toSecretText()))
    forger.writeValue({name: 'DB_PASSWORD', environment: '*', branch: '*'}, 'unused', {
      ciphertext: {nonce: Buffer.from(data.nonce, 'base64'), ciphertext: Buffer.from(data.ciphertext, 'base64')},
      to: ['user:alice'],
    })
    const error = failure(() => read('DB_PASSWORD'))
    expect(error.code).toBe('INTEGRITY')
    expect(error.message).toBe('integrity check failed for secret DB_PASSWORD (environment *, branch *): the value does not decrypt in its place')
  })

  it("never yields an old value replayed into a new operation: the ciphertext is bound to its operation's author and parents", async () => {
    const store = v.store()
    await store.rotate({name: 'DB_PASSWORD'}, async () => bytes('password-two'))
    store.close()
    const first = rowOf('secret.set', 'DB_PASSWORD')
    const data = (JSON.parse(first.body.toString('utf8')) as {data: {nonce: string; ciphertext: string; key: string}}).data
    const forger = Forger.open(v.path, Identity.parse(v.owner.toSecretText()))
    // Same key, same ciphertext, new operation: the associated data differs (parents).
    forger.append({
      kind: 'secret.set', name: 'DB_PASSWORD', environment: '*', branch: '*', description: null, rotation_days: null,
      variable: false, file: false, protected: false, ref: null, key: data.key,
      nonce: Buffer.from(data.nonce, 'base64'), ciphertext: Buffer.from(data.ciphertext, 'base64'), origin: null,
    })
    const error = failure(() => read('DB_PASSWORD'))
    expect(error.code).toBe('INTEGRITY')
    expect(error.message).toBe('integrity check failed for secret DB_PASSWORD (environment *, branch *): the value does not decrypt in its place')
  })
})
