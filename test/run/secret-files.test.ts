import {spawnSync} from 'node:child_process'
import {chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {SecretFiles, ownerMarker, runBaseDir, sweepStale, sweepStaleRunDirs} from '../../src/run/secret-files.js'

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

  for (const [taken, make] of [
    ['a symlink', (base: string) => {
      mkdirSync(join(root, 'elsewhere'))
      symlinkSync(join(root, 'elsewhere'), base)
    }],
    ['open to others (0777)', (base: string) => {
      mkdirSync(base)
      chmodSync(base, 0o777)
    }],
    ['a file', (base: string) => writeFileSync(base, '')],
  ] as const) {
    it(`falls back to a fresh private directory, with one warning, when the base is ${taken}`, () => {
      const base = join(root, 'base')
      make(base)
      const warnings: string[] = []
      const files = SecretFiles.create(base, (line) => warnings.push(line))
      try {
        expect(warnings).toHaveLength(1)
        expect(warnings[0]).toContain(`${base} is `)
        expect(warnings[0]).toContain(files.dir)
        expect(files.dir.startsWith(tmpdir())).toBe(true)
        expect(files.dir.startsWith(base)).toBe(false)
        expect(lstatSync(files.dir).mode & 0o777).toBe(0o700)
        const path = files.write('TOKEN', new TextEncoder().encode('value'))
        expect(statSync(path).mode & 0o777).toBe(0o600)
        // Nothing went into the taken place.
        if (taken === 'a symlink') expect(readdirSync(join(root, 'elsewhere'))).toEqual([])
      } finally {
        files.remove()
      }

      expect(existsSync(files.dir)).toBe(false)
    })
  }

  it('never writes outside its directory, whatever the name', () => {
    const files = SecretFiles.create(join(root, 'base'))
    try {
      for (const name of ['../../repo/X', '../X', '/etc/X', 'a/b', '.', '..', '', 'X\0']) {
        expect(() => files.write(name, new TextEncoder().encode('value')), name).toThrow(/not a valid variable name/)
      }

      expect(readdirSync(files.dir)).toEqual([])
      expect(readdirSync(root).sort()).toEqual(['base'])
    } finally {
      files.remove()
    }
  })

  it('tells a live run from a new process that reuses a dead run\'s pid, by its start time', () => {
    const base = join(root, 'base')
    mkdirSync(base, {mode: 0o700})
    const mine = ownerMarker()
    expect(mine).toMatch(new RegExp(`^run-${process.pid}-\\d+$`))
    // Our pid, but another start time: the run that made it is gone.
    mkdirSync(join(base, `run-${process.pid}-1-abcdef`))
    mkdirSync(join(base, `${mine}-live12`))
    expect(sweepStale(base)).toEqual([`run-${process.pid}-1-abcdef`])
    expect(existsSync(join(base, `${mine}-live12`))).toBe(true)
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

  it("sweeps a dead run's fallback directory in the shared temporary directory, never following a symlink there", () => {
    const dead = spawnSync('true').pid!
    const prefix = join(tmpdir(), `secrets-${process.getuid!()}-run-${dead}`)
    const stale = `${prefix}-1-zzzzzz`
    const link = `${prefix}-2-yyyyyy`
    mkdirSync(stale)
    writeFileSync(join(stale, 'TOKEN'), 'value')
    const target = join(root, 'target')
    mkdirSync(target)
    writeFileSync(join(target, 'keep'), '')
    symlinkSync(target, link)
    try {
      sweepStaleRunDirs({XDG_RUNTIME_DIR: join(root, 'runtime')})
      expect(existsSync(stale)).toBe(false)
      expect(lstatSync(link).isSymbolicLink()).toBe(true)
      expect(readdirSync(target)).toEqual(['keep'])
      // A dry run's sweep creates nothing.
      expect(existsSync(join(root, 'runtime'))).toBe(false)
    } finally {
      rmSync(stale, {recursive: true, force: true})
      rmSync(link, {force: true})
    }
  })

  it('lives under XDG_RUNTIME_DIR when there is one', () => {
    expect(runBaseDir({XDG_RUNTIME_DIR: '/run/user/1000'})).toBe('/run/user/1000/secrets')
    expect(runBaseDir({})).toMatch(/secrets-\d+$/)
  })
})
