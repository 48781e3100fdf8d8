import {spawn} from 'node:child_process'
import {PassThrough, Readable, Writable} from 'node:stream'
import {describe, expect, it} from 'vitest'
import {MASK, MIN_MASK_LENGTH, Masker, maskAll, maskPatterns, pipeMasked} from '../../src/run/mask.js'
import {MaskTrie} from '../../src/run/mask-trie.js'

const bytes = (text: string | Uint8Array): Buffer => (typeof text === 'string' ? Buffer.from(text) : Buffer.from(text))

/** Feeds the chunks to a fresh Masker; the output as text, and what each push returned. */
function stream(values: readonly string[], chunks: readonly (string | Buffer)[]): {output: string; pushes: string[]} {
  const masker = new Masker(maskPatterns(values))
  const pushes = chunks.map((chunk) => masker.push(bytes(chunk)).toString())
  return {output: pushes.join('') + masker.flush().toString(), pushes}
}

/** The text cut before each of the given offsets. */
function cut(text: string, ...offsets: number[]): string[] {
  const points = [0, ...offsets, text.length]
  return points.slice(1).map((end, i) => text.slice(points[i], end))
}

const oneByteAtATime = (data: Buffer): Buffer[] => [...data].map((byte) => Buffer.of(byte))

describe('maskPatterns', () => {
  it('keeps values of at least 8 characters, longest first, without duplicates', () => {
    const patterns = maskPatterns(['short', 'exactly8', 'a-longer-value', 'exactly8', new TextEncoder().encode('exactly8')])
    expect(patterns.map(String)).toEqual(['a-longer-value', 'exactly8'])
    expect(MIN_MASK_LENGTH).toBe(8)
  })

  it('counts characters, not bytes', () => {
    // 7 characters in 9 bytes; 8 characters in 16 bytes.
    expect(maskPatterns(['pässwör'])).toEqual([])
    expect(maskPatterns(['пароль12']).map(String)).toEqual(['пароль12'])
  })

  it('adds each line of a multi-line value that is long enough', () => {
    const key = '-----BEGIN KEY-----\r\nMIIEvQIBADANBgkq\r\nshort\r\n-----END KEY-----\n'
    expect(maskPatterns([key]).map(String)).toEqual([key, '-----BEGIN KEY-----', '-----END KEY-----', 'MIIEvQIBADANBgkq'])
  })
})

describe('maskPatterns, edge cases', () => {
  it('keeps the last line of a multi-line value whole when the value has no final newline', () => {
    const value = 'first-line-of-it\r\nlast-line-no-newline'
    expect(maskPatterns([value]).map(String)).toEqual([value, 'last-line-no-newline', 'first-line-of-it'])
    // Printed alone, the last line is hidden entirely: no trailing byte of it is left over.
    expect(stream([value], ['[last-line-no-newline]\n']).output).toBe(`[${MASK}]\n`)
  })

  it('counts each byte of a value that is not UTF-8: 8 bytes are masked, 7 are not', () => {
    // Continuation bytes only: as text they would count as no characters at all.
    const eight = Uint8Array.of(0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87)
    const seven = Uint8Array.of(0xbf, 0xbe, 0xbd, 0xbc, 0xbb, 0xba, 0xb9)
    expect(maskPatterns([eight, seven])).toEqual([Buffer.from(eight)])
    const data = Buffer.concat([Buffer.from('a:'), Buffer.from(eight), Buffer.from(' b:'), Buffer.from(seven)])
    expect(maskAll(data, maskPatterns([eight, seven]))).toEqual(Buffer.concat([Buffer.from(`a:${MASK} b:`), Buffer.from(seven)]))
  })

  it('copies the values, so that the caller may wipe its buffers', () => {
    const value = Buffer.from('wipe-me-after-use')
    const patterns = maskPatterns([value])
    value.fill(0)
    expect(maskAll(Buffer.from('x wipe-me-after-use y'), patterns).toString()).toBe(`x ${MASK} y`)
  })
})

describe('MaskTrie', () => {
  it('compiles to nothing when there is nothing to mask', () => {
    expect(MaskTrie.compile([])).toBeUndefined()
    expect(MaskTrie.compile([Buffer.alloc(0)])).toBeUndefined()
  })

  // Tokens of one kind share a prefix (`glpat-`, `ghp_`): the node after it has many children,
  // and such nodes are looked up through their own table.
  const family = (prefix: string, count: number): string[] => Array.from({length: count}, (_, i) => `${prefix}${String.fromCharCode(0x41 + i)}${'x'.repeat(12)}${i}`)
  const gitlab = family('glpat-', 6)
  const github = family('ghp_', 9)
  const values = [...gitlab, ...github]

  it('masks every one of many values sharing a prefix, and no near miss', () => {
    const text = `${values.join(' ')} glpat-Zxxxxxxxxxxxx0 ghp_Axxxxxxxxxxxx9\n`
    const expected = `${values.map(() => MASK).join(' ')} glpat-Zxxxxxxxxxxxx0 ghp_Axxxxxxxxxxxx9\n`
    expect(maskAll(Buffer.from(text), maskPatterns(values)).toString()).toBe(expected)
    expect(stream(values, oneByteAtATime(Buffer.from(text))).output).toBe(expected)
    expect(stream(values, cut(text, 3, 7, 40, 41, 100)).output).toBe(expected)
  })

  it('masks values sharing a prefix in random text as a naive scan does', () => {
    const rng = random(0x61a7)
    const patterns = maskPatterns(values)
    for (let trial = 0; trial < 50; trial++) {
      const pieces = Array.from({length: 20}, () => {
        const value = rng.pick(values)
        return [value, value.slice(0, rng.int(value.length)), rng.pick(['glpat-', 'ghp_', ' ', 'x'])][rng.int(3)]!
      })
      const data = Buffer.from(pieces.join(''))
      expect(maskAll(data, patterns).toString(), `trial ${trial}`).toBe(naiveMaskAll(data, patterns).toString())
    }
  })
})

describe('Masker', () => {
  const secret = 'hunter2-is-my-password'

  it('masks a value in one chunk', () => {
    expect(stream([secret], [`login with ${secret} now\n`]).output).toBe(`login with ${MASK} now\n`)
  })

  it('masks a value split across two, three or many chunks', () => {
    const line = `password=${secret}; done\n`
    const start = line.indexOf(secret)
    expect(stream([secret], cut(line, start + 5)).output).toBe(`password=${MASK}; done\n`)
    expect(stream([secret], cut(line, start + 3, start + 11)).output).toBe(`password=${MASK}; done\n`)
    expect(stream([secret], cut(line, 2, start, start + 1, start + 2, start + 9, start + 20, start + 22)).output).toBe(`password=${MASK}; done\n`)
  })

  it('masks a value arriving one byte at a time', () => {
    const masker = new Masker(maskPatterns([secret]))
    const pushes = oneByteAtATime(bytes(`x${secret}y${secret}`)).map((chunk) => masker.push(chunk).toString())
    expect(pushes.join('') + masker.flush().toString()).toBe(`x${MASK}y${MASK}`)
    // Nothing of the value leaves early: the byte that completes it releases the mask.
    expect(pushes.slice(0, secret.length).join('')).toBe('x')
    expect(pushes[secret.length]).toBe(MASK)
  })

  it('does not mask values shorter than 8 characters', () => {
    expect(stream(['1234567', 'abc'], ['1234567 abc 12345678\n']).output).toBe('1234567 abc 12345678\n')
  })

  it('masks each line of a multi-line value, also when the lines appear apart', () => {
    const value = 'first-line-of-it\nsecond-line-here\nshort\n'
    expect(stream([value], [`[${value}]`]).output).toBe(`[${MASK}]`)
    expect(stream([value], ['a second-line-here b\n', 'c first-line-of-it d short\n']).output).toBe(`a ${MASK} b\nc ${MASK} d short\n`)
    // Reformatted by the child: each line is still masked.
    expect(stream([value], ['first-line-of-it\r\nsecond-line-here\r\n']).output).toBe(`${MASK}\r\n${MASK}\r\n`)
  })

  it('masks the longest value when one contains another', () => {
    const inner = 'password'
    const outer = 'my-password-123'
    expect(stream([inner, outer], [`${outer} ${inner} my-${inner}`]).output).toBe(`${MASK} ${MASK} my-${MASK}`)
    expect(stream([inner, outer], cut(`${outer}!`, 11)).output).toBe(`${MASK}!`)
  })

  it('masks overlapping values from the left: the first match wins, the rest of the other is shown', () => {
    expect(stream(['abcdefghij', 'ghijklmnop'], ['abcdefghijklmnop']).output).toBe(`${MASK}klmnop`)
    expect(stream(['abcdefghij', 'ghijklmnop'], 'abcdefghijklmnop'.split('')).output).toBe(`${MASK}klmnop`)
  })

  it('masks a value at the very start and the very end', () => {
    expect(stream([secret], [secret]).output).toBe(MASK)
    expect(stream([secret], [`${secret} middle ${secret}`]).output).toBe(`${MASK} middle ${MASK}`)
    expect(stream([secret], cut(`${secret} middle ${secret}`, 4, 30)).output).toBe(`${MASK} middle ${MASK}`)
  })

  it('masks repeated adjacent values', () => {
    expect(stream(['s3cr3tpw'], ['s3cr3tpws3cr3tpws3cr3tpw']).output).toBe(MASK.repeat(3))
    expect(stream(['s3cr3tpw'], cut('s3cr3tpws3cr3tpws3cr3tpw', 7, 9, 16)).output).toBe(MASK.repeat(3))
  })

  it('masks a UTF-8 value split inside a character', () => {
    const value = 'pässwörd-ñ-秘密'
    const line = Buffer.from(`ÿ ${value} ü`)
    const inside = line.indexOf(Buffer.from('ö')) + 1
    const masker = new Masker(maskPatterns([value]))
    const output = Buffer.concat([masker.push(line.subarray(0, inside)), masker.push(line.subarray(inside)), masker.flush()])
    expect(output.toString()).toBe(`ÿ ${MASK} ü`)
  })

  it('masks binary data', () => {
    const value = Uint8Array.of(0x00, 0xff, 0xfe, 0x80, 0x0a, 0x0d, 0x00, 0x01, 0xc3)
    const data = Buffer.concat([Buffer.of(0xff, 0x00), Buffer.from(value), Buffer.of(0x80, 0xff)])
    const masker = new Masker(maskPatterns([value]))
    const output = Buffer.concat([...oneByteAtATime(data).map((chunk) => masker.push(chunk)), masker.flush()])
    expect(output).toEqual(Buffer.concat([Buffer.of(0xff, 0x00), Buffer.from(MASK), Buffer.of(0x80, 0xff)]))
  })

  it('holds nothing back when nothing could be a secret', () => {
    const masker = new Masker(maskPatterns(['abcdefgh']))
    expect(masker.push(bytes('hello world\n')).toString()).toBe('hello world\n')
    expect(masker.push(bytes('no newline here')).toString()).toBe('no newline here')
    expect(masker.held).toBe(0)
  })

  it('holds back only a suffix that could begin a secret', () => {
    const masker = new Masker(maskPatterns(['abcdefgh']))
    expect(masker.push(bytes('token: abc')).toString()).toBe('token: ')
    expect(masker.held).toBe(3)
    expect(masker.push(bytes('xyz')).toString()).toBe('abcxyz')
    expect(masker.push(bytes('abcabcde')).toString()).toBe('abc')
    expect(masker.flush().toString()).toBe('abcde')
  })

  it('waits for a longer value while a shorter one is complete', () => {
    const patterns = maskPatterns(['abcdefgh', 'abcdefghijkl'])
    const longer = new Masker(patterns)
    expect(longer.push(bytes('>abcdefgh')).toString()).toBe('>')
    expect(longer.push(bytes('ijk')).toString()).toBe('')
    expect(longer.held).toBe(11)
    expect(longer.push(bytes('l<')).toString()).toBe(`${MASK}<`)

    const shorter = new Masker(patterns)
    expect(shorter.push(bytes('abcdefghijk')).toString()).toBe('')
    expect(shorter.push(bytes('X')).toString()).toBe(`${MASK}ijkX`)

    const ended = new Masker(patterns)
    expect(ended.push(bytes('abcdefghi')).toString()).toBe('')
    expect(ended.flush().toString()).toBe(`${MASK}i`)
  })

  it('passes chunks through untouched without patterns', () => {
    const masker = new Masker(maskPatterns(['short']))
    const chunk = bytes('anything at all')
    expect(masker.push(chunk)).toBe(chunk)
    expect(masker.flush().length).toBe(0)
  })
})

// A small seeded generator (mulberry32), so that a failing case can be replayed from its seed.
function random(seed: number): {int: (below: number) => number; pick: <T>(items: readonly T[]) => T} {
  let state = seed >>> 0
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }

  const int = (below: number): number => Math.floor(next() * below)
  return {int, pick: (items) => items[int(items.length)]!}
}

type Random = ReturnType<typeof random>

/** Deliberately naive: at each position try every pattern, longest first. */
function naiveMaskAll(data: Buffer, patterns: readonly Buffer[]): Buffer {
  const longestFirst = [...patterns].sort((a, b) => b.length - a.length)
  const output: number[] = []
  let i = 0
  while (i < data.length) {
    const match = longestFirst.find((pattern) => data.subarray(i, i + pattern.length).equals(pattern))
    if (match) {
      output.push(...Buffer.from(MASK))
      i += match.length
    } else {
      output.push(data[i]!)
      i++
    }
  }

  return Buffer.from(output)
}

/**
 * What a streaming masker must hold back after seeing `data`, naively: the rest of the data
 * from the first position the scan reaches where that rest is a proper prefix of a pattern.
 */
function naiveHeld(data: Buffer, patterns: readonly Buffer[]): number {
  const longestFirst = [...patterns].sort((a, b) => b.length - a.length)
  let i = 0
  while (i < data.length) {
    const rest = data.subarray(i)
    if (patterns.some((pattern) => pattern.length > rest.length && pattern.subarray(0, rest.length).equals(rest))) return rest.length
    const match = longestFirst.find((pattern) => rest.subarray(0, pattern.length).equals(pattern))
    i += match ? match.length : 1
  }

  return 0
}

/** Patterns over a tiny alphabet, some sharing prefixes or containing each other. */
function randomPatterns(rng: Random): Buffer[] {
  const alphabet = rng.pick(['ab', 'abc', 'abc', 'abcd'])
  const word = (length: number): string => Array.from({length}, () => rng.pick([...alphabet])).join('')
  const patterns: string[] = []
  const count = 1 + rng.int(6)
  while (patterns.length < count) {
    const base = patterns.length > 0 ? rng.pick(patterns) : undefined
    const kind = base ? rng.int(3) : 0
    if (kind === 0 || !base) patterns.push(word(8 + rng.int(33)))
    else if (kind === 1) patterns.push(base.slice(0, 1 + rng.int(base.length)) + word(8 + rng.int(10)))
    else {
      const start = rng.int(base.length - 7)
      patterns.push(base.slice(start, start + 8 + rng.int(base.length - start - 7)))
    }
  }

  return maskPatterns(patterns)
}

/** Random bytes mixed with whole and partial copies of the patterns. */
function randomText(rng: Random, patterns: readonly Buffer[]): Buffer {
  const pieces: Buffer[] = []
  const target = rng.int(400)
  let length = 0
  while (length < target) {
    const pattern = rng.pick(patterns)
    const piece = [
      () => Buffer.from(Array.from({length: 1 + rng.int(10)}, () => rng.pick([0x61, 0x62, 0x63, 0x64]))),
      () => pattern,
      () => pattern,
      () => pattern.subarray(0, rng.int(pattern.length)),
      () => pattern.subarray(rng.int(pattern.length)),
      () => Buffer.of(rng.pick([0x0a, 0xff, 0x00, 0x78])),
    ][rng.int(6)]!()
    pieces.push(piece)
    length += piece.length
  }

  return Buffer.concat(pieces)
}

function randomChunks(rng: Random, data: Buffer): Buffer[] {
  if (rng.int(10) === 0) return oneByteAtATime(data)
  const chunks: Buffer[] = []
  const largest = rng.pick([2, 5, 20, 100])
  for (let start = 0; start < data.length; ) {
    // Empty chunks too: a stream may deliver them.
    const end = Math.min(data.length, start + rng.int(largest + 1))
    chunks.push(data.subarray(start, end))
    start = end
  }

  return chunks
}

describe('cost', () => {
  // A job's log may be large; each position is a walk of at most the longest value, never a
  // walk to the end of the data. Quadratic work would not finish within the test's timeout.
  it('masks 256 kB of output full of near misses in linear time', {timeout: 20_000}, () => {
    const value = 'password-of-the-database'
    const line = 'pass passw password- password-of-the ' + value + '\n'
    const data = Buffer.from(line.repeat(Math.ceil(256_000 / line.length)))
    const output = maskAll(data, maskPatterns([value]))
    expect(output.includes(Buffer.from(value))).toBe(false)
    expect(output.length).toBe(data.length - (value.length - MASK.length) * Math.ceil(256_000 / line.length))
  })
})

describe('properties, 300 random cases each', () => {
  const seeds = Array.from({length: 300}, (_, i) => 0x5ec12e75 + i)

  it('maskAll equals a naive scan', () => {
    for (const seed of seeds) {
      const rng = random(seed)
      const patterns = randomPatterns(rng)
      const data = randomText(rng, patterns)
      expect(maskAll(data, patterns).toString('latin1'), `seed ${seed}`).toBe(naiveMaskAll(data, patterns).toString('latin1'))
    }
  })

  it('streaming equals maskAll for any chunking, holds back exactly what could still be a secret, and never shows a value', () => {
    for (const seed of seeds) {
      const rng = random(seed)
      const patterns = randomPatterns(rng)
      const data = randomText(rng, patterns)
      const masker = new Masker(patterns)
      const outputs: Buffer[] = []
      let seen = 0
      for (const chunk of randomChunks(rng, data)) {
        outputs.push(masker.push(chunk))
        seen += chunk.length
        const held = naiveHeld(data.subarray(0, seen), patterns)
        expect(masker.held, `seed ${seed}, after ${seen} bytes`).toBe(held)
        expect(Buffer.concat(outputs).toString('latin1'), `seed ${seed}, after ${seen} bytes`).toBe(naiveMaskAll(data.subarray(0, seen - held), patterns).toString('latin1'))
      }

      outputs.push(masker.flush())
      const output = Buffer.concat(outputs)
      expect(output.toString('latin1'), `seed ${seed}`).toBe(maskAll(data, patterns).toString('latin1'))
      for (const pattern of patterns) expect(output.includes(pattern), `seed ${seed}: ${pattern.toString('latin1')} shown`).toBe(false)
    }
  })
})

describe('the window skip (Wu–Manber on the shortest pattern)', () => {
  // Text over a wider alphabet than the patterns', so that most windows skip, mixed with whole
  // and partial patterns of 3 to 40 bytes, streamed in random chunks.
  const seeds = Array.from({length: 300}, (_, i) => 0x5c1b0000 + i)
  const letters = [...'abcdefghijklmnopqrstuvwxyz0123456789']

  function widePatterns(rng: Random): Buffer[] {
    const alphabet = letters.slice(0, rng.pick([4, 8, 16]))
    const count = 1 + rng.int(8)
    const patterns = Array.from({length: count}, () => Buffer.from(Array.from({length: 3 + rng.int(38)}, () => rng.pick(alphabet)).join('')))
    return [...new Map(patterns.map((p) => [p.toString('latin1'), p])).values()]
  }

  function wideText(rng: Random, patterns: readonly Buffer[]): Buffer {
    const pieces: Buffer[] = []
    for (let length = 0, target = rng.int(600); length < target; ) {
      const pattern = rng.pick(patterns)
      const piece = [
        () => Buffer.from(Array.from({length: 1 + rng.int(60)}, () => rng.pick(letters)).join('')),
        () => pattern,
        () => pattern.subarray(0, rng.int(pattern.length)),
        () => pattern.subarray(rng.int(pattern.length)),
      ][rng.int(4)]!()
      pieces.push(piece)
      length += piece.length
    }

    return Buffer.concat(pieces)
  }

  it('finds what a naive scan finds, whole and streamed, holding back exactly a possible beginning', () => {
    for (const seed of seeds) {
      const rng = random(seed)
      const patterns = widePatterns(rng)
      const data = wideText(rng, patterns)
      const expected = naiveMaskAll(data, patterns).toString('latin1')
      expect(maskAll(data, patterns).toString('latin1'), `seed ${seed}`).toBe(expected)
      const masker = new Masker(patterns)
      const outputs: Buffer[] = []
      let seen = 0
      for (const chunk of randomChunks(rng, data)) {
        outputs.push(masker.push(chunk))
        seen += chunk.length
        expect(masker.held, `seed ${seed}, after ${seen} bytes`).toBe(naiveHeld(data.subarray(0, seen), patterns))
      }

      outputs.push(masker.flush())
      expect(Buffer.concat(outputs).toString('latin1'), `seed ${seed}`).toBe(expected)
    }
  })
})

describe('pipeMasked', () => {
  const secret = 'correct-horse-battery-staple'

  /** A destination that keeps what it is given. */
  function sink(): {to: Writable; received: Buffer[]} {
    const received: Buffer[] = []
    const to = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        received.push(chunk)
        callback()
      },
    })
    return {to, received}
  }

  it('masks a stream written in pieces', async () => {
    const {to, received} = sink()
    const chunks = cut(`one ${secret}\ntwo ${secret}`, 6, 7, 30, 40).map((chunk) => Buffer.from(chunk))
    await pipeMasked(Readable.from(chunks), to, maskPatterns([secret])).done
    expect(Buffer.concat(received).toString()).toBe(`one ${MASK}\ntwo ${MASK}`)
  })

  it('passes output on at once, without waiting for a newline or the end', async () => {
    const from = new PassThrough()
    const {to, received} = sink()
    const piped = pipeMasked(from, to, maskPatterns([secret]))
    from.write('progress: 10%')
    await new Promise((resolve) => setImmediate(resolve))
    expect(Buffer.concat(received).toString()).toBe('progress: 10%')
    from.end()
    await piped.done
  })

  it('releases the bytes it held back when the stream ends', async () => {
    const {to, received} = sink()
    // Ends inside a possible longer value: held back until the end, then masked and written.
    await pipeMasked(Readable.from([Buffer.from('one abcdefghij')]), to, maskPatterns(['abcdefgh', 'abcdefghijkl'])).done
    expect(Buffer.concat(received).toString()).toBe(`one ${MASK}ij`)

    const tail = sink()
    await pipeMasked(Readable.from([Buffer.from(`last words: ${secret.slice(0, 10)}`)]), tail.to, maskPatterns([secret])).done
    expect(Buffer.concat(tail.received).toString()).toBe(`last words: ${secret.slice(0, 10)}`)
  })

  it('waits for a destination that does not take more, instead of holding the stream', async () => {
    // A destination that takes one chunk and then nothing until it drains.
    const held: Buffer[] = []
    let release = () => {}
    const to = new Writable({
      highWaterMark: 1,
      write(chunk: Buffer, _encoding, callback) {
        held.push(chunk)
        release = callback
      },
    })
    const from = new PassThrough({highWaterMark: 1024})
    const piped = pipeMasked(from, to, maskPatterns([secret]))
    for (let i = 0; i < 100; i++) from.write(Buffer.alloc(1024, 'x'))
    await new Promise((resolve) => setImmediate(resolve))
    // Paused: the source keeps what the masker did not read.
    expect(held.length).toBe(1)
    expect(from.readableLength + from.writableLength).toBeGreaterThan(50 * 1024)
    from.end()
    const drain = setInterval(() => release(), 1)
    await piped.done
    clearInterval(drain)
    expect(Buffer.concat(held).length).toBe(100 * 1024)
  })

  it("masks a child process's output written in pieces", async () => {
    const script = `process.stdout.write(${JSON.stringify(`key=${secret.slice(0, 9)}`)}); setTimeout(() => process.stdout.write(${JSON.stringify(`${secret.slice(9)}\n`)}), 50)`
    const child = spawn(process.execPath, ['-e', script], {stdio: ['ignore', 'pipe', 'inherit']})
    const {to, received} = sink()
    await pipeMasked(child.stdout, to, maskPatterns([secret])).done
    expect(Buffer.concat(received).toString()).toBe(`key=${MASK}\n`)
  })
})
