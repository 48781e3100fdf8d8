#!/usr/bin/env node
// The benchmark runner (issue 10): builds its fixtures with the CLI itself, runs each command
// interleaved with its comparison (`node -e 0`, dotenvx), and writes bench/results.md.
//   node bench/run.mjs [--quick] [--runs N] [--only NAME,...] [--node PATH | --all-nodes] [--keep]
// Exits non-zero only when a measured command fails; a missed target is a line in the results.
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join, relative, resolve} from 'node:path'
import {parseArgs} from 'node:util'

import {defineCases, medians} from './lib/cases.mjs'
import {encryptedDotenv, ensureDotenvx} from './lib/dotenvx.mjs'
import {cleanEnvironment, describeMachine, loadAverage} from './lib/environment.mjs'
import {cli, copyPins, enabledRepo, filledRepo, freshCopy, generateSecrets, writeDotenv, writeLog} from './lib/fixtures.mjs'
import {CommandFailed, hasPeakMemory, interleave} from './lib/measure.mjs'
import {cliFor, ensureNodeBinary} from './lib/node-versions.mjs'
import {renderResults} from './lib/report.mjs'

const BENCH = import.meta.dirname
const ROOT = resolve(BENCH, '..')
const TOOLS = join(BENCH, '.tools')
const WORK = join(BENCH, '.work')
/** Encrypting with dotenvx costs ~20 ms a line here: past this, the large encrypted .env is skipped. */
const DOTENVX_ENCRYPT_LIMIT_MS = 60_000

const {values: flags} = parseArgs({
  options: {
    quick: {type: 'boolean', default: false},
    runs: {type: 'string'},
    only: {type: 'string'},
    node: {type: 'string'},
    'all-nodes': {type: 'boolean', default: false},
    keep: {type: 'boolean', default: false},
  },
})

const runs = Number(flags.runs ?? (flags.quick ? 3 : 9))
if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs: a whole number of at least 1, not ${flags.runs}`)
const sizes = flags.quick ? {big: 2_000, logMiB: 32} : {big: 10_000, logMiB: 256}
const only = flags.only ? new Set(flags.only.split(',').map((s) => s.trim())) : undefined
const log = (message) => process.stderr.write(`bench: ${message}\n`)

/** The cases a selection needs built: fixture name → the cases that use it. */
const NEEDS = {
  vBig: ['get', 'run20', 'runnojob', 'list', 'rotate'],
  v1000: ['list', 'mask'],
  log: ['mask'],
  importFile: ['import'],
  dotenvx: ['run5', 'get', 'run20'],
}
const needs = (fixture) => !only || NEEDS[fixture].some((name) => only.has(name))

async function main() {
  const machine = describeMachine(ROOT)
  const nodes = flags['all-nodes'] ? [process.execPath, ensureNodeBinary(TOOLS, 22, log), ensureNodeBinary(TOOLS, 24, log)] : [flags.node ? resolve(flags.node) : process.execPath]
  const clis = nodes.map((node) => cliFor(ROOT, node, WORK, log))
  // Outside the checkout: secrets keeps its caches (the record of verified rows, V8's compiled
  // code) only outside any git worktree, as a user's ~/.cache is (src/private-dir.ts).
  const runDir = mkdtempSync(join(tmpdir(), 'secrets-bench-'))
  try {
    const home = join(runDir, 'home')
    mkdirSync(home, {recursive: true})
    const envFor = (node) => cleanEnvironment(home, node === process.execPath ? undefined : dirname(node))
    const first = {...clis[0], env: envFor(clis[0].node)}
    const {fx, dotenvx, notes} = buildFixtures(first, runDir)

    const sections = []
    for (const target of clis) {
      const ctx = {...target, env: envFor(target.node), fx, dotenvx}
      // Each Node starts without whatever cache the previous one left (its warm-up fills its own).
      rmSync(ctx.env.XDG_CACHE_HOME, {recursive: true, force: true})
      log(`measuring on Node ${target.info.version} (${runs} runs each)`)
      const section = {nodeVersion: target.info.version, copied: target.copied, load: loadAverage(), results: []}
      for (const testCase of defineCases(ctx)) {
        if (only && !only.has(testCase.name)) continue
        // Every case meets the vaults as the fixtures left them (a rotated copy is not a rollback of them).
        copyPins(ctx.env, fx.pins, {restore: true})
        const present = testCase.variants.map((v, i) => [v, i]).filter(([v]) => v)
        const samples = await interleave(present.map(([v]) => v), runs, (done, total) => log(`  ${testCase.name}: ${done}/${total}`))
        const aligned = testCase.variants.map(() => undefined)
        present.forEach(([, i], k) => (aligned[i] = samples[k]))
        section.results.push({testCase, medians: medians(aligned)})
      }

      section.loadAfter = loadAverage()
      sections.push(section)
    }

    const text = renderResults({machine, options: {quick: flags.quick, runs, argv: process.argv.slice(2)}, sizes: {...sizes, logBytes: fx.logBytes}, notes, sections})
    // A subset never overwrites a record; --quick has its own file.
    const out = only ? join(WORK, 'results-only.md') : join(BENCH, flags.quick ? 'results-quick.md' : 'results.md')
    mkdirSync(dirname(out), {recursive: true})
    writeFileSync(out, text + '\n')
    log(`wrote ${relative(ROOT, out)}`)
    if (only) process.stdout.write(text + '\n')
  } finally {
    if (flags.keep) log(`kept ${runDir}`)
    else rmSync(runDir, {recursive: true, force: true})
  }
}

/** Everything the cases run against, made once (with the first Node) for every section. */
function buildFixtures(ctx, runDir) {
  const started = Date.now()
  const secrets = generateSecrets(sizes.big)
  const envDir = join(runDir, 'env')
  mkdirSync(envDir)
  const envFiles = {e20: join(envDir, '20.env'), e1000: join(envDir, '1000.env'), big: join(envDir, `${sizes.big}.env`)}
  writeDotenv(envFiles.e20, secrets.slice(0, 20))
  writeDotenv(envFiles.e1000, secrets.slice(0, 1000))
  writeDotenv(envFiles.big, secrets)

  const repoDir = join(runDir, 'repos')
  const repos = {empty: join(repoDir, 'empty'), v20: join(repoDir, 'v20'), v1000: join(repoDir, 'v1000'), vBig: join(repoDir, 'vbig'), vBigNoCi: join(repoDir, 'vbig-no-ci')}
  log('fixtures: enable, import 20')
  enabledRepo(ctx, repos.empty)
  filledRepo(ctx, repos.v20, envFiles.e20)
  // The check the runner relies on: a job's secret reaches the child (compared here, never in argv).
  const injected = cli(ctx, ['run', '--job', 'job5', '--no-mask', '--', 'printenv', 'SECRET_00005'], repos.v20).trim()
  if (injected !== secrets[4].value) throw new Error('fixtures: `secrets run --job job5` did not inject SECRET_00005')
  if (needs('v1000')) {
    log('fixtures: import 1,000')
    filledRepo(ctx, repos.v1000, envFiles.e1000)
  }

  if (needs('vBig')) {
    log(`fixtures: import ${sizes.big.toLocaleString('en-US')}`)
    filledRepo(ctx, repos.vBig, envFiles.big)
    freshCopy(repos.vBig, repos.vBigNoCi)
    rmSync(join(repos.vBigNoCi, '.gitlab-ci.yml'))
  }

  let logBytes = 0
  const log_ = join(runDir, 'log.txt')
  if (needs('log')) {
    log(`fixtures: ${sizes.logMiB} MiB log`)
    logBytes = writeLog(log_, sizes.logMiB * 2 ** 20, secrets.slice(0, 50).map((s) => s.value))
  }

  const dotenvx = {dirs: {}, skipped: {}}
  let dotenvxNote = 'not needed by the cases run'
  if (needs('dotenvx')) {
    const found = ensureDotenvx(TOOLS, log)
    if (found.missing) {
      dotenvx.missing = found.missing
      dotenvxNote = `not available (${found.missing})`
      log(`dotenvx ${dotenvxNote}; its rows say so`)
    } else {
      Object.assign(dotenvx, found)
      const dxDir = join(runDir, 'dotenvx')
      log('fixtures: dotenvx encrypt of 5 and 20 values')
      dotenvx.dirs.d5 = encryptedDotenv(ctx, dotenvx, join(dxDir, 'd5'), secrets.slice(0, 5), DOTENVX_ENCRYPT_LIMIT_MS).dir
      dotenvx.dirs.d20 = encryptedDotenv(ctx, dotenvx, join(dxDir, 'd20'), secrets.slice(0, 20), DOTENVX_ENCRYPT_LIMIT_MS).dir
      const checked = cli({...ctx, bin: dotenvx.cli}, ['run', '-f', '.env', '--', 'printenv', 'SECRET_00005'], dotenvx.dirs.d5).trim().split('\n').at(-1)
      if (checked !== secrets[4].value) throw new Error('fixtures: `dotenvx run` did not inject SECRET_00005')
      const bigLines = sizes.big.toLocaleString('en-US')
      if (flags.quick) {
        dotenvx.skipped.dBig = `skipped in --quick (dotenvx encrypts at ~20 ms a line here, ${bigLines} lines would take most of the minute)`
      } else if (needs('vBig')) {
        log(`fixtures: dotenvx encrypt of ${bigLines} values (given up after ${DOTENVX_ENCRYPT_LIMIT_MS / 1000} s)`)
        const made = encryptedDotenv(ctx, dotenvx, join(dxDir, 'dbig'), secrets, DOTENVX_ENCRYPT_LIMIT_MS)
        if (made.skipped) dotenvx.skipped.dBig = `skipped: ${made.skipped} (its \`get\` decrypts the whole file, so each run would take as long)`
        else dotenvx.dirs.dBig = made.dir
      }

      dotenvxNote = `@dotenvx/dotenvx ${found.version} from bench/.tools, run under the same Node, files made by \`dotenvx encrypt\` with the private key in a .env.keys beside them`
      if (dotenvx.skipped.dBig) dotenvxNote += `; the ${bigLines}-value encrypted file: ${dotenvx.skipped.dBig}`
    }
  }

  const pins = join(runDir, 'pins-snapshot')
  copyPins(ctx.env, pins)
  if (!hasPeakMemory) log('no /usr/bin/time: peak memory is not measured')
  log(`fixtures ready in ${((Date.now() - started) / 1000).toFixed(1)} s`)
  return {
    fx: {root: runDir, pins, scratch: join(runDir, 'scratch'), repos, envFiles, bigCount: sizes.big, log: log_, logBytes, logMiB: sizes.logMiB},
    dotenvx,
    notes: {dotenvx: dotenvxNote},
  }
}

try {
  await main()
} catch (error) {
  if (error instanceof CommandFailed) {
    log(`a measured command failed: ${error.message}`)
  } else {
    log(error?.stack ?? String(error))
  }

  process.exitCode = 1
}
