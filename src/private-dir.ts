// Where this computer keeps what it derived (the record of verified rows, V8's compiled code):
// directories only this user controls. A cache decides nothing the vault file does not, but
// whoever can write one can plant entries (or compiled code), so a directory that someone else
// could have filled is not used at all. Plain node:fs, no dependencies: bin/run.js loads this
// before anything else.
import {existsSync, lstatSync, mkdirSync, realpathSync, statSync} from 'node:fs'
import {basename, dirname, isAbsolute, relative, resolve} from 'node:path'

/**
 * Why `dir` cannot hold this user's caches, or undefined when it can. Refused: a directory
 * inside a git worktree (CI jobs point XDG_CACHE_HOME into the checkout so the runner keeps it,
 * and then a member with push access, or another branch's pipeline, writes it), or inside any
 * of `projects` (the directory holding the vault: a checkout without `.git`, as a tarball or
 * a CI system without git makes, is written by whoever pushes to it just the same), a symlink,
 * one owned by another user or writable by others. Checked on the real path, through any
 * symlinked parent, and every parent must be this user's or root's and not writable by others
 * (a sticky directory such as /tmp excepted: no one else can replace what is in it).
 */
export function privateDirProblem(dir: string, projects: readonly string[] = []): string | undefined {
  const absolute = resolve(dir)
  let stat
  let real
  try {
    stat = lstatSync(absolute)
    real = realpathSync(absolute)
  } catch {
    return `${absolute} does not exist`
  }

  for (const path of new Set([absolute, real])) {
    const worktree = worktreeAbove(path)
    if (worktree) return `${absolute} is inside a git worktree (${worktree})`
    const project = projects.find((p) => isWithin(path, p))
    if (project) return `${absolute} is inside the project ${project}`
  }

  if (!stat.isDirectory()) return `${absolute} is not a directory`
  if (typeof process.getuid === 'function' && stat.uid !== process.getuid()) return `${absolute} belongs to another user`
  if ((stat.mode & 0o022) !== 0) return `${absolute} is writable by others`
  for (let at = dirname(real); ; at = dirname(at)) {
    const problem = parentProblem(at)
    if (problem) return `${absolute} is under ${at}, which ${problem}`
    if (dirname(at) === at) return undefined
  }
}

/** Why a parent of a cache directory lets someone else replace what is below it. */
function parentProblem(dir: string): string | undefined {
  let stat
  try {
    stat = statSync(dir)
  } catch {
    return 'cannot be read'
  }

  if (typeof process.getuid !== 'function') return undefined
  if (stat.uid !== 0 && stat.uid !== process.getuid()) return 'belongs to another user'
  const sticky = (stat.mode & 0o1000) !== 0
  if ((stat.mode & 0o002) !== 0 && !sticky) return 'anyone can write'
  // A group of one's own (the usual user private group) is oneself.
  if ((stat.mode & 0o020) !== 0 && !sticky && stat.gid !== process.getgid?.()) return 'its group can write'
  return undefined
}

/** Whether `path` is `dir` or below it, both real paths where they exist. */
function isWithin(path: string, dir: string): boolean {
  let base = resolve(dir)
  try {
    base = realpathSync(base)
  } catch {
    // Not there (yet): compared as written.
  }

  const rel = relative(base, path)
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel))
}

/** The nearest directory at or above `dir` holding a `.git`, if any. */
function worktreeAbove(absolute: string): string | undefined {
  for (let at = absolute; ; at = dirname(at)) {
    if (existsSync(resolve(at, '.git'))) return at
    if (dirname(at) === at) return undefined
  }
}

/**
 * Creates `dir` (0700) if need be, never inside a worktree or one of `projects`; true when it
 * is private (privateDirProblem). Never throws.
 */
export function ensurePrivateDir(dir: string, projects: readonly string[] = []): boolean {
  const absolute = resolve(dir)
  // Where it would be created, through any symlinked parent that exists already.
  const landing = realExisting(absolute)
  if ([absolute, landing].some((path) => worktreeAbove(path) || projects.some((p) => isWithin(path, p)))) return false
  try {
    mkdirSync(dir, {recursive: true, mode: 0o700})
  } catch {
    return false
  }

  return privateDirProblem(dir, projects) === undefined
}

/** `path` with its longest existing prefix made real (symlinks followed). */
function realExisting(path: string): string {
  const rest: string[] = []
  for (let at = path; ; at = dirname(at)) {
    try {
      return resolve(realpathSync(at), ...rest.reverse())
    } catch {
      if (dirname(at) === at) return path
      rest.push(basename(at))
    }
  }
}

/**
 * The directories a command run in `cwd` must not keep caches in: `cwd` and the nearest
 * directory at or above it holding a `.secrets` directory (the project, checkout or not).
 */
export function projectsAround(cwd: string): string[] {
  for (let at = resolve(cwd); ; at = dirname(at)) {
    if (existsSync(resolve(at, '.secrets'))) return at === resolve(cwd) ? [at] : [resolve(cwd), at]
    if (dirname(at) === at) return [resolve(cwd)]
  }
}

/** The project a vault file belongs to: the directory holding its `.secrets`, else its own directory. */
export function projectOfVault(vaultPath: string): string {
  const dir = dirname(resolve(vaultPath))
  return basename(dir) === '.secrets' ? dirname(dir) : dir
}
