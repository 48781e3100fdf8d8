// The textconv text of a format-2 vault: what `git diff` and `git log -p` show. Members, rules,
// keys and secrets as the history model judges them, what does not count and why; never a
// value or any byte of the cryptography; the schema first, so a committed trigger shows.
import {copyFileSync, mkdirSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import Database from 'better-sqlite3'
import {afterEach, beforeAll, beforeEach, describe, expect, it} from 'vitest'

import {loadSodium, toBase64, toHex} from '../../src/crypto/index.js'
import {renderVaultText} from '../../src/git/vault-text.js'
import {createVaultFile} from '../../src/vault/store/database.js'
import {type StoredOp, insertOp, readOps} from '../../src/vault/store/op-table.js'
import {type Operation, decodeOperation, shortId} from '../../src/vault/store/operations.js'
import {TempRepo} from '../helpers/cli.js'
import {HistoryBuilder, identityFor} from '../helpers/history-builder.js'
import {Someone, add, editFile, later, newVault, permit, revoke, rotate, secret} from './vault-sides.js'

let repo: TempRepo
let dir: string

beforeAll(() => loadSodium())

beforeEach(() => {
  repo = new TempRepo()
  dir = join(repo.root, 'files')
  mkdirSync(dir)
})

afterEach(() => repo.cleanup())

/** A vault file holding exactly these operations (in this physical order). */
function vaultOf(rows: readonly StoredOp[], vaultId: string, name = 'vault.db'): string {
  const path = join(dir, name)
  const file = createVaultFile(path, vaultId)
  try {
    file.db.transaction(() => {
      for (const row of rows) insertOp(file.db, row)
    })()
  } finally {
    file.db.close()
  }

  return path
}

const fingerprint = (name: string) => identityFor(name).recipient.fingerprint

describe('renderVaultText on a format-2 history', () => {
  /** Every kind of thing the text shows, in one history built operation by operation. */
  function richHistory() {
    const h = new HistoryBuilder('alice')
    h.addMember('alice', 'bob')
    h.addMember('alice', 'carol', {role: 'reporter'})
    h.addMember('alice', 'ci', {kind: 'machine', environment: 'production', branch: 'main'})
    h.rule('alice', 'user:bob', ['read', 'create', 'update'])
    h.rule('alice', 'user:carol', ['read'], 'production')
    h.group('alice', 'group:ops', ['user:bob'])
    h.rule('alice', 'group:ops', ['read'], 'staging')
    h.protect('alice', ['main', 'release/*'])
    const key = h.key('alice', '*', '*', ['alice', 'bob'])
    const v1 = h.set('alice', 'DB_PASSWORD', {key, description: 'main database'})
    // bob and alice each write a new version without seeing the other's: a conflict.
    h.on('feature')
    const bobs = h.set('bob', 'DB_PASSWORD', {key, description: 'main database'})
    h.on('main')
    const alices = h.set('alice', 'DB_PASSWORD', {key, description: 'main database'})
    h.merge('feature')
    const production = h.key('alice', 'production', '*', ['alice', 'carol'])
    const deploy = h.set('alice', 'DEPLOY_TOKEN', {environment: 'production', key: production, variable: true})
    const url = h.set('alice', 'API_URL')
    h.expose('alice', url)
    // A reporter may read production only: this does not count.
    const denied = h.set('carol', 'NOT_ALLOWED')
    // bob writes on a line that forked before his revocation: void once the lines meet.
    h.on('bob-line', 'main')
    const unseen = h.set('bob', 'BOB_TOKEN', {key})
    h.on('main')
    const revocation = h.revoke('alice', 'bob')
    h.merge('bob-line')
    h.revoke('alice', 'carol')
    return {h, key, v1, bobs, alices, production, deploy, url, denied, unseen, revocation}
  }

  it('shows members (revoked marked), rules, groups, protected branches, keys with holders, secrets with versions, marks and what does not count', () => {
    const {h, key, v1, bobs, alices, production, deploy, url, denied, unseen, revocation} = richHistory()
    const history = h.loaded()
    const current = history.secret({name: 'DB_PASSWORD', environment: '*', branch: '*'})!
    // Of two concurrent versions the one with the larger id is current (both updates by people who may).
    const [first, second] = [alices, bobs].sort((a, b) => (history.indexOf(a.id)! < history.indexOf(b.id)! ? -1 : 1))
    const mark = (op: Operation) => (history.indexOf(op.id) === current.current ? '  current' : '')
    const t = (op: Operation) => op.at
    const by = (op: Operation) => (op === bobs ? 'user:bob' : 'user:alice')

    expect(renderVaultText(vaultOf(h.rows(), h.vaultId))).toEqual([
      'vault vault-under-test',
      'format 2 (schema 3)',
      'schema as secrets makes it',
      `operations 21, heads ${history.heads.map(shortId).join(' ')}`,
      '',
      'members (4)',
      `  user:alice  user  owner  fingerprint ${fingerprint('alice')}  added 2026-01-01T00:00:00.000Z by the vault`,
      `  user:bob  user  developer  fingerprint ${fingerprint('bob')}  added 2026-01-01T00:00:01.000Z by user:alice  REVOKED`,
      `  user:carol  user  reporter  fingerprint ${fingerprint('carol')}  added 2026-01-01T00:00:02.000Z by user:alice  REVOKED`,
      `  machine:ci  machine  reporter  fingerprint ${fingerprint('ci')}  limited to environment production, branch main  added 2026-01-01T00:00:03.000Z by user:alice`,
      '',
      'rules (3)',
      '  group:ops  read  environment staging, branch *',
      '  user:bob  read,create,update  environment *, branch *',
      '  user:carol  read  environment production, branch *',
      '',
      'groups (1)',
      '  group:ops: user:bob',
      '',
      'protected branches main, release/*',
      '',
      'keys (2 scopes)',
      '  environment *, branch *',
      `    key 1  ${t(key)} by user:alice  held by user:alice, user:bob  current`,
      '  environment production, branch *',
      `    key 1  ${t(production)} by user:alice  held by user:alice, user:carol  current`,
      '',
      'secrets (3)',
      // Marked exposed by an operation, its own key held by nobody else.
      '  API_URL  environment *, branch *  EXPOSED to a mark',
      '    flags none',
      `    version 1  ${t(url)} by user:alice  own key  current`,
      // Revoked bob holds its key (and may have written the current version).
      '  DB_PASSWORD  environment *, branch *  CONFLICT  EXPOSED to user:bob',
      '    description "main database"',
      '    flags none',
      `    version 1  ${t(v1)} by user:alice  key ${shortId(key.id)}`,
      `    version 2  ${t(first!)} by ${by(first!)}  key ${shortId(key.id)}${mark(first!)}`,
      `    version 3  ${t(second!)} by ${by(second!)}  key ${shortId(key.id)}${mark(second!)}`,
      '  DEPLOY_TOKEN  environment production, branch *  EXPOSED to user:carol',
      '    flags variable',
      `    version 1  ${t(deploy)} by user:alice  key ${shortId(production.id)}  current`,
      '',
      'operations that do not count (2)',
      ...[
        [denied, `${shortId(denied.id)} (set NOT_ALLOWED (environment *, branch *), by user:carol): user:carol (reporter) could not create secret NOT_ALLOWED in environment *, branch * in the history it saw`],
        [unseen, `${shortId(unseen.id)} (set BOB_TOKEN (environment *, branch *), by user:bob): user:bob wrote it in a history that had not seen their revocation by user:alice (${shortId(revocation.id)})`],
      ]
        .sort(([a], [b]) => history.indexOf((a as Operation).id)! - history.indexOf((b as Operation).id)!)
        .map(([, line]) => `  ${line as string}`),
    ])
    // One of the two concurrent versions is current, whichever it is.
    expect([history.indexOf(alices.id), history.indexOf(bobs.id)]).toContain(current.current)
  })

  it('renders the same history the same way whatever order its rows are stored in (a merge appends in its own order)', () => {
    const {h} = richHistory()
    const rows = h.rows()
    const inOrder = renderVaultText(vaultOf(rows, h.vaultId, 'a.db'))
    const reversed = renderVaultText(vaultOf([...rows].reverse(), h.vaultId, 'b.db'))
    expect(reversed).toEqual(inOrder)
    expect(inOrder.length).toBeGreaterThan(20)
  })

  it('renders a copy of the file as the original, and the same file twice alike (git hands over temporary copies)', () => {
    const {h} = richHistory()
    const path = vaultOf(h.rows(), h.vaultId)
    const copy = join(dir, 'copy.db')
    copyFileSync(path, copy)
    expect(renderVaultText(copy)).toEqual(renderVaultText(path))
    expect(renderVaultText(path)).toEqual(renderVaultText(path))
  })

  it('shows an INTEGRITY line, and no members or secrets, for a history with an operation deleted', () => {
    const h = new HistoryBuilder('alice')
    h.addMember('alice', 'bob')
    const rule = h.rule('alice', 'user:bob', ['read'])
    const after = h.set('alice', 'DB_PASSWORD')
    const path = vaultOf(h.rows().filter((r) => r.id !== rule.id), h.vaultId)

    expect(renderVaultText(path)).toEqual([
      'vault vault-under-test',
      'format 2 (schema 3)',
      'schema as secrets makes it',
      'operations 3',
      `INTEGRITY: integrity check failed: operation ${shortId(after.id)} names a parent ${shortId(rule.id)} that is not in the vault (an operation was deleted)`,
    ])
  })

  it('shows an INTEGRITY line for an operation whose bytes were changed', () => {
    const h = new HistoryBuilder('alice')
    const op = h.set('alice', 'DB_PASSWORD')
    const rows = h.rows().map((r) => (r.id === op.id ? {...r, body: Buffer.from(Buffer.from(r.body).toString('latin1').replace('DB_PASSWORD', 'DB_PASSWORT'), 'latin1')} : r))
    const lines = renderVaultText(vaultOf(rows, h.vaultId))
    expect(lines.at(-1)).toBe(`INTEGRITY: integrity check failed for operation ${shortId(op.id)}: its bytes do not match its id`)
    expect(lines).not.toContain('secrets (1)')
  })
})

describe('renderVaultText on a vault written by secrets', () => {
  let path: string
  const values = ['hunter2-db-password', 'hunter3-db-password', 'deploy-key-value-xyz', 'token-written-by-bob']

  beforeEach(async () => {
    const alice = new Someone('user:alice')
    const bob = new Someone('user:bob')
    path = join(dir, 'repo-vault', 'vault.db')
    newVault(path, alice)
    await add(path, alice, later(1), secret('DB_PASSWORD', {description: 'main "primary" database', rotationDays: 30}), values[0]!)
    await add(
      path, alice, later(2),
      secret('DEPLOY_KEY', {environment: 'review/*', branch: 'release/*', variable: true, file: true, protected: true, ref: {provider: 'vault', reference: 'ops/deploy/key@kv'}}),
      values[2]!,
    )
    await rotate(path, alice, later(3), 'DB_PASSWORD', values[1]!)
    await permit(path, alice, later(4), bob, ['read', 'create'])
    await add(path, bob, later(5), secret('BOB_TOKEN'), values[3]!)
    // Revoking a reader re-keys: more keys and sealed boxes to keep out of the text.
    await revoke(path, alice, later(6), bob)
  })

  it('shows names, scopes, metadata, versions and authors', () => {
    const lines = renderVaultText(path)
    const db = lines.indexOf('  DB_PASSWORD  environment *, branch *  EXPOSED to user:bob')
    expect(db).toBeGreaterThan(0)
    expect(lines.slice(db, db + 6)).toEqual([
      '  DB_PASSWORD  environment *, branch *  EXPOSED to user:bob',
      '    description "main \\"primary\\" database"',
      '    flags none',
      '    rotation every 30 days',
      expect.stringMatching(new RegExp(`^    version 1  ${later(1).toISOString()} by user:alice  key [0-9a-f]{12}$`)),
      expect.stringMatching(new RegExp(`^    version 2  ${later(3).toISOString()} by user:alice  key [0-9a-f]{12}  current$`)),
    ])
    expect(lines).toContain('  DEPLOY_KEY  environment review/*, branch release/*  EXPOSED to user:bob')
    expect(lines).toContain('    flags variable file protected')
    expect(lines).toContain('    ref vault:ops/deploy/key@kv')
    expect(lines).toContain('  BOB_TOKEN  environment *, branch *  EXPOSED to user:bob')
    expect(lines.some((l) => l.startsWith('  user:bob  user  developer  ') && l.endsWith('  REVOKED'))).toBe(true)
    // The revocation re-keyed both scopes bob could read: the new keys are held by alice alone.
    const keys = lines.indexOf('keys (2 scopes)')
    expect(lines.slice(keys, keys + 7)).toEqual([
      'keys (2 scopes)',
      '  environment *, branch *',
      `    key 1  ${later(0).toISOString()} by user:alice  held by user:alice, user:bob`,
      `    key 2  ${later(6).toISOString()} by user:alice  held by user:alice  current`,
      '  environment review/*, branch release/*',
      `    key 1  ${later(2).toISOString()} by user:alice  held by user:alice, user:bob`,
      `    key 2  ${later(6).toISOString()} by user:alice  held by user:alice  current`,
    ])
  })

  it('never shows a value, nonce, ciphertext, sealed key, commitment or signature, in hex or base64', () => {
    const output = renderVaultText(path).join('\n')
    for (const value of values) expect(output).not.toContain(value)

    const db = new Database(path, {readonly: true})
    const ops = readOps(db).map((r) => decodeOperation(r.id, new Uint8Array(r.body), new Uint8Array(r.signature)))
    db.close()
    const blobs = ops.flatMap((op) => [op.signature, ...bytesIn(op.data)])
    // Nonces, ciphertexts, commitments, sealed boxes (key.add and inline keys), signatures.
    expect(blobs.length).toBeGreaterThan(ops.length * 2)
    for (const blob of blobs) {
      for (const text of [toHex(blob), toBase64(blob), Buffer.from(blob).toString('base64url')]) expect(output).not.toContain(text.slice(0, 16))
    }
  })

  it('shows a trigger added to the file, with its SQL, before anything else (every command refuses that file)', () => {
    editFile(path, (db) => db.exec('CREATE TRIGGER forget_ops AFTER INSERT ON ops BEGIN DELETE FROM ops WHERE id = NEW.id; END'))
    const lines = renderVaultText(path)
    expect(lines.slice(2, 4)).toEqual([
      'schema NOT as secrets makes it (every command refuses this file):',
      '  unexpected trigger forget_ops on ops: CREATE TRIGGER forget_ops AFTER INSERT ON ops BEGIN DELETE FROM ops WHERE id = NEW.id; END',
    ])
    // The rest still shows, so the diff shows only what changed.
    expect(lines).toContain('  DB_PASSWORD  environment *, branch *  EXPOSED to user:bob')
  })

  it('keeps a trigger written over several lines on one line of text', () => {
    editFile(path, (db) => db.exec('CREATE TRIGGER t\nAFTER INSERT ON ops\nBEGIN\n  DELETE FROM ops;\nEND'))
    expect(renderVaultText(path)[3]).toBe('  unexpected trigger t on ops: CREATE TRIGGER t\\u000aAFTER INSERT ON ops\\u000aBEGIN\\u000a  DELETE FROM ops;\\u000aEND')
  })
})

describe('renderVaultText on files that are not vaults', () => {
  it('prints nothing for a missing, empty, text or foreign SQLite file', () => {
    const empty = join(dir, 'empty')
    writeFileSync(empty, '')
    const text = join(dir, 'text')
    writeFileSync(text, 'hello\n')
    const foreign = join(dir, 'foreign.db')
    const db = new Database(foreign)
    db.exec('CREATE TABLE ops (id TEXT PRIMARY KEY, body BLOB, signature BLOB)')
    db.close()
    for (const path of ['/dev/null', join(dir, 'missing'), empty, text, foreign]) expect(renderVaultText(path)).toEqual([])
  })

  it('prints nothing for a file that only claims to be a vault by its first bytes', () => {
    const fake = join(dir, 'fake.db')
    writeFileSync(fake, Buffer.concat([Buffer.from('SQLite format 3\0', 'latin1'), Buffer.alloc(200, 0xff)]))
    expect(renderVaultText(fake)).toEqual([])
  })
})

/** Every byte array in an operation's data (nested in keys and sealed lists too). */
function bytesIn(value: unknown): Uint8Array[] {
  if (value instanceof Uint8Array) return [value]
  if (Array.isArray(value)) return value.flatMap(bytesIn)
  if (value !== null && typeof value === 'object') return Object.values(value).flatMap(bytesIn)
  return []
}
