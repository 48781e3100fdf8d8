import {spawnSync} from 'node:child_process'
import {existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {SecretFiles, runBaseDir, sweepStale} from '../../src/run/secret-files.js'

let root: string
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'secret-files-'))
})
afterEach(() => rmSync(root, {recursive: true, force: true}))

describe('SecretFiles', () => {
  it('writes 0600 files in a fresh 0700 directory and removes them', () => {
    const base = join(root, 'base')
    const files = SecretFiles.create(base)
    const path = files.write('TOKEN', new TextEncoder().encode('value'))
    expect(readFileSync(path, 'utf8')).toBe('value')
    expect(statSync(path).mode & 0o777).toBe(0o600)
    expect(statSync(files.dir).mode & 0o777).toBe(0o700)
    expect(statSync(base).mode & 0o777).toBe(0o700)
    files.remove()
    expect(existsSync(files.dir)).toBe(false)
  })

  it('refuses a base directory that is a symlink', () => {
    const target = join(root, 'elsewhere')
    mkdirSync(target)
    symlinkSync(target, join(root, 'link'))
    expect(() => SecretFiles.create(join(root, 'link'))).toThrow(/not a directory owned by you/)
  })

  it('sweeps directories of processes that are gone, and only those', () => {
    const base = join(root, 'base')
    mkdirSync(base, {mode: 0o700})
    const dead = spawnSync('true').pid!
    mkdirSync(join(base, `run-${dead}-abc`))
    mkdirSync(join(base, `run-${process.pid}-mine`))
    mkdirSync(join(base, 'unrelated'))
    expect(sweepStale(base)).toEqual([`run-${dead}-abc`])
    expect(existsSync(join(base, `run-${process.pid}-mine`))).toBe(true)
    expect(existsSync(join(base, 'unrelated'))).toBe(true)
  })

  it('lives under XDG_RUNTIME_DIR when there is one', () => {
    expect(runBaseDir({XDG_RUNTIME_DIR: '/run/user/1000'})).toBe('/run/user/1000/secrets')
    expect(runBaseDir({})).toMatch(/secrets-\d+$/)
  })
})
