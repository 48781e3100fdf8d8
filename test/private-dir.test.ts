import {chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {ensurePrivateDir, privateDirProblem, projectOfVault, projectsAround} from '../src/private-dir.js'

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

  it('refuses one inside the project, a checkout without .git included, and creates nothing there', () => {
    const project = join(root, 'checkout')
    mkdirSync(join(project, '.secrets'), {recursive: true})
    expect(ensurePrivateDir(join(project, '.cache', 'secrets'), [project])).toBe(false)
    expect(() => statSync(join(project, '.cache'))).toThrow()
    expect(projectsAround(join(project, 'sub'))).toEqual([join(project, 'sub'), project])
    expect(projectOfVault(join(project, '.secrets', 'vault.db'))).toBe(project)
    mkdirSync(join(project, 'made'))
    expect(privateDirProblem(join(project, 'made'), [project])).toMatch(/inside the project/)
  })

  it('follows symlinked parents: a cache directory reached through a link into the project is refused', () => {
    const project = join(root, 'checkout')
    mkdirSync(join(project, '.cache'), {recursive: true, mode: 0o700})
    symlinkSync(join(project, '.cache'), join(root, 'cache-link'))
    expect(ensurePrivateDir(join(root, 'cache-link', 'secrets'), [project])).toBe(false)
    expect(() => statSync(join(project, '.cache', 'secrets'))).toThrow()
    // Inside a git worktree through a link, with no project named.
    mkdirSync(join(root, 'repo', '.git'), {recursive: true})
    mkdirSync(join(root, 'repo', 'c'), {mode: 0o700})
    symlinkSync(join(root, 'repo', 'c'), join(root, 'repo-link'))
    expect(ensurePrivateDir(join(root, 'repo-link', 'secrets'))).toBe(false)
  })

  it('refuses one under a parent anyone can write (not sticky), accepts a sticky one', () => {
    mkdirSync(join(root, 'open', 'mine'), {recursive: true, mode: 0o700})
    chmodSync(join(root, 'open'), 0o777)
    expect(privateDirProblem(join(root, 'open', 'mine'))).toMatch(/anyone can write/)
    chmodSync(join(root, 'open'), 0o1777)
    expect(privateDirProblem(join(root, 'open', 'mine'))).toBeUndefined()
  })
})
