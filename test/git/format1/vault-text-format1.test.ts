// The textconv text: what `git diff` shows of the vault. Names, scopes, versions and authors;
// never a value, whatever else changes.
import {copyFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import Database from 'better-sqlite3'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {renderVaultText} from '../../src/git/vault-text.js'
import {NOW, bytes, secret, tempVault} from '../helpers/vault.js'

let v: Awaited<ReturnType<typeof tempVault>>

beforeEach(async () => {
  v = await tempVault()
  const store = v.store()
  await store.add(secret('DB_PASSWORD', {description: 'main "primary" database', rotationDays: 30}), async () => bytes('hunter2-db-password'))
  await store.add(secret('DEPLOY_KEY', {environment: 'review/*', branch: 'release/*', variable: true, file: true, protected: true, ref: {provider: 'vault', reference: 'ops/deploy/key@kv'}}), async () => bytes('deploy-key-value-xyz'))
  await store.add(secret('OLD_TOKEN'), async () => bytes('old-token-value'))
  store.remove({name: 'OLD_TOKEN'})
  store.close()
})

afterEach(() => v.cleanup())

describe('renderVaultText', () => {
  it('shows the vault, members, keys and every secret with its versions and authors', async () => {
    const store = v.store()
    await store.rotate({name: 'DB_PASSWORD'}, async () => bytes('hunter3-db-password'))
    store.close()

    const lines = renderVaultText(v.path)
    const fingerprint = v.owner.recipient.fingerprint

    expect(lines[0]).toMatch(/^vault [0-9a-f]{32}$/)
    expect(lines).toContain(`  user:alice  user  owner  fingerprint ${fingerprint}  added ${NOW.toISOString()} by user:alice`)
    expect(lines).toContain('    data key environment * branch *  sealed to user:alice')
    const db = lines.indexOf('  DB_PASSWORD  environment *  branch *')
    expect(lines.slice(db, db + 7)).toEqual([
      '  DB_PASSWORD  environment *  branch *',
      '    description "main \\"primary\\" database"',
      '    flags none',
      '    rotation every 30 days',
      `    created ${NOW.toISOString()} by user:alice`,
      `    version 1  ${NOW.toISOString()} by user:alice  key epoch 1`,
      `    version 2  ${new Date(NOW.getTime() + 1).toISOString()} by user:alice  key epoch 1  current`,
    ])
    expect(lines).toContain('  DEPLOY_KEY  environment review/*  branch release/*')
    expect(lines).toContain('    flags variable file protected')
    expect(lines).toContain('    ref vault:ops/deploy/key@kv')
    expect(lines).toContain('  OLD_TOKEN  environment *  branch *  REMOVED')
    expect(lines.some((l) => l.startsWith('    removed ') && l.endsWith(' by user:alice'))).toBe(true)
  })

  it('never shows a value, nonce or ciphertext', () => {
    const output = renderVaultText(v.path).join('\n')
    for (const value of ['hunter2-db-password', 'deploy-key-value-xyz', 'old-token-value']) expect(output).not.toContain(value)
    const db = new Database(v.path, {readonly: true})
    const blobs = db.prepare('SELECT nonce, ciphertext FROM versions UNION ALL SELECT sealed, NULL FROM sealed_keys').all() as Array<{nonce: Buffer; ciphertext: Buffer | null}>
    db.close()
    for (const row of blobs) {
      for (const blob of [row.nonce, row.ciphertext]) {
        if (!blob) continue
        for (const encoding of ['hex', 'base64'] as const) expect(output).not.toContain(blob.toString(encoding).slice(0, 16))
      }
    }
  })

  it('is stable: the same file renders the same lines', () => {
    expect(renderVaultText(v.path)).toEqual(renderVaultText(v.path))
  })

  it('counts the rows of tables it does not know', () => {
    const db = new Database(v.path)
    db.exec("CREATE TABLE zz_marks (id TEXT PRIMARY KEY) STRICT; INSERT INTO zz_marks VALUES ('a'), ('b')")
    db.close()
    const lines = renderVaultText(v.path)
    expect(lines.at(-1)).toBe('  zz_marks: 2 rows')
    expect(lines).toContain('other tables')
  })

  it('prints nothing for a missing, empty or foreign file', () => {
    const empty = join(v.dir, 'empty')
    writeFileSync(empty, '')
    const text = join(v.dir, 'text')
    writeFileSync(text, 'hello\n')
    const other = join(v.dir, 'other.db')
    new Database(other).exec('CREATE TABLE t (x)')
    for (const path of ['/dev/null', join(v.dir, 'missing'), empty, text, other]) expect(renderVaultText(path)).toEqual([])
  })

  it('renders a copy of the vault the same way (git hands it temporary copies)', () => {
    const copy = join(v.dir, 'copy.db')
    copyFileSync(v.path, copy)
    expect(renderVaultText(copy)).toEqual(renderVaultText(v.path))
  })
})
