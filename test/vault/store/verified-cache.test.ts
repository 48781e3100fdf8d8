import {createHmac} from 'node:crypto'
import {chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {verifiedKeyPath} from '../../../src/vault/store/private-cache.js'
import {openVerifiedRecord, verifiedRecordPath} from '../../../src/vault/store/verified-cache.js'

const VAULT = '0123456789abcdef0123456789abcdef'
const ID = 'a'.repeat(64)
const BODY = new TextEncoder().encode('{"v":2}')
const row = (id: string, signature: Uint8Array, body: Uint8Array = BODY) => ({id, body, signature})
let root: string
let dirs: {cacheDir: string; configDir: string; projects: string[]}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'verified-cache-'))
  dirs = {cacheDir: join(root, 'cache'), configDir: join(root, 'config'), projects: []}
})

afterEach(() => rmSync(root, {recursive: true, force: true}))

describe('the record of verified rows', () => {
  it('remembers an exact row (id, bytes and signature) once saved, and nothing else', () => {
    const signature = new Uint8Array(64).fill(3)
    const record = openVerifiedRecord(dirs, VAULT)!
    record.add(row(ID, signature))
    expect(openVerifiedRecord(dirs, VAULT)!.has(row(ID, signature))).toBe(false)
    record.save()
    const again = openVerifiedRecord(dirs, VAULT)!
    expect(again.has(row(ID, signature))).toBe(true)
    expect(again.has(row(ID, new Uint8Array(64).fill(4)))).toBe(false)
    expect(again.has(row('b'.repeat(64), signature))).toBe(false)
    // The same id and signature over other bytes: not the row that was verified.
    expect(again.has(row(ID, signature, new TextEncoder().encode('{"v":3}')))).toBe(false)
    // Another vault's record is another file.
    expect(openVerifiedRecord(dirs, 'f'.repeat(32))!.has(row(ID, signature))).toBe(false)
  })

  it('keeps its key and record to this user: 0600 files in 0700 directories', () => {
    const record = openVerifiedRecord(dirs, VAULT)!
    record.add(row(ID, new Uint8Array(64)))
    record.save()
    for (const file of [verifiedKeyPath(dirs.configDir), verifiedRecordPath(dirs.cacheDir, VAULT)]) {
      expect(statSync(file).mode & 0o777).toBe(0o600)
      expect(statSync(join(file, '..')).mode & 0o777).toBe(0o700)
    }

    expect(readFileSync(verifiedKeyPath(dirs.configDir)).length).toBe(32)
  })

  it('vouches for nothing it did not write itself: entries made without its key count for nothing', () => {
    // Whoever knows the row (anyone with the vault) can compute any unkeyed digest, or guess a key.
    const signature = new Uint8Array(64).fill(9)
    openVerifiedRecord(dirs, VAULT)!.save()
    const path = verifiedRecordPath(dirs.cacheDir, VAULT)
    const lengths = Buffer.from([0, 0, 0, BODY.length, 0, 0, 0, 64])
    const forged = [Buffer.alloc(32), Buffer.alloc(32, 1)].map((key) => createHmac('sha256', key).update(lengths).update(ID).update(BODY).update(signature).digest())
    writeFileSync(path, Buffer.concat(forged), {mode: 0o600})
    expect(openVerifiedRecord(dirs, VAULT)!.has(row(ID, signature))).toBe(false)
  })

  it('is not used at all where someone else could have written it', () => {
    // Inside a git worktree (a CI cache kept in the checkout), or a shared, writable directory.
    const inRepo = {cacheDir: join(root, 'repo', '.cache'), configDir: join(root, 'repo', '.config'), projects: []}
    mkdirSync(join(root, 'repo', '.git'), {recursive: true})
    expect(openVerifiedRecord(inRepo, VAULT)).toBeUndefined()
    expect(openVerifiedRecord({...dirs, cacheDir: inRepo.cacheDir}, VAULT)).toBeUndefined()
    mkdirSync(join(dirs.configDir, 'secrets'), {recursive: true})
    chmodSync(join(dirs.configDir, 'secrets'), 0o777)
    expect(openVerifiedRecord(dirs, VAULT)).toBeUndefined()
  })

  it('reads a symlink, a device or a file of the wrong size as no record, without hanging', () => {
    const record = openVerifiedRecord(dirs, VAULT)!
    record.save()
    const path = verifiedRecordPath(dirs.cacheDir, VAULT)
    symlinkSync('/dev/zero', path)
    expect(openVerifiedRecord(dirs, VAULT)!.has(row(ID, new Uint8Array(64)))).toBe(false)
    rmSync(path)
    writeFileSync(path, Buffer.alloc(33, 1), {mode: 0o600})
    expect(openVerifiedRecord(dirs, VAULT)!.has(row(ID, new Uint8Array(64)))).toBe(false)
    // A key that is a symlink (to a key someone else chose) is no key: no record at all.
    rmSync(verifiedKeyPath(dirs.configDir))
    symlinkSync('/dev/zero', verifiedKeyPath(dirs.configDir))
    expect(openVerifiedRecord(dirs, VAULT)).toBeUndefined()
  })

  it('names no file for a vault id that is not one', () => {
    for (const id of ['../../etc', '', 'A'.repeat(32), `${VAULT}0`]) expect(openVerifiedRecord(dirs, id)).toBeUndefined()
  })

  it('keeps what it knew when it adds more', () => {
    const first = openVerifiedRecord(dirs, VAULT)!
    first.add(row(ID, new Uint8Array(64)))
    first.save()
    const second = openVerifiedRecord(dirs, VAULT)!
    second.add(row('c'.repeat(64), new Uint8Array(64)))
    second.save()
    expect(readFileSync(verifiedRecordPath(dirs.cacheDir, VAULT)).length).toBe(64)
    expect(openVerifiedRecord(dirs, VAULT)!.has(row(ID, new Uint8Array(64)))).toBe(true)
  })
})
