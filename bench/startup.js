#!/usr/bin/env node
// Start-up cost of each command: wall time and peak memory of `bin/run.js` as a user runs it,
// in a throwaway repository with a vault of N secrets. Prints a Markdown table.
//   node bench/startup.js [--runs 15] [--secrets 200]
import {execFileSync, spawnSync} from 'node:child_process'
import {existsSync, mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join, resolve} from 'node:path'
import {parseArgs} from 'node:util'

const {values} = parseArgs({options: {runs: {type: 'string', default: '15'}, secrets: {type: 'string', default: '200'}}})
const runs = Number(values.runs)
const secretCount = Number(values.secrets)
const bin = resolve(import.meta.dirname, '../bin/run.js')
const time = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined

const dir = mkdtempSync(join(tmpdir(), 'secrets-bench-'))
const repo = join(dir, 'repo')
const env = {...process.env, HOME: join(dir, 'home'), XDG_CONFIG_HOME: join(dir, 'home', '.config'), SECRETS_KEYCHAIN: 'off', NO_COLOR: '1'}
for (const key of ['SECRETS_IDENTITY', 'SECRETS_IDENTITY_FILE', 'SECRETS_VAULT', 'SECRETS_NOW']) delete env[key]

function secrets(args, input = '') {
  const result = spawnSync(process.execPath, [bin, ...args], {cwd: repo, env, input, encoding: 'utf8'})
  if (result.status !== 0) throw new Error(`secrets ${args.join(' ')} failed: ${result.stderr}`)
}

/** Wall milliseconds and peak RSS (KiB, from GNU time) of one run. */
function measure(args, input) {
  const start = process.hrtime.bigint()
  const command = time ? [time, '-f', '%M', process.execPath, bin, ...args] : [process.execPath, bin, ...args]
  const result = spawnSync(command[0], command.slice(1), {cwd: repo, env, input, encoding: 'utf8'})
  const ms = Number(process.hrtime.bigint() - start) / 1e6
  if (result.status !== 0) throw new Error(`secrets ${args.join(' ')} failed: ${result.stderr}`)
  const rss = time ? Number(result.stderr.trim().split('\n').at(-1)) : Number.NaN
  return {ms, rss}
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const p90 = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.9)]

try {
  execFileSync('git', ['init', '-q', repo])
  secrets(['enable'])
  for (let i = 0; i < secretCount; i++) secrets(['add', `SECRET_${i}`, '--environment', i % 2 ? 'production' : '*'], `value-${i}-${'x'.repeat(40)}`)

  let added = 0
  const cases = [
    ['--version', () => ['--version']],
    ['--help', () => ['--help']],
    ['identity', () => ['identity', '--json']],
    ['list', () => ['list', '--json']],
    ['get', () => ['get', 'SECRET_0']],
    ['get --environment', () => ['get', 'SECRET_1', '--environment', 'production']],
    ['add', () => ['add', `BENCH_${added++}`], 'bench-value-0123456789'],
  ]
  console.log(`| command | median ms | p90 ms | peak RSS MiB |  (${runs} runs, vault of ${secretCount} secrets, node ${process.version})`)
  console.log('|---|---|---|---|')
  for (const [name, args, input] of cases) {
    const samples = Array.from({length: runs}, () => measure(args(), input ?? ''))
    const ms = samples.map((s) => s.ms)
    const rss = samples.map((s) => s.rss)
    console.log(`| ${name} | ${median(ms).toFixed(0)} | ${p90(ms).toFixed(0)} | ${(Math.max(...rss) / 1024).toFixed(1)} |`)
  }
} finally {
  rmSync(dir, {recursive: true, force: true})
}
