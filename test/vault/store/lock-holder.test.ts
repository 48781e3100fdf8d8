// The record of who holds a vault's write lock, and the one line a timed-out wait prints.
import {spawn} from 'node:child_process'
import {existsSync, lstatSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {busyError, recordHolder, recordedHolders} from '../../../src/vault/store/lock-holder.js'

let dir: string
let vault: string

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'secrets-holder-'))
  vault = join(dir, 'vault.db')
})

afterEach(() => rmSync(dir, {recursive: true, force: true}))

const record = (pid: number, command: string, since: Date) =>
  writeFileSync(`${vault}.${pid}.holder.tmp`, JSON.stringify({pid, command, since: since.toISOString()}))

describe('busyError', () => {
  it('names the live secrets process recorded as the holder, and for how long it has held the vault', async () => {
    const other = spawn('sleep', ['30'])
    try {
      record(other.pid!, 'secrets import', new Date('2026-11-29T10:00:00Z'))
      const error = busyError(vault, 10_000, new Date('2026-11-29T10:00:11.4Z'))
      expect(error.code).toBe('BUSY')
      expect(error.exit).toBe(12)
      expect(error.message).toBe(`the vault is busy: secrets import (pid ${other.pid}) has held it for 11 s`)
      expect(error.hint).toBe('wait for it to finish and try again; SECRETS_LOCK_TIMEOUT sets how long secrets waits (10 s now), or stop that process')
    } finally {
      other.kill()
    }
  })

  it('ignores and sweeps the record of a process that is gone (killed mid-write), and says no secrets command holds it', async () => {
    const gone = spawn('true')
    await new Promise((resolve) => gone.on('exit', resolve))
    record(gone.pid!, 'secrets add', new Date())
    const error = busyError(vault, 2500)
    expect(error.message).toBe(`the vault is busy: another process has held ${vault} for more than 2.5 s (no secrets command is writing it: a reader, or a program such as sqlite3)`)
    expect(existsSync(`${vault}.${gone.pid}.holder.tmp`)).toBe(false)
  })

  it('never quotes a recorded command that is not one of ours (the record is a file anyone can write)', async () => {
    const other = spawn('sleep', ['30'])
    try {
      record(other.pid!, 'secrets add \u001b]52;c;x\u0007 --value hunter2', new Date())
      expect(busyError(vault, 1000).message).toMatch(new RegExp(`^the vault is busy: secrets \\(pid ${other.pid}\\)`))
    } finally {
      other.kill()
    }
  })
})

describe('recordHolder', () => {
  it('records this process whole while it holds the lock, and removes only its own record', () => {
    const release = recordHolder(vault)
    expect(readdirSync(dir)).toEqual([`vault.db.${process.pid}.holder.tmp`])
    // Our own record is not someone else holding the vault.
    expect(recordedHolders(vault)).toEqual([])
    expect(recordedHolders(vault, -1).map((h) => h.pid)).toEqual([process.pid])
    writeFileSync(`${vault}.1.holder.tmp`, '{}')
    release()
    expect(readdirSync(dir)).toEqual(['vault.db.1.holder.tmp'])
  })

  it('never writes through a symlink a clone planted under its record names, and reads none', async () => {
    // A committed symlink named like this process's records, pointing at a file of the user's.
    const victim = join(dir, 'bashrc')
    writeFileSync(victim, 'the user\'s own file\n')
    symlinkSync(victim, `${vault}.${process.pid}.holder-new.tmp`)
    symlinkSync(victim, `${vault}.${process.pid}.holder.tmp`)
    const release = recordHolder(vault)
    expect(readFileSync(victim, 'utf8')).toBe('the user\'s own file\n')
    expect(lstatSync(`${vault}.${process.pid}.holder.tmp`).isFile()).toBe(true)
    release()
    expect(readFileSync(victim, 'utf8')).toBe('the user\'s own file\n')

    // Another live process's record that is a symlink to an endless file is not read.
    const other = spawn('sleep', ['30'])
    try {
      symlinkSync('/dev/zero', `${vault}.${other.pid}.holder.tmp`)
      expect(recordedHolders(vault)).toEqual([])
    } finally {
      other.kill()
    }
  })
})
