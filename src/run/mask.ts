// Masking of secret values in a child's output, as GitLab CI masks variables (DESIGN.md §4).
//
// Everything works on bytes: a chunk boundary can fall inside a UTF-8 character or a value,
// and a child's output need not be text at all.

import {isUtf8} from 'node:buffer'
import type {Readable, Writable} from 'node:stream'
import {MaskTrie} from './mask-trie.js'

export const MASK = '[MASKED]'
/** GitLab refuses to mask a variable shorter than this; shorter values would mask common words. */
export const MIN_MASK_LENGTH = 8

const MASK_BYTES = Buffer.from(MASK)
const EMPTY = Buffer.alloc(0)
const NEWLINE = 0x0a
const CARRIAGE_RETURN = 0x0d

/**
 * The byte patterns to mask for these values: each value of at least 8 characters, and each
 * line (split on \n, a trailing \r dropped) of a multi-line value that is itself at least 8
 * characters; deduplicated; longest first.
 */
export function maskPatterns(values: readonly (string | Uint8Array)[]): Buffer[] {
  // Keyed by the bytes themselves: latin1 maps each byte to one distinct code unit.
  const patterns = new Map<string, Buffer>()
  const add = (bytes: Buffer): void => {
    if (characters(bytes) >= MIN_MASK_LENGTH) patterns.set(bytes.toString('latin1'), bytes)
  }

  for (const value of values) {
    // A copy, so that the caller may wipe its own buffer.
    // Stryker disable next-line ConditionalExpression,EqualityOperator,StringLiteral: equivalent: Buffer.from copies a Uint8Array whatever the encoding, and reads a string as UTF-8 by default
    const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : Buffer.from(value)
    add(bytes)
    if (!bytes.includes(NEWLINE)) continue
    // Each line too: a child that prints a key line by line, or reformats it, still hides it.
    let start = 0
    for (;;) {
      const newline = bytes.indexOf(NEWLINE, start)
      let end = newline === -1 ? bytes.length : newline
      if (end > start && bytes[end - 1] === CARRIAGE_RETURN) end--
      add(bytes.subarray(start, end))
      if (newline === -1) break
      start = newline + 1
    }
  }

  return [...patterns.values()].sort((a, b) => b.length - a.length || Buffer.compare(a, b))
}

/**
 * GitLab counts characters, not bytes. Text is counted in code points; bytes that are not
 * UTF-8 have no characters, so each byte counts.
 */
function characters(bytes: Buffer): number {
  if (!isUtf8(bytes)) return bytes.length
  let count = 0
  for (const byte of bytes) if ((byte & 0xc0) !== 0x80) count++
  return count
}

/**
 * Reference semantics: mask a whole stream at once. Scanning left to right, at each position
 * the LONGEST pattern that matches there is replaced by MASK and scanning resumes after it;
 * otherwise the byte is copied.
 */
export function maskAll(data: Buffer, patterns: readonly Buffer[]): Buffer {
  const trie = MaskTrie.compile(patterns)
  return trie ? scan(trie, data, true).output : data
}

/**
 * Streaming: push chunks as they arrive, get back what can be written now. For any split of a
 * stream into chunks, the pushes' results followed by flush() are maskAll() of the stream.
 */
export class Masker {
  private readonly trie: MaskTrie | undefined
  /** Held back: starts where the scan stands and could still be (part of) a pattern. */
  private pending: Buffer = EMPTY

  constructor(patterns: readonly Buffer[]) {
    this.trie = MaskTrie.compile(patterns)
  }

  /** Bytes of input held back, never more than the longest pattern's length less one. */
  get held(): number {
    return this.pending.length
  }

  /** Returns the output that is final now: all of it but a possible secret's beginning. */
  push(chunk: Buffer): Buffer {
    if (!this.trie) return chunk
    const data = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk])
    const {output, rest} = scan(this.trie, data, false)
    // Copied: a view would keep the caller's whole chunk alive, and the caller may reuse it.
    this.pending = rest === data.length ? EMPTY : Buffer.from(data.subarray(rest))
    return output
  }

  /** At the end of the stream: everything held back, masked. */
  flush(): Buffer {
    if (!this.trie) return EMPTY
    const data = this.pending
    this.pending = EMPTY
    return scan(this.trie, data, true).output
  }
}

/**
 * maskAll()'s scan, stopping at the first position where the data ends inside a proper prefix
 * of a pattern — unless the stream has ended (`final`). Before that position every decision is
 * the one maskAll() makes on the whole stream: the longest pattern matching there is known,
 * because no longer one can still be completed. From there on nothing is known, not even the
 * next byte (it is either copied or masked), so that is exactly what must be held back:
 * the longest suffix that is a proper prefix of a pattern, among the positions the scan
 * actually visits (one inside a masked match is never a match's start).
 */
function scan(trie: MaskTrie, data: Buffer, final: boolean): {output: Buffer; rest: number} {
  const pieces: Buffer[] = []
  const length = data.length
  const {first, pairs, shift, window} = trie
  let copyFrom = 0
  let position = 0
  while (position < length) {
    // Most positions start no pattern: skip them in a tight loop of array reads, on pairs of
    // bytes where every pattern has two (the last byte of the data is left to the walk below),
    // else on single bytes. Walking from the root at every byte was ~4x slower on a log.
    if (shift) {
      // Window by window while a whole window fits; the end of the data is left to the pair
      // loop below, which knows how to hold a pattern's beginning back.
      const last = length - window
      while (position <= last) {
        const skip = shift[(data[position + window - 2]! << 8) | data[position + window - 1]!]!
        if (skip === 0) break
        position += skip
      }

      if (position > last) while (position + 1 < length && pairs![(data[position]! << 8) | data[position + 1]!] === 0) position++
    } else if (pairs) {
      while (position + 1 < length && pairs[(data[position]! << 8) | data[position + 1]!] === 0) position++
    } else {
      while (position < length && first[data[position]!] === 0) position++
    }

    if (position === length) break
    let node = first[data[position]!]!
    // Stryker disable next-line BlockStatement: equivalent: walking on from 0 finds no edge and no match, so the byte is copied all the same; the exit is for speed
    if (node === 0) {
      position++
      continue
    }

    let match = trie.isEnd(node) ? 1 : 0
    let cursor = position + 1
    let undecided = false
    for (;;) {
      if (cursor === length) {
        undecided = !final && trie.continues(node)
        break
      }

      node = trie.next(node, data[cursor]!)
      if (node === 0) break
      cursor++
      if (trie.isEnd(node)) match = cursor - position
    }

    if (undecided) break
    if (match === 0) {
      position++
      continue
    }

    if (copyFrom < position) pieces.push(data.subarray(copyFrom, position))
    pieces.push(MASK_BYTES)
    position += match
    copyFrom = position
  }

  if (pieces.length === 0) return {output: position === length ? data : data.subarray(0, position), rest: position}
  if (copyFrom < position) pieces.push(data.subarray(copyFrom, position))
  return {output: Buffer.concat(pieces), rest: position}
}

/**
 * Copies a child's stdout or stderr (`from`) to ours (`to`) through a Masker. `done` settles at
 * the end of `from`; `stop()` gives up on a pipe a leftover process holds open, releasing what
 * was held back.
 */
export function pipeMasked(from: Readable, to: Writable, patterns: readonly Buffer[]): {done: Promise<void>; stop: () => void} {
  const masker = new Masker(patterns)
  // Back-pressure: when our stdout does not take more (a pipe to a slower reader), reading the
  // child's pipe pauses, the pipe fills and the child waits, instead of this process holding the
  // whole stream in memory (it did: 330 MB for 256 MB of output, bench/results.md). No Transform
  // stream in between: one hop less per chunk was a fifth of the masked throughput.
  const resume = () => from.resume()
  const write = (output: Buffer) => {
    if (output.length > 0 && !to.write(output) && !to.destroyed) {
      from.pause()
      to.once('drain', resume)
    }
  }

  let ended = false
  const end = () => {
    if (ended) return
    ended = true
    // Held-back bytes are released only at the end of the child's output.
    write(masker.flush())
  }

  const done = new Promise<void>((resolve, reject) => {
    from.on('data', (chunk: Buffer) => write(masker.push(chunk)))
    from.once('end', () => {
      end()
      resolve()
    })
    from.once('close', () => {
      end()
      resolve()
    })
    from.once('error', reject)
  })
  // A destination that is gone never drains: let the rest through (and away) rather than hang.
  to.once('close', resume)
  const stop = () => {
    from.removeAllListeners('data')
    from.destroy()
    end()
  }

  return {done, stop}
}
