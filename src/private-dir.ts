// Where this computer keeps what it derived (the record of verified rows, V8's compiled code):
// directories only this user controls. A cache decides nothing the vault file does not, but
// whoever can write one can plant entries (or compiled code), so a directory that someone else
// could have filled is not used at all. Plain node:fs, no dependencies: bin/run.js loads this
// before anything else.
import {existsSync, lstatSync, mkdirSync} from 'node:fs'
import {dirname, resolve} from 'node:path'

/**
 * Why `dir` cannot hold this user's caches, or undefined when it can. Refused: a directory
 * inside a git worktree (CI jobs point XDG_CACHE_HOME into the checkout so the runner keeps it,
 * and then a member with push access, or another branch's pipeline, writes it), a symlink, one
 * owned by another user or writable by others.
 */
export function privateDirProblem(dir: string): string | undefined {
  const absolute = resolve(dir)
  const worktree = worktreeAbove(absolute)
  if (worktree) return `${absolute} is inside a git worktree (${worktree})`
  let stat
  try {
    stat = lstatSync(absolute)
  } catch {
    return `${absolute} does not exist`
  }

  if (!stat.isDirectory()) return `${absolute} is not a directory`
  if (typeof process.getuid === 'function' && stat.uid !== process.getuid()) return `${absolute} belongs to another user`
  if ((stat.mode & 0o022) !== 0) return `${absolute} is writable by others`
  return undefined
}

/** The nearest directory at or above `dir` holding a `.git`, if any. */
function worktreeAbove(absolute: string): string | undefined {
  for (let at = absolute; ; at = dirname(at)) {
    if (existsSync(resolve(at, '.git'))) return at
    if (dirname(at) === at) return undefined
  }
}

/** Creates `dir` (0700) if need be, never inside a worktree; true when it is private. Never throws. */
export function ensurePrivateDir(dir: string): boolean {
  if (worktreeAbove(resolve(dir))) return false
  try {
    mkdirSync(dir, {recursive: true, mode: 0o700})
  } catch {
    return false
  }

  return privateDirProblem(dir) === undefined
}
