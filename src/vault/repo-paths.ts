// Writing and deleting inside a repository that someone else may have filled: a clone can commit
// `.gitattributes`, `.secrets` or `.secrets/.gitignore` as a symlink to any path of the user who
// runs `enable`/`disable` (another project's vault, a git config, ~/.bashrc). Every path those
// commands touch is checked component by component with lstat, and files are opened for writing
// with O_NOFOLLOW, so that a symlink swapped in after the check is refused by the kernel too.
import {closeSync, constants, existsSync, lstatSync, openSync, readlinkSync, rmSync, writeSync} from 'node:fs'
import {dirname, isAbsolute, join, relative, resolve, sep} from 'node:path'

import {usage} from '../errors.js'

/**
 * Refuses (USAGE) when `path`, or any directory between `base` and it, is a symlink: `enable`
 * and `disable` would write or delete wherever it points. Components that do not exist yet are
 * fine (they will be created as real directories). `base` itself is trusted (the repository root
 * the user stands in, or the directory they named). Paths outside `base` are not checked.
 */
export function refuseSymlinks(base: string, path: string, doing: string): void {
  const rel = relative(resolve(base), resolve(path))
  if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return
  let at = resolve(base)
  for (const part of rel.split(sep)) {
    at = join(at, part)
    let isLink: boolean
    try {
      isLink = lstatSync(at).isSymbolicLink()
    } catch {
      return // missing: nothing below it exists either
    }
    if (isLink) {
      const shown = relative(resolve(base), at)
      const what = shown === rel ? 'it is' : `${shown} is`
      throw usage(
        `refusing to ${doing} ${rel}: ${what} a symlink (to ${linkTarget(at)})`,
        'a repository must hold these as plain files and directories; remove the symlink (and check where it came from) and run the command again',
      )
    }
  }
}

function linkTarget(path: string): string {
  try {
    return readlinkSync(path)
  } catch {
    return '?'
  }
}

/**
 * Writes `data` to `path` (created 0644 or truncated) without following a symlink at its last
 * component, after refusing symlinked directories between `base` and it. `exclusive` fails
 * rather than replace a file that appeared meanwhile.
 */
export function writeInside(base: string, path: string, data: string, options: {exclusive?: boolean} = {}): void {
  refuseSymlinks(base, path, 'write')
  const flags = constants.O_WRONLY | constants.O_CREAT | (options.exclusive ? constants.O_EXCL : constants.O_TRUNC) | noFollow()
  let fd: number
  try {
    fd = openSync(path, flags, 0o644)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    // ELOOP: a symlink appeared at the last component after the check (or O_NOFOLLOW caught it first).
    if (code === 'ELOOP' || code === 'EEXIST') refuseSymlinks(base, path, 'write')
    throw error
  }
  try {
    const bytes = Buffer.from(data, 'utf8')
    for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done)
  } finally {
    closeSync(fd)
  }
}

/** Deletes the file `path` itself (a symlink there is removed, never its target), after the same check. */
export function removeInside(base: string, path: string): void {
  refuseSymlinks(base, path, 'delete')
  rmSync(path, {force: true})
}

/** lstat-based existence: a dangling symlink exists (and is refused by the checks above). */
export function existsNoFollow(path: string): boolean {
  try {
    lstatSync(path)
    return true
  } catch {
    return existsSync(path)
  }
}

// O_NOFOLLOW is POSIX; Windows has no such flag (and no symlinks a clone can create without privilege).
function noFollow(): number {
  return constants.O_NOFOLLOW ?? 0
}

/** The directory trusted as given for `path`: the repository root when `path` lies inside it, else `path`'s own directory. */
export function trustedBase(path: string, repoRoot: string | undefined): string {
  if (repoRoot === undefined) return dirname(resolve(path))
  const rel = relative(resolve(repoRoot), resolve(path))
  return rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel) ? dirname(resolve(path)) : resolve(repoRoot)
}
