#!/usr/bin/env node
// Throughput of the output masker on log-like text, by number of patterns, and the most it
// ever held back. Prints a Markdown table. Needs a build (`npx tsc -p tsconfig.build.json`).
//   node bench/mask.js [--megabytes 20] [--runs 3]
import {parseArgs} from 'node:util'
import {MASK, Masker, maskPatterns} from '../dist/run/mask.js'

const {values} = parseArgs({options: {megabytes: {type: 'string', default: '20'}, runs: {type: 'string', default: '3'}}})
const size = Number(values.megabytes) * 1024 * 1024
const runs = Number(values.runs)
const CHUNK = 64 * 1024
const COUNTS = [1, 10, 100, 500]

// Seeded (mulberry32): every run measures the same text and the same secrets.
let state = 0x6d61736b
function random() {
  state = (state + 0x6d2b79f5) >>> 0
  let t = state
  t = Math.imul(t ^ (t >>> 15), t | 1)
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
  return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
}

const int = (below) => Math.floor(random() * below)
const pick = (items) => items[int(items.length)]
const word = (alphabet, length) => Array.from({length}, () => alphabet[int(alphabet.length)]).join('')
const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'
const HEX = '0123456789abcdef'

/** Secrets shaped like real ones; GitLab tokens share their `glpat-` prefix with the log's. */
function secret() {
  switch (int(3)) {
    case 0: return `glpat-${word(BASE62, 20)}`
    case 1: return word(`${BASE62}+/`, 32 + int(13))
    default: return word(HEX, 40)
  }
}

const secrets = Array.from({length: Math.max(...COUNTS)}, secret)

/** A CI job's log: timestamps, levels, paths, ids, now and then a token, and a secret. */
function log() {
  const lines = []
  let length = 0
  for (let n = 0; length < size; n++) {
    const time = `2026-11-22T10:${String(Math.floor(n / 6000) % 60).padStart(2, '0')}:${String(Math.floor(n / 100) % 60).padStart(2, '0')}.${String(n % 1000).padStart(3, '0')}Z`
    const level = pick(['INFO', 'INFO', 'INFO', 'DEBUG', 'WARN', 'ERROR'])
    const body = [
      () => `Compiling src/${word(BASE62.slice(26, 52), 4 + int(8))}/${word(BASE62.slice(26, 52), 3 + int(10))}.ts (${int(5000)} ms)`,
      () => `GET /api/v4/projects/${int(99999)}/jobs/${int(9999999)} 200 ${int(900)}ms request_id=${word(HEX, 32)}`,
      () => `Using token glpat-${word(BASE62, 20)} for registry.example.com`,
      () => `Downloading artifact ${word(HEX, 12)}.tar.gz (${int(100)}.${int(10)} MB) [${'='.repeat(int(40))}>]`,
      () => `test ${word(BASE62.slice(26, 52), 6)} › ${word(BASE62.slice(26, 52), 8)} passed in ${int(300)}ms`,
      () => `password accepted for ${pick(secrets)} on attempt ${int(3) + 1}`,
    ][n % 50 === 0 ? 5 : int(5)]()
    const line = `${time} ${level.padEnd(5)} [worker-${int(8)}] ${body}\n`
    lines.push(line)
    length += line.length
  }

  return Buffer.from(lines.join(''))
}

const text = log()
const chunks = []
for (let start = 0; start < text.length; start += CHUNK) chunks.push(text.subarray(start, start + CHUNK))

console.log(`${(text.length / 1024 / 1024).toFixed(1)} MiB of log in ${chunks.length} chunks of 64 KiB, best of ${runs} runs, Node ${process.versions.node}\n`)
console.log('| patterns | MB/s | masked | held back at most (bytes) |')
console.log('|---|---|---|---|')
for (const count of COUNTS) {
  const patterns = maskPatterns(secrets.slice(0, count))
  let best = Infinity
  let held = 0
  for (let run = 0; run < runs; run++) {
    const masker = new Masker(patterns)
    const start = process.hrtime.bigint()
    for (const chunk of chunks) {
      masker.push(chunk)
      if (masker.held > held) held = masker.held
    }

    masker.flush()
    best = Math.min(best, Number(process.hrtime.bigint() - start) / 1e9)
  }

  const masked = countMasks(patterns)

  console.log(`| ${count} | ${Math.round(text.length / 1e6 / best)} | ${masked} | ${held} |`)
}

/** Masks in the output, counted apart from the timed runs; the log itself never says [MASKED]. */
function countMasks(patterns) {
  const masker = new Masker(patterns)
  const output = Buffer.concat([...chunks.map((chunk) => masker.push(chunk)), masker.flush()])
  let count = 0
  for (let at = output.indexOf(MASK); at !== -1; at = output.indexOf(MASK, at + 1)) count++
  return count
}
