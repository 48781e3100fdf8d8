import {chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {ensurePrivateDir, privateDirProblem} from '../src/private-dir.js'

let root: string

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'private-dir-'))
})

afterEach(() => rmSync(root, {recursive: true, force: true}))

describe('private directories for caches', () => {
  it('makes a 0700 directory of this user and accepts it', () => {
    const dir = join(root, 'a', 'b')
    expect(ensurePrivateDir(dir)).toBe(true)
    expect(statSync(dir).mode & 0o777).toBe(0o700)
    expect(privateDirProblem(dir)).toBeUndefined()
  })

  it('refuses one inside a git worktree, and creates nothing there', () => {
    mkdirSync(join(root, 'repo', '.git'), {recursive: true})
    const dir = join(root, 'repo', '.cache', 'secrets')
    expect(ensurePrivateDir(dir)).toBe(false)
    expect(() => statSync(join(root, 'repo', '.cache'))).toThrow()
    // A worktree's .git can be a file (git worktree add, submodules).
    writeFileSync(join(root, 'wt-git'), '')
    mkdirSync(join(root, 'wt'))
    writeFileSync(join(root, 'wt', '.git'), 'gitdir: ../elsewhere\n')
    expect(privateDirProblem(join(root, 'wt'))).toMatch(/inside a git worktree/)
  })

  it('refuses a symlink, a file, and a directory others can write', () => {
    mkdirSync(join(root, 'real'))
    symlinkSync(join(root, 'real'), join(root, 'link'))
    expect(privateDirProblem(join(root, 'link'))).toMatch(/not a directory/)
    writeFileSync(join(root, 'file'), '')
    expect(ensurePrivateDir(join(root, 'file'))).toBe(false)
    mkdirSync(join(root, 'shared'))
    chmodSync(join(root, 'shared'), 0o777)
    expect(privateDirProblem(join(root, 'shared'))).toMatch(/writable by others/)
    chmodSync(join(root, 'shared'), 0o775)
    expect(privateDirProblem(join(root, 'shared'))).toMatch(/writable by others/)
  })
})
