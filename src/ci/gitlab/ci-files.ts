// Reading CI files from disk as GitLab reads them from a repository: never from outside it, never
// more than GitLab accepts, and only as UTF-8 text. Every refusal is a SecretsError (exit 2) that
// names the file, and the line where one can be given.
import {closeSync, constants, fstatSync, lstatSync, openSync, readSync, realpathSync} from 'node:fs'
import {isUtf8} from 'node:buffer'
import {isAbsolute, relative, resolve, sep} from 'node:path'

import {usage} from '../../errors.js'
import {MAX_FILE_BYTES} from './yaml-load.js'

/**
 * The text of one CI file. The size is checked before anything is read, so a 20 MB file costs a
 * `stat`; the bytes must be UTF-8 (GitLab refuses others), and the first bad byte is named.
 */
export function readCiFile(path: string, shown: string): string {
  // Non-blocking: a named pipe committed as the CI file must not hang the run at open().
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK)
  try {
    const stat = fstatSync(fd)
    if (!stat.isFile()) throw usage(`${shown}: not a regular file`)
    if (stat.size > MAX_FILE_BYTES) {
      throw usage(`${shown}: file too big (${stat.size} bytes; gitlab accepts at most ${MAX_FILE_BYTES})`, 'split it with include: local, or generate the pipeline')
    }

    // One byte more than the limit: a file growing while it is read is caught too.
    const buffer = Buffer.alloc(MAX_FILE_BYTES + 1)
    let length = 0
    for (let read = -1; read !== 0 && length < buffer.length; length += read) read = readSync(fd, buffer, length, buffer.length - length, null)
    if (length > MAX_FILE_BYTES) throw usage(`${shown}: file too big (more than ${MAX_FILE_BYTES} bytes; gitlab accepts at most ${MAX_FILE_BYTES})`)
    const bytes = buffer.subarray(0, length)
    if (!isUtf8(bytes)) {
      const offset = firstInvalidUtf8(bytes)
      const {line, col} = position(bytes, offset)
      throw usage(`${shown}:${line}:${col}: not utf-8 text (invalid byte 0x${bytes[offset]!.toString(16).padStart(2, '0')} at byte offset ${offset})`, 'gitlab reads ci files as utf-8: save the file in that encoding')
    }

    return bytes.toString('utf8')
  } finally {
    closeSync(fd)
  }
}

/**
 * `readLocal` for the parser: `include: local:` paths, relative to the repository root. The real
 * path (every symlink resolved, of the file and of each directory above it) must stay inside the
 * repository, as GitLab reads only the project's own files. Undefined when there is no such file.
 */
export function localIncludeReader(projectDir: string): (path: string) => string | undefined {
  const root = realpathSync(projectDir)
  return (path) => {
    const candidate = resolve(root, path)
    if (!isInside(root, candidate)) throw usage(`local include \`${path}\` leaves the repository`)
    try {
      lstatSync(candidate)
    } catch {
      return undefined
    }

    let real: string
    try {
      real = realpathSync(candidate)
    } catch {
      // A dangling symlink: there is no file to read.
      return undefined
    }

    if (!isInside(root, real)) throw usage(`local include \`${path}\` leaves the repository through a symlink`, 'gitlab reads only files inside the project')
    return readCiFile(real, path)
  }
}

/** True when `path` (absolute, resolved) is `root` or below it. */
export function isInside(root: string, path: string): boolean {
  const rel = relative(root, path)
  // `..a` is a name inside; only `..` itself, or `../…`, climbs out.
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel))
}

/** The offset of the first byte that does not start or continue a valid UTF-8 sequence. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0
  while (i < bytes.length) {
    const b = bytes[i]!
    let need: number
    let min: number
    if (b < 0x80) {
      i += 1
      continue
    } else if (b >= 0xc2 && b <= 0xdf) {
      need = 1
      min = 0x80
    } else if (b >= 0xe0 && b <= 0xef) {
      need = 2
      min = 0x800
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3
      min = 0x10000
    } else return i

    let code = b & (0x3f >> need)
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k]
      if (c === undefined || (c & 0xc0) !== 0x80) return i
      code = (code << 6) | (c & 0x3f)
    }

    // Overlong forms, UTF-16 surrogates and code points past U+10FFFF are not UTF-8.
    if (code < min || (code >= 0xd800 && code <= 0xdfff) || code > 0x10ffff) return i
    i += need + 1
  }

  return i
}

/** 1-based line and column (in bytes) of `offset`. */
function position(bytes: Uint8Array, offset: number): {line: number; col: number} {
  let line = 1
  let start = 0
  for (let i = 0; i < offset; i++) {
    if (bytes[i] === 0x0a) {
      line += 1
      start = i + 1
    }
  }

  return {line, col: offset - start + 1}
}
