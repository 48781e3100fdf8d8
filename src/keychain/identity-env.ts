// SECRETS_IDENTITY leaves the process's environment as the process starts (bin/run.js calls
// takeIdentityFromEnvironment before oclif loads), for every command.
//
// Deleting it from process.env is not enough. The kernel shows a process's environment in
// /proc/<pid>/environ straight from the memory the process started with (env_start..env_end in
// /proc/<pid>/stat), and unsetenv only unlinks the entry; any process of the same user (the
// very command `secrets run` starts, say) could read the key there for as long as we run.
// So on Linux the value's bytes are overwritten in place, through /proc/self/mem, which a
// process may always write for itself. Elsewhere (macOS shows the original environment to
// `ps -E` of the same user) only the unlinking is done: a limit docs/SECURITY.md states.
//
// The value is then held here, in this module, for the identity store: not in process.env,
// where every program we start (git) would inherit it.
import {closeSync, openSync, readFileSync, readSync, writeSync} from 'node:fs'

import {SECRETS_IDENTITY} from '../env.js'

let held: string | undefined

/** What SECRETS_IDENTITY held when the process started, once it has been taken out of the environment. */
export function heldIdentityText(): string | undefined {
  return held
}

export interface TakeResult {
  /** The variable was set. */
  found: boolean
  /** Its bytes were erased from the process's original environment memory (Linux only). */
  erased: boolean
}

/**
 * Takes SECRETS_IDENTITY out of process.env and out of the memory /proc/self/environ shows,
 * together with every case variant of its name (`secrets_identity`, `Secrets_Identity`):
 * Windows reads those as the variable, child-environment.ts keeps them from every child, and
 * they are key material all the same. Only the exact upper-case name is the identity; a
 * variant is erased and dropped, never used, so no spelling decides which key a command uses.
 */
export function takeIdentityFromEnvironment(env: NodeJS.ProcessEnv = process.env): TakeResult {
  const variants = Object.keys(env).filter((name) => isIdentityName(name))
  if (variants.length === 0) return {found: false, erased: false}
  const value = env[SECRETS_IDENTITY]
  if (value !== undefined) held = value
  for (const name of variants) delete env[name]
  return {found: value !== undefined, erased: eraseFromEnviron(SECRETS_IDENTITY)}
}

/** SECRETS_IDENTITY in any case, compared as child-environment.ts compares it. */
function isIdentityName(name: string): boolean {
  return name.toUpperCase() === SECRETS_IDENTITY
}

/**
 * Overwrites with `x` the value bytes of every entry of the process's original environment
 * block whose name is `name` in any case, keeping its length (nothing else moves). Returns
 * whether the block now holds no value for it; false where there is no /proc (not Linux) or it
 * cannot be written.
 */
export function eraseFromEnviron(name: string): boolean {
  let fd: number | undefined
  try {
    const [start, end] = environBounds()
    fd = openSync('/proc/self/mem', 'r+')
    const block = Buffer.alloc(end - start)
    readSync(fd, block, 0, block.length, start)
    const wanted = name.toUpperCase()
    for (let entry = 0; entry < block.length; ) {
      const stop = block.indexOf(0, entry) === -1 ? block.length : block.indexOf(0, entry)
      const equals = block.indexOf(0x3d, entry)
      // Node decodes the block as UTF-8 for process.env: the same reading here.
      if (equals !== -1 && equals < stop && block.toString('utf8', entry, equals).toUpperCase() === wanted) {
        const valueStart = equals + 1
        const filler = Buffer.alloc(stop - valueStart, 'x')
        if (filler.length > 0) writeSync(fd, filler, 0, filler.length, start + valueStart)
      }

      entry = stop + 1
    }

    return !environHolds(wanted)
  } catch {
    return false
  } finally {
    if (fd !== undefined) closeSync(fd)
  }
}

/** env_start and env_end: fields 50 and 51 of /proc/self/stat, counted after the command name's `)`. */
function environBounds(): [number, number] {
  const stat = readFileSync('/proc/self/stat', 'latin1')
  // Field 3 (state) is the first after ") ", the command name may itself hold spaces and `)`.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  const start = Number(fields[50 - 3])
  const end = Number(fields[51 - 3])
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || end <= start) throw new Error('no environment bounds')
  return [start, end]
}

/** Whether /proc/self/environ still shows a value other than `x…` for `name` (upper case) in any case. */
function environHolds(name: string): boolean {
  return readFileSync('/proc/self/environ')
    .toString('utf8')
    .split('\0')
    .some((entry) => {
      const equals = entry.indexOf('=')
      return equals !== -1 && entry.slice(0, equals).toUpperCase() === name && !/^x*$/.test(entry.slice(equals + 1))
    })
}
