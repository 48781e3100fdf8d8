import {mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {openVerifiedRecord, verifiedRecordPath} from '../../../src/vault/store/verified-cache.js'

const VAULT = '0123456789abcdef0123456789abcdef'
const ID = 'a'.repeat(64)
const BODY = new TextEncoder().encode('{"v":2}')
const row = (id: string, signature: Uint8Array, body: Uint8Array = BODY) => ({id, body, signature})
let dir: string

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'verified-cache-'))
})

afterEach(() => rmSync(dir, {recursive: true, force: true}))

describe('the record of verified operations', () => {
  it('remembers an exact row (id, bytes and signature) once saved, and nothing else', () => {
    const signature = new Uint8Array(64).fill(3)
    const record = openVerifiedRecord(dir, VAULT)!
    record.add(row(ID, signature))
    expect(openVerifiedRecord(dir, VAULT)!.has(row(ID, signature))).toBe(false)
    record.save()
    const again = openVerifiedRecord(dir, VAULT)!
    expect(again.has(row(ID, signature))).toBe(true)
    expect(again.has(row(ID, new Uint8Array(64).fill(4)))).toBe(false)
    expect(again.has(row('b'.repeat(64), signature))).toBe(false)
    // The same id and signature over other bytes: not the row that was verified.
    expect(again.has(row(ID, signature, new TextEncoder().encode('{"v":3}')))).toBe(false)
    // Another vault's record is another file.
    expect(openVerifiedRecord(dir, 'f'.repeat(32))!.has(row(ID, signature))).toBe(false)
  })

  it('reads anything unusable as an empty record, and names no file for an id that is not one', () => {
    const path = verifiedRecordPath(dir, VAULT)
    mkdirSync(join(path, '..'), {recursive: true})
    writeFileSync(path, Buffer.alloc(33, 1))
    expect(openVerifiedRecord(dir, VAULT)!.has(row(ID, new Uint8Array(64)))).toBe(false)
    for (const id of ['../../etc', '', 'A'.repeat(32), `${VAULT}0`]) expect(openVerifiedRecord(dir, id)).toBeUndefined()
  })

  it('keeps what it knew when it adds more', () => {
    const first = openVerifiedRecord(dir, VAULT)!
    first.add(row(ID, new Uint8Array(64)))
    first.save()
    const second = openVerifiedRecord(dir, VAULT)!
    second.add(row('c'.repeat(64), new Uint8Array(64)))
    second.save()
    expect(readFileSync(verifiedRecordPath(dir, VAULT)).length).toBe(64)
    expect(openVerifiedRecord(dir, VAULT)!.has(row(ID, new Uint8Array(64)))).toBe(true)
  })
})
