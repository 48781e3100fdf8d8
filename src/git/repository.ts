import {execFileSync} from 'node:child_process'
import {existsSync, readFileSync, statSync} from 'node:fs'
import {dirname, join, resolve} from 'node:path'

/** The nearest directory at or above `from` that holds `.git` (a directory or a worktree file). */
export function findRepoRoot(from: string): string | undefined {
  let dir = resolve(from)
  for (;;) {
    if (existsSync(join(dir, '.git'))) return dir
    const parent = dirname(dir)
    if (parent === dir) return undefined
    dir = parent
  }
}

/**
 * The checked-out branch, read from `.git/HEAD` without starting git (every command asks, for
 * this computer's pins of the vault): undefined on a detached HEAD or when it cannot be read.
 */
export function headBranch(repoRoot: string): string | undefined {
  try {
    let gitDir = join(repoRoot, '.git')
    if (statSync(gitDir).isFile()) {
      // A worktree or submodule: `.git` is a file naming the real directory.
      const pointer = /^gitdir: (.*)$/m.exec(readFileSync(gitDir, 'utf8'))
      if (!pointer) return undefined
      gitDir = resolve(repoRoot, pointer[1]!.trim())
    }

    const head = readFileSync(join(gitDir, 'HEAD'), 'utf8').trim()
    return head.startsWith('ref: refs/heads/') ? head.slice('ref: refs/heads/'.length) : undefined
  } catch {
    return undefined
  }
}

/** The checked-out branch, or undefined (detached HEAD, no git, not a repository). */
export function currentBranch(cwd: string): string | undefined {
  try {
    const out = execFileSync('git', ['symbolic-ref', '--quiet', '--short', 'HEAD'], {cwd, stdio: ['ignore', 'pipe', 'ignore']})
    return out.toString().trim() || undefined
  } catch {
    return undefined
  }
}

/** A git config value of the repository, or undefined. */
export function gitConfig(cwd: string, key: string): string | undefined {
  try {
    return execFileSync('git', ['config', '--get', key], {cwd, stdio: ['ignore', 'pipe', 'ignore']}).toString().trim() || undefined
  } catch {
    return undefined
  }
}
