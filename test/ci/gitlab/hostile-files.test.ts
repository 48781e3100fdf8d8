// Hostile CI files, each read and parsed in its own process as `secrets run` reads them, with
// the heap capped at 200 MB: every one ends, within 2 s of CPU time for reading and parsing and
// 160 MB of memory over what the process held before reading (its peak as the OS counts it, less
// Node's own start, which differs by version), with one clear error that names
// the file and, where there is one, the line. CPU time, not wall time: on a shared, loaded
// machine the wall clock measures the neighbours (the probe is still killed after 10 s).
// The probe loads dist/: `npx tsc -p tsconfig.build.json` first.
import {execFileSync, spawn} from 'node:child_process'
import {appendFileSync, closeSync, mkdirSync, mkdtempSync, openSync, rmSync, symlinkSync, writeFileSync, writeSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join, resolve} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

const PROBE = resolve(import.meta.dirname, 'parse-probe.mjs')
const LIMIT_MS = 2000
const LIMIT_MB = 200
/**
 * Peak memory the reading may add to the process: below the heap cap, with room for how
 * differently Node versions collect (the costliest shape below measured up to 162 MB added on
 * Node 24, whose collector runs later than Node 20's). A file that multiplies its size into
 * memory hits the cap and fails here all the same.
 */
const ADDED_LIMIT_MB = 185

interface Probe {
  code: string
  message?: string
  jobs?: string[]
  ms: number
  cpuMs: number
  peakMB: number
  addedMB: number
}

let root: string

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'secrets-hostile-'))
})

afterAll(() => rmSync(root, {recursive: true, force: true}))

let cases = 0

/** A fresh repository holding `files` (text or bytes); symlinks as `{link: target}`. */
function repository(files: Record<string, string | Buffer | {link: string}>): string {
  const dir = join(root, `repo-${cases++}`)
  mkdirSync(dir)
  for (const [path, content] of Object.entries(files)) {
    const file = join(dir, path)
    mkdirSync(dirname(file), {recursive: true})
    if (typeof content === 'object' && !Buffer.isBuffer(content)) symlinkSync(content.link, file)
    else writeFileSync(file, content)
  }

  return dir
}

/** The probe in a child process, heap capped; killed (and failed) after 10 s. `job`: as --job. */
function probe(dir: string, job?: string): Promise<Probe> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [`--max-old-space-size=${LIMIT_MB}`, PROBE, dir, ...(job ? [job] : [])], {stdio: ['ignore', 'pipe', 'pipe']})
    let out = ''
    let err = ''
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()))
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      if (code !== 0) return reject(new Error(`probe ended with ${signal ?? code}: ${err.slice(0, 500)}`))
      const result = JSON.parse(out) as Probe
      // HOSTILE_REPORT=FILE keeps each measurement, for bench/ or a report.
      if (process.env.HOSTILE_REPORT) appendFileSync(process.env.HOSTILE_REPORT, `${JSON.stringify({test: expect.getState().currentTestName, ...result, message: result.message?.slice(0, 120)})}\n`)
      resolvePromise(result)
    })
  })
}

/** Asserts the bounds, then the refusal: exit-2 (USAGE) error, one lower-case-able line matching `message`. */
async function expectRefused(dir: string, message: RegExp, job?: string): Promise<Probe> {
  const result = await probe(dir, job)
  expect(result.code, JSON.stringify(result)).toBe('USAGE')
  expect(result.message).toMatch(message)
  expect(result.message).not.toContain('\n')
  expect(result.message!.length).toBeLessThan(1000)
  expect(result.cpuMs).toBeLessThan(LIMIT_MS)
  expect(result.addedMB).toBeLessThan(ADDED_LIMIT_MB)
  return result
}

const JOB = 'job: {script: [x]}\n'

describe('resource bombs', () => {
  it('refuses a billion-laughs alias bomb without expanding it', async () => {
    const levels = ['l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]']
    for (let i = 1; i < 10; i++) levels.push(`l${i}: &l${i} [${Array.from({length: 10}, () => `*l${i - 1}`).join(', ')}]`)
    await expectRefused(repository({'.gitlab-ci.yml': `${levels.join('\n')}\n${JOB}`}), /^\.gitlab-ci\.yml: The parsed YAML is too big$/)
  })

  it('refuses 10,000-deep flow sequences and mappings, naming the line', async () => {
    await expectRefused(repository({'.gitlab-ci.yml': `${JOB}deep: ${'['.repeat(10_000)}${']'.repeat(10_000)}\n`}), /^\.gitlab-ci\.yml:2:\d+: nesting too deep \(more than 150 levels\)/)
    await expectRefused(repository({'.gitlab-ci.yml': `${JOB}deep: ${'{a: '.repeat(10_000)}1${'}'.repeat(10_000)}\n`}), /^\.gitlab-ci\.yml:2:\d+: nesting too deep/)
  })

  it('refuses 10,000-deep block nesting, compact or indented', async () => {
    await expectRefused(repository({'.gitlab-ci.yml': `${JOB}deep:\n${'  - '.repeat(10_000)}x\n`}), /^\.gitlab-ci\.yml:3:\d+: nesting too deep/)
    // Indented one space a level, 10,000 levels are 50 MB: refused for size, before any parsing.
    const levels = (count: number) => Array.from({length: count}, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n')
    await expectRefused(repository({'.gitlab-ci.yml': `${JOB}${levels(10_000)} x\n`}), /file too big \(\d+ bytes; gitlab accepts at most 2097152\)/)
    // 1,000 levels fit in the size: refused for depth.
    await expectRefused(repository({'.gitlab-ci.yml': `${JOB}${levels(1000)} x\n`}), /nesting too deep \(more than 150 levels\)/)
  })

  it('refuses a 20 MB file from its size alone', async () => {
    const dir = repository({})
    // Written in chunks: the test itself should not hold 20 MB either.
    const fd = openSync(join(dir, '.gitlab-ci.yml'), 'w')
    writeSync(fd, 'job:\n  script:\n')
    const chunk = '    - echo a line of a generated pipeline that goes on and on\n'.repeat(10_000)
    for (let written = 0; written < 20 * 1024 * 1024; written += chunk.length) writeSync(fd, chunk)
    closeSync(fd)
    await expectRefused(dir, /^\.gitlab-ci\.yml: file too big \(2\d{7} bytes; gitlab accepts at most 2097152\)$/)
  })

  it('reads a file just under the limit within the bounds', async () => {
    // 1.9 MB: a long job, lines of prose; parsed in full.
    const line = '    - echo "a line of a generated pipeline, long enough to weigh something: $CI_JOB_NAME"\n'
    const text = `job:\n  script:\n${line.repeat(Math.floor((1.9 * 1024 * 1024) / line.length))}`
    const result = await probe(repository({'.gitlab-ci.yml': text}))
    expect(result.code, JSON.stringify(result)).toBe('OK')
    expect(result.jobs).toEqual(['job'])
    expect(result.cpuMs).toBeLessThan(LIMIT_MS)
    expect(result.addedMB).toBeLessThan(ADDED_LIMIT_MB)
    // One double-quoted scalar of 2 MB, the costliest shape for the yaml package seen so far.
    const quoted = await probe(repository({'.gitlab-ci.yml': `job: {script: ["${'a'.repeat(2_090_000)}"]}\n`}))
    expect(quoted.code, JSON.stringify(quoted)).toBe('OK')
    expect(quoted.cpuMs).toBeLessThan(LIMIT_MS)
    expect(quoted.addedMB).toBeLessThan(ADDED_LIMIT_MB)
  })

  it('refuses !reference fan-out that would multiply into billions of values', async () => {
    const levels = ['.r0: {s: [x, x, x, x, x, x, x, x, x, x]}']
    for (let i = 1; i <= 10; i++) levels.push(`.r${i}: {s: [${Array.from({length: 10}, () => `!reference [.r${i - 1}, s]`).join(', ')}]}`)
    await expectRefused(repository({'.gitlab-ci.yml': `${levels.join('\n')}\njob: {script: [!reference [.r9, s]]}\n`}), /expands to more than 1000000 values through extends:, include: and !reference$/, 'job')
  })
})

// Files under the 2 MB limit whose cost is in building the YAML documents, before any value
// budget can act: refused by a pass over the lexer's tokens, located, before a document exists.
describe('files that are costly to build', () => {
  const MB = 2 * 1024 * 1024 - 100
  const clip = (text: string) => text.slice(0, MB)
  const list = (count: number, item: (i: number) => string) => Array.from({length: count}, (_, i) => item(i)).join(',')

  it('refuses more documents than a header and the configuration, even empty ones', async () => {
    // 520,000 empty documents (2 MB of `---` lines).
    await expectRefused(repository({'.gitlab-ci.yml': clip(`${JOB}${'---\n'.repeat(MB / 4)}`)}), /^\.gitlab-ci\.yml:10:1: too many yaml documents \(more than 8; gitlab reads a spec: header and the configuration\)$/)
    // A third document with content, after a header and the configuration.
    await expectRefused(repository({'.gitlab-ci.yml': `spec: {}\n---\n${JOB}---\nmore: {script: [x]}\n`}), /^\.gitlab-ci\.yml:5:1: too many yaml documents \(more than 2;/)
  })

  it('refuses more than 10,000 aliases, to a scalar or as a merge list', async () => {
    await expectRefused(repository({'.gitlab-ci.yml': `a: &a x\n${JOB}b: [${list(400_000, () => '*a')}]\n`}), /^\.gitlab-ci\.yml:3:30005: too many yaml aliases \(more than 10000\)$/)
    await expectRefused(repository({'.gitlab-ci.yml': `b: &b {k: 1}\njob: {<<: [${list(100_000, () => '*b')}], script: [x]}\n`}), /^\.gitlab-ci\.yml:2:\d+: too many yaml aliases/)
  })

  it('refuses !!omap, !!set and !!pairs, however the tag is written', async () => {
    await expectRefused(repository({'.gitlab-ci.yml': `${JOB}k: !!omap [${list(150_000, (i) => `k${i}: 1`)}]\n`}), /^\.gitlab-ci\.yml:2:4: yaml tag !!omap is not allowed \(gitlab's yaml loader refuses it\)$/)
    await expectRefused(repository({'.gitlab-ci.yml': `${JOB}k: !!set {a, b}\n`}), /:2:4: yaml tag !!set is not allowed/)
    await expectRefused(repository({'.gitlab-ci.yml': `${JOB}k: !<tag:yaml.org,2002:pairs> [a: 1]\n`}), /:2:4: yaml tag !<tag:yaml\.org,2002:pairs> is not allowed/)
    // Through a %TAG handle the lexer cannot see the name: the schema no longer builds it, the converter refuses it.
    await expectRefused(repository({'.gitlab-ci.yml': `%TAG !e! tag:yaml.org,2002:\n---\n${JOB}k: !e!omap [a: 1]\n`}), /^\.gitlab-ci\.yml:4:\d+: yaml tag !!omap is not allowed/)
  })

  it('refuses a flow mapping or a block of keys past 250,000 tokens, naming where', async () => {
    await expectRefused(repository({'.gitlab-ci.yml': clip(`${JOB}k: {${list(190_000, (i) => `k${i}: 1`)}}\n`)}), /^\.gitlab-ci\.yml:2:\d+: The parsed YAML is too big \(more than 250000 yaml tokens\)$/)
    const block = Array.from({length: 60_000}, (_, i) => `  k${i}: 1\n`).join('')
    await expectRefused(repository({'.gitlab-ci.yml': `${JOB}k:\n${block}`}), /^\.gitlab-ci\.yml:\d+:\d+: The parsed YAML is too big/)
  })

  it('reads the costliest shape seen just under the token budget within the bounds', async () => {
    // A flow sequence of numbers: about 0.4 KB and 3 µs a token in the yaml package.
    const result = await probe(repository({'.gitlab-ci.yml': `${JOB}k: [${list(82_000, () => '1')}]\n`}))
    expect(result.code, JSON.stringify(result)).toBe('OK')
    expect(result.cpuMs).toBeLessThan(LIMIT_MS)
    expect(result.addedMB).toBeLessThan(ADDED_LIMIT_MB)
  })
})

describe('multiplying extends:', () => {
  it('refuses many jobs each merging a huge base, a few KB of YAML that would copy millions of values', async () => {
    const base = `.base: {${Array.from({length: 4000}, (_, i) => `k${i}: ${i}`).join(', ')}}`
    const jobs = Array.from({length: 400}, (_, i) => `j${i}: {extends: .base, script: [x]}`).join('\n')
    await expectRefused(repository({'.gitlab-ci.yml': `${base}\n${jobs}\n`}), /expands to more than 1000000 values/)
  })
})

describe('cycles', () => {
  it('refuses extends: cycles, direct and indirect', async () => {
    // A job's own errors stop a run of that job (without --job, a run picks the job with secrets).
    await expectRefused(repository({'.gitlab-ci.yml': 'job: {extends: job, script: [x]}\n'}), /job: circular dependency detected in `extends`/, 'job')
    await expectRefused(repository({'.gitlab-ci.yml': '.a: {extends: .c}\n.b: {extends: .a}\n.c: {extends: .b}\njob: {extends: .a, script: [x]}\n'}), /circular dependency detected in `extends`/, 'job')
  })

  it('refuses !reference cycles and chains deeper than 10', async () => {
    await expectRefused(repository({'.gitlab-ci.yml': '.a: {s: [!reference [.b, s]]}\n.b: {s: [!reference [.a, s]]}\njob: {script: [!reference [.a, s]]}\n'}), /is part of a circular chain/, 'job')
    const chain = Array.from({length: 12}, (_, i) => `.r${i}: {s: [${i === 0 ? 'x' : `!reference [.r${i - 1}, s]`}]}`).join('\n')
    await expectRefused(repository({'.gitlab-ci.yml': `${chain}\njob: {script: [!reference [.r11, s]]}\n`}), /is nested more than 10 levels deep/, 'job')
  })

  it('refuses include cycles, naming the files', async () => {
    await expectRefused(repository({'.gitlab-ci.yml': `include: a.yml\n${JOB}`, 'a.yml': 'include: b.yml\n', 'b.yml': 'include: /a.yml\n'}), /include cycle: a\.yml includes b\.yml includes \/?a\.yml/)
    await expectRefused(repository({'.gitlab-ci.yml': `include: ci/self.yml\n${JOB}`, 'ci/self.yml': 'include: ci/./self.yml\n'}), /include cycle/)
  })

  it('refuses includes that are too big together, before parsing the one past the limit', async () => {
    // Each file is under the 2 MB limit; together they pass the 4 MB one at the third.
    const big = (name: string) => `${name}: {script: [${'a'.repeat(1_600_000)}]}\n`
    const dir = repository({'.gitlab-ci.yml': `include: [a.yml, b.yml, c.yml]\n${JOB}`, 'a.yml': big('a'), 'b.yml': big('b'), 'c.yml': big('c')})
    await expectRefused(dir, /c\.yml: the included files are too big together \(more than 4194304 bytes\)$/)
  })

  it('refuses more than 150 includes', async () => {
    const files: Record<string, string> = {'.gitlab-ci.yml': `include: f0.yml\n${JOB}`}
    for (let i = 0; i < 160; i++) files[`f${i}.yml`] = `include: f${i + 1}.yml\nj${i}: {script: [x]}\n`
    await expectRefused(repository(files), /Maximum of 150 nested includes are allowed!/)
  })
})

describe('bytes that are not a CI file', () => {
  it('refuses binary garbage, naming the first byte that is not UTF-8', async () => {
    // A fixed pseudo-random sequence: the same garbage every run.
    let seed = 42
    const bytes = Buffer.from(Array.from({length: 64 * 1024}, () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) % 256))
    await expectRefused(repository({'.gitlab-ci.yml': bytes}), /^\.gitlab-ci\.yml:\d+:\d+: not utf-8 text \(invalid byte 0x[\da-f]{2} at byte offset \d+\)$/)
  })

  it('refuses invalid UTF-8 with its line and byte offset', async () => {
    const bytes = Buffer.concat([Buffer.from('job:\n  script:\n    - echo caf'), Buffer.from([0xc3, 0x28]), Buffer.from('\n')])
    await expectRefused(repository({'.gitlab-ci.yml': bytes}), /^\.gitlab-ci\.yml:3:15: not utf-8 text \(invalid byte 0xc3 at byte offset 29\)$/)
    // Overlong encodings and UTF-16 surrogates are not UTF-8 either.
    await expectRefused(repository({'.gitlab-ci.yml': Buffer.from([0x61, 0x3a, 0x20, 0xc0, 0xaf])}), /:1:4: not utf-8 text \(invalid byte 0xc0 at byte offset 3\)/)
    await expectRefused(repository({'.gitlab-ci.yml': Buffer.from([0x61, 0x3a, 0x20, 0xed, 0xa0, 0x80])}), /:1:4: not utf-8 text \(invalid byte 0xed at byte offset 3\)/)
  })

  it('refuses NUL and other control characters, with line and column', async () => {
    await expectRefused(repository({'.gitlab-ci.yml': 'job:\n  script: [ec\u0000ho]\n'}), /^\.gitlab-ci\.yml:2:14: control character U\+0000 is not allowed in yaml$/)
    await expectRefused(repository({'.gitlab-ci.yml': `${JOB}x: "\u001B]52;c;aGk=\u0007"\n`}), /:2:5: control character U\+001B is not allowed in yaml$/)
  })

  it('refuses a named pipe or a directory in place of a file, without waiting on it', async () => {
    const dir = repository({'.gitlab-ci.yml': `include: [ci/fifo.yml, ci]\n${JOB}`, 'ci/.keep': ''})
    execFileSync('mkfifo', [join(dir, 'ci', 'fifo.yml')])
    const result = await expectRefused(dir, /^\.gitlab-ci\.yml: ci\/fifo\.yml: not a regular file \(and 1 more\)$/)
    expect(result.ms).toBeLessThan(5000)
  })

  it('refuses an included file with the same faults, naming that file', async () => {
    await expectRefused(repository({'.gitlab-ci.yml': `include: ci/bad.yml\n${JOB}`, 'ci/bad.yml': Buffer.from([0x61, 0x3a, 0x20, 0xff])}), /^\.gitlab-ci\.yml: ci\/bad\.yml:1:4: not utf-8 text/)
  })
})

describe('local includes stay inside the repository', () => {
  it('refuses a path that climbs out with ..', async () => {
    const dir = repository({'.gitlab-ci.yml': `include: ../outside.yml\n${JOB}`})
    writeFileSync(join(dir, '..', 'outside.yml'), 'stolen: {script: [x]}\n')
    await expectRefused(dir, /Local file `\.\.\/outside\.yml` does not exist! \(the path leaves the repository\)/)
  })

  it('reads an absolute path from the repository root, as GitLab does, never from /', async () => {
    await expectRefused(repository({'.gitlab-ci.yml': `include: /etc/passwd\n${JOB}`}), /Local file `etc\/passwd` does not exist!$/)
    const result = await probe(repository({'.gitlab-ci.yml': `include: /ci/a.yml\n${JOB}`, 'ci/a.yml': 'from-include: {script: [x]}\n'}))
    expect(result.jobs).toEqual(['from-include', 'job'])
  })

  it('refuses a symlinked file, a symlinked directory and a symlink anywhere in the path', async () => {
    const outside = join(root, 'outside')
    mkdirSync(join(outside, 'deeper'), {recursive: true})
    writeFileSync(join(outside, 'x.yml'), 'stolen: {script: [x]}\n')
    writeFileSync(join(outside, 'deeper', 'x.yml'), 'stolen: {script: [x]}\n')
    await expectRefused(repository({'.gitlab-ci.yml': `include: ci/x.yml\n${JOB}`, 'ci/x.yml': {link: join(outside, 'x.yml')}}), /local include `ci\/x\.yml` leaves the repository through a symlink/)
    await expectRefused(repository({'.gitlab-ci.yml': `include: ci/x.yml\n${JOB}`, ci: {link: outside}}), /local include `ci\/x\.yml` leaves the repository through a symlink/)
    await expectRefused(repository({'.gitlab-ci.yml': `include: a/ci/deeper/x.yml\n${JOB}`, 'a/ci': {link: outside}}), /local include `a\/ci\/deeper\/x\.yml` leaves the repository through a symlink/)
    // A relative link that climbs out is the same escape.
    await expectRefused(repository({'.gitlab-ci.yml': `include: x.yml\n${JOB}`, 'x.yml': {link: '../outside/x.yml'}}), /leaves the repository through a symlink/)
  })

  it('follows a symlink that stays inside the repository', async () => {
    const result = await probe(repository({'.gitlab-ci.yml': `include: ci/link.yml\n${JOB}`, 'ci/real.yml': 'inside: {script: [x]}\n', 'ci/link.yml': {link: 'real.yml'}}))
    expect(result.code).toBe('OK')
    expect(result.jobs).toEqual(['inside', 'job'])
  })

  it('refuses a .gitlab-ci.yml that is itself a symlink out of the repository', async () => {
    writeFileSync(join(root, 'theirs.yml'), JOB)
    const result = await probe(repository({'.gitlab-ci.yml': {link: join(root, 'theirs.yml')}}))
    expect(result).toMatchObject({code: 'USAGE', message: '.gitlab-ci.yml leaves the repository through a symlink'})
  })
})
