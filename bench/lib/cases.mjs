// What is measured: each case is a set of commands run interleaved, the ratios read from their
// medians, and the targets (issue 10) checked against those ratios. A missed target is
// a line in the results, never a failure of the runner.
import {join} from 'node:path'

import {copyPins, freshCopy} from './fixtures.mjs'
import {median} from './measure.mjs'
import {remedyFor} from './remedies.mjs'

const MB = 1e6

/**
 * The cases, in the order they run. `ctx`: {node, bin, env, fx (fixture paths and sizes),
 * dotenvx ({cli, dirs} or {missing})}.
 */
export function defineCases(ctx) {
  const {fx} = ctx
  const big = fx.bigCount.toLocaleString('en-US')
  const floor = {label: 'node -e 0', command: ctx.node, args: ['-e', '0'], cwd: fx.root, env: ctx.env}
  const secrets = (label, args, cwd) => ({label, command: ctx.node, args: [ctx.bin, ...args], cwd, env: ctx.env})
  const dotenvx = (label, args, dir) => (dir ? {label, command: ctx.node, args: [ctx.dotenvx.cli, ...args], cwd: dir, env: ctx.env} : undefined)
  const dx = ctx.dotenvx.dirs ?? {}
  const dxNote = (size) => ctx.dotenvx.missing ?? ctx.dotenvx.skipped?.[size]
  // A fresh copy of a vault, and this computer's pins as they were before any run changed it.
  const fresh = (source, name) => () => {
    copyPins(ctx.env, fx.pins, {restore: true})
    return {cwd: freshCopy(source, join(fx.scratch, name))}
  }

  return [
    {
      name: 'floor',
      title: 'Floor: Node starting and doing nothing',
      variants: [floor],
    },
    {
      name: 'version',
      title: '`secrets --version` (oclif and our start-up, no vault)',
      variants: [secrets('secrets --version', ['--version'], fx.root), floor],
      ratios: (m) => [ratio('--version / node -e 0', m, 0, 1)],
    },
    {
      name: 'run5',
      title: '`secrets run` of a job asking for 5 secrets (vault of 20)',
      variants: [
        secrets('secrets run --job job5 -- true', ['run', '--job', 'job5', '--', 'true'], fx.repos.v20),
        floor,
        dotenvx('dotenvx run -f .env -- true (5 encrypted values)', ['run', '-f', '.env', '--', 'true'], dx.d5),
      ],
      missing: [[2, 'dotenvx run -f .env -- true (5 encrypted values)', dxNote('d5')]],
      ratios: (m) => [ratio('run / node -e 0', m, 0, 1), ratio('run / dotenvx run', m, 0, 2)],
      targets: (m) => [target('`run -- true` with 5 secrets ≤ 2.0× `node -e 0`', ratioOf(m, 0, 1), 2.0), target('`run -- true` with 5 secrets ≤ 0.4× `dotenvx run -- true`', ratioOf(m, 0, 2), 0.4)],
    },
    {
      name: 'get',
      title: `\`secrets get SECRET_00001\`: vault of 20 and of ${big}`,
      variants: [
        secrets('secrets get (vault of 20)', ['get', 'SECRET_00001'], fx.repos.v20),
        secrets(`secrets get (vault of ${big})`, ['get', 'SECRET_00001'], fx.repos.vBig),
        dotenvx('dotenvx get SECRET_00001 -f .env (20 encrypted)', ['get', 'SECRET_00001', '-f', '.env'], dx.d20),
        dotenvx(`dotenvx get SECRET_00001 -f .env (${big} encrypted)`, ['get', 'SECRET_00001', '-f', '.env'], dx.dBig),
      ],
      missing: [[2, 'dotenvx get SECRET_00001 -f .env (20 encrypted)', dxNote('d20')], [3, `dotenvx get SECRET_00001 -f .env (${big} encrypted)`, dxNote('dBig')]],
      ratios: (m) => [ratio(`get ${big} / get 20`, m, 1, 0), memoryRatio(`peak memory ${big} / 20`, m, 1, 0), ratio('get 20 / dotenvx get 20', m, 0, 2), ratio(`get ${big} / dotenvx get ${big}`, m, 1, 3)],
      targets: (m) => [target(`\`get\` in ${big} ≤ 1.3× in 20`, ratioOf(m, 1, 0), 1.3), target(`\`get\` peak memory in ${big} ≤ 1.2× in 20`, memoryRatioOf(m, 1, 0), 1.2)],
    },
    {
      name: 'run20',
      title: `\`secrets run\` of a job asking for 20 secrets: vault of 20 and of ${big}`,
      variants: [
        secrets('secrets run --job job20 -- true (vault of 20)', ['run', '--job', 'job20', '--', 'true'], fx.repos.v20),
        secrets(`secrets run --job job20 -- true (vault of ${big})`, ['run', '--job', 'job20', '--', 'true'], fx.repos.vBig),
        dotenvx('dotenvx run -f .env -- true (20 encrypted values)', ['run', '-f', '.env', '--', 'true'], dx.d20),
      ],
      missing: [[2, 'dotenvx run -f .env -- true (20 encrypted values)', dxNote('d20')]],
      ratios: (m) => [ratio(`run ${big} / run 20`, m, 1, 0), memoryRatio(`peak memory ${big} / 20`, m, 1, 0), ratio('run 20 / dotenvx run 20', m, 0, 2)],
      targets: (m) => [target(`\`run\` of a 20-secret job in ${big} ≤ 1.3× in 20`, ratioOf(m, 1, 0), 1.3), target(`\`run\` of a 20-secret job, peak memory in ${big} ≤ 1.2× in 20`, memoryRatioOf(m, 1, 0), 1.2)],
    },
    {
      name: 'runnojob',
      title: `\`secrets run -- true\` with no CI file (vault of ${big}): injects nothing`,
      variants: [secrets(`secrets run -- true (vault of ${big}, no CI file)`, ['run', '--', 'true'], fx.repos.vBigNoCi), floor],
      ratios: (m) => [ratio('run / node -e 0', m, 0, 1)],
    },
    {
      name: 'list',
      title: `\`secrets list --json\`: vault of 1,000 and of ${big}`,
      variants: [secrets('secrets list --json (vault of 1,000)', ['list', '--json'], fx.repos.v1000), secrets(`secrets list --json (vault of ${big})`, ['list', '--json'], fx.repos.vBig), floor],
      ratios: (m) => [ratio('list 1,000 / node -e 0', m, 0, 2), ratio(`list ${big} / node -e 0`, m, 1, 2)],
      targets: (m) => [target(`\`list --json\` of ${big} ≤ 5× \`node -e 0\``, ratioOf(m, 1, 2), 5)],
    },
    {
      name: 'rotate',
      title: `\`secrets rotate --key\` of a vault of ${big} (a fresh copy each run)`,
      variants: [{...secrets(`secrets rotate --key (vault of ${big})`, ['rotate', '--key']), prepare: fresh(fx.repos.vBig, 'rotate')}, floor],
      ratios: (m) => [ratio('rotate --key / node -e 0', m, 0, 1)],
      targets: (m) => [target(`\`rotate --key\` of ${big} ≤ 20× \`node -e 0\``, ratioOf(m, 0, 1), 20)],
    },
    {
      name: 'import',
      title: `\`secrets import\` of a ${big}-line .env into an empty vault (a fresh copy each run)`,
      variants: [{...secrets(`secrets import (${big} lines)`, ['import', fx.envFiles.big, '--format', 'dotenv']), prepare: fresh(fx.repos.empty, 'import')}, floor],
      ratios: (m) => [ratio('import / node -e 0', m, 0, 1)],
      targets: (m) => [target(`\`import\` of ${big} lines ≤ 20× \`node -e 0\``, ratioOf(m, 0, 1), 20)],
    },
    {
      name: 'mask',
      title: `Masking: \`secrets run --job job50 -- cat\` of ${fx.logMiB} MiB (50 secrets, vault of 1,000), stdout a pipe the runner drains`,
      variants: [
        secrets('secrets run --job job50 -- cat LOG', ['run', '--job', 'job50', '--', 'cat', fx.log], fx.repos.v1000),
        secrets('secrets run --job job50 --no-mask -- cat LOG', ['run', '--job', 'job50', '--no-mask', '--', 'cat', fx.log], fx.repos.v1000),
        // The same start with nothing to stream: what the stream itself costs is the difference.
        secrets('secrets run --job job50 -- true', ['run', '--job', 'job50', '--', 'true'], fx.repos.v1000),
      ],
      throughputBytes: fx.logBytes,
      throughputRows: 2,
      ratios: (m) => [
        {text: 'throughput masked / unmasked (whole commands, start-up included; the target)', value: ratioOf(m, 1, 0)},
        streamAlone(fx.logBytes, m),
      ],
      targets: (m) => [target('masked throughput ≥ 40% of `--no-mask`', ratioOf(m, 1, 0), 0.4, 'min'), target('masked peak memory < 100 MB', m[0].rss / MB, 100, 'below', ' MB')],
    },
  ]
}

/** Medians of each variant's samples: {ms, rss (bytes)}; undefined for a variant not run. */
export function medians(samples) {
  return samples.map((s) => (s ? {ms: median(s.ms), rss: median(s.rssKiB) * 1024, maxRss: Math.max(...s.rssKiB) * 1024} : undefined))
}

const rate = (bytes, ms) => (ms > 0 ? (bytes / 2 ** 20 / (ms / 1000)).toFixed(0) : 'n/a')
/** The stream's own rate: each command's time less the start-up's; n/a when a stream is within its noise. */
function streamAlone(bytes, m) {
  const masked = m[0]?.ms - m[2]?.ms
  const unmasked = m[1]?.ms - m[2]?.ms
  const text = `stream alone, start-up (\`run --job job50 -- true\`) taken off: masked ${rate(bytes, masked)} MiB/s, unmasked ${rate(bytes, unmasked)} MiB/s, ratio`
  return {text, value: masked > 0 && unmasked > 0 ? unmasked / masked : Number.NaN}
}

const ratioOf = (m, a, b) => (m[a] && m[b] ? m[a].ms / m[b].ms : Number.NaN)
const memoryRatioOf = (m, a, b) => (m[a] && m[b] ? m[a].rss / m[b].rss : Number.NaN)
const ratio = (text, m, a, b) => ({text, value: ratioOf(m, a, b)})
const memoryRatio = (text, m, a, b) => ({text, value: memoryRatioOf(m, a, b)})

/** kind: 'max' (ratio ≤ limit), 'min' (ratio ≥ limit), 'below' (value < limit). */
function target(text, value, limit, kind = 'max', unit = '×') {
  const met = Number.isNaN(value) ? undefined : kind === 'max' ? value <= limit : kind === 'min' ? value >= limit : value < limit
  return {text, value, limit, kind, unit, met, remedy: remedyFor(text)}
}
