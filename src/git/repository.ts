import {execFileSync} from 'node:child_process'
import {existsSync, readFileSync, readdirSync, statSync} from 'node:fs'
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
 * The branches HEAD stands for, read from the repository's files without starting git (every
 * command asks, for this computer's pins of the vault): the checked-out branch; on a detached
 * HEAD, every local branch whose tip is that commit (none when no branch points there).
 */
export function headBranches(repoRoot: string): string[] {
  try {
    const gitDir = gitDirOf(repoRoot)
    const head = readFileSync(join(gitDir, 'HEAD'), 'utf8').trim()
    if (head.startsWith('ref: refs/heads/')) return [head.slice('ref: refs/heads/'.length)]
    if (!/^[0-9a-f]{40,64}$/.test(head)) return []
    // A worktree's refs live in the common directory.
    const common = existsSync(join(gitDir, 'commondir')) ? resolve(gitDir, readFileSync(join(gitDir, 'commondir'), 'utf8').trim()) : gitDir
    return [...branchTips(common)].filter(([, sha]) => sha === head).map(([name]) => name).sort()
  } catch {
    return []
  }
}

function gitDirOf(repoRoot: string): string {
  const dotGit = join(repoRoot, '.git')
  if (!statSync(dotGit).isFile()) return dotGit
  // A worktree or submodule: `.git` is a file naming the real directory.
  const pointer = /^gitdir: (.*)$/m.exec(readFileSync(dotGit, 'utf8'))
  if (!pointer) throw new Error('no gitdir')
  return resolve(repoRoot, pointer[1]!.trim())
}

/** Local branch name → tip commit, from refs/heads and packed-refs (loose refs win). */
function branchTips(gitDir: string): Map<string, string> {
  const tips = new Map<string, string>()
  const packed = join(gitDir, 'packed-refs')
  if (existsSync(packed)) {
    for (const line of readFileSync(packed, 'utf8').split('\n')) {
      const match = /^([0-9a-f]{40,64}) refs\/heads\/(.+)$/.exec(line.trim())
      if (match) tips.set(match[2]!, match[1]!)
    }
  }

  const walk = (dir: string, prefix: string): void => {
    for (const entry of readdirSync(dir, {withFileTypes: true})) {
      const path = join(dir, entry.name)
      if (entry.isDirectory()) walk(path, `${prefix}${entry.name}/`)
      else tips.set(`${prefix}${entry.name}`, readFileSync(path, 'utf8').trim())
    }
  }

  const heads = join(gitDir, 'refs', 'heads')
  if (existsSync(heads)) walk(heads, '')
  return tips
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
