// bench/results.md: the machine and the conditions first, then per Node version one table per
// case (medians, peak memory, ratios) and the issue's targets, each plainly met or NOT met.
import {REMOVED_VARIABLES} from './environment.mjs'

const ms = (v) => (Number.isNaN(v) ? '–' : v < 100 ? v.toFixed(1) : v.toFixed(0))
const mb = (bytes) => (Number.isNaN(bytes) ? '–' : (bytes / 1e6).toFixed(1))
const times = (v) => (Number.isNaN(v) ? 'n/a' : `${v.toFixed(2)}×`)

export function renderResults({machine, options, sizes, notes, sections}) {
  const out = []
  out.push('# Benchmark results', '')
  out.push(`Written by \`node bench/run.mjs${options.argv.length ? ' ' + options.argv.join(' ') : ''}\` (\`npm run bench\`). Do not edit: run it again.`, '')
  if (options.quick) {
    out.push(`**Quick run (\`--quick\`)**: ${options.runs} runs, the large vault is ${sizes.big.toLocaleString('en-US')} secrets instead of 10,000 and the stream ${sizes.logMiB} MiB instead of 256 MiB; the targets below are read on these smaller sizes and only hint at the full run's.`, '')
  }

  out.push('| | |', '|---|---|')
  out.push(`| date | ${machine.date} |`)
  out.push(`| machine | ${machine.cpu}, ${machine.cores} cores |`)
  out.push(`| OS | ${machine.os} |`)
  out.push(`| checkout | ${machine.commit}${machine.dirty ? ' plus uncommitted changes in src/, bin/ or package.json (the working tree was measured)' : ''} |`)
  out.push(`| Node | ${sections.map((s) => s.nodeVersion).join(', ')} |`)
  out.push(`| runs | ${options.runs} per command, after one warm-up, interleaved with its comparison |`)
  out.push(`| vaults | 20, 1,000 and ${sizes.big.toLocaleString('en-US')} secrets (\`secrets import\` of a generated .env: SECRET_00001…, 40-character random values) |`)
  if (sizes.logBytes > 0) out.push(`| stream | ${sizes.logMiB} MiB of log lines (${sizes.logBytes.toLocaleString('en-US')} bytes), one line in ~200 quoting one of the 50 values |`)
  out.push(`| dotenvx | ${notes.dotenvx} |`)
  out.push('')
  out.push('**Before issue 10**: [results-before.md](results-before.md) holds the same cases measured by this runner on commit 4573f56, the last before the work on speed (5 runs, Node 20); docs/decisions.md, "Speed (issue 10)", says what changed in between and what each missed target below would take.', '')
  out.push('**Conditions.** Every measured command runs with a clean environment: `HOME`, `XDG_CONFIG_HOME`, `XDG_CACHE_HOME` and `XDG_RUNTIME_DIR` in a temporary directory; `SECRETS_KEYCHAIN=off` (the identity in a file, as `secrets enable` creates it with that setting, so no keychain round trip); `NO_COLOR=1`; ' +
    `${REMOVED_VARIABLES.map((v) => `\`${v}\``).join(', ')} and every other \`SECRETS_*\`, \`CI_*\`, \`GIT_*\` and \`DOTENV_*\` variable removed. ` +
    'In particular the figures are **without `NODE_EXTRA_CA_CERTS`**, which this sandbox sets and which adds ~90 ms to every Node start. ' +
    'Wall time is `process.hrtime` around the whole process (spawn to exit); peak memory is GNU `time -f %M` (maximum resident set), shown in MB (10^6 bytes). ' +
    'Figures are medians; a ratio is the ratio of two medians taken in the same interleaved set (A B A B …). The repositories have no commits (branch `main`, unborn).', '')

  for (const section of sections) {
    if (sections.length > 1 || section.copied) out.push(`## Node ${section.nodeVersion}`, '')
    else out.push(`## Figures (Node ${section.nodeVersion})`, '')
    out.push(`Load average (1, 5, 15 min) when this section started: ${section.load}; when it ended: ${section.loadAfter}.${section.copied ? ' The CLI ran from a copy of bin/, dist/ and the manifest with node_modules installed for this Node (`npm ci --omit=dev`).' : ''}`, '')
    const targets = []
    for (const {testCase, medians: m} of section.results) {
      out.push(`### ${testCase.title}`, '')
      out.push(testCase.throughputBytes ? '| command | median ms | MiB/s | peak RSS MB (median) | peak RSS MB (max) |' : '| command | median ms | peak RSS MB (median) | peak RSS MB (max) |')
      out.push(testCase.throughputBytes ? '|---|---|---|---|---|' : '|---|---|---|---|')
      for (const [i, variant] of testCase.variants.entries()) {
        const note = testCase.missing?.find(([index]) => index === i)
        if (!variant || !m[i]) {
          out.push(testCase.throughputBytes ? `| ${note?.[1] ?? '?'} | not available: ${note?.[2] ?? 'not run'} | | | |` : `| ${note?.[1] ?? '?'} | not available: ${note?.[2] ?? 'not run'} | | |`)
          continue
        }

        const streams = testCase.throughputBytes && i < testCase.throughputRows
        const rate = !testCase.throughputBytes ? '' : streams ? ` ${(testCase.throughputBytes / 2 ** 20 / (m[i].ms / 1000)).toFixed(0)} |` : ' – |'
        out.push(`| \`${variant.label}\` | ${ms(m[i].ms)} |${rate} ${mb(m[i].rss)} | ${mb(m[i].maxRss)} |`)
      }

      out.push('')
      const ratios = testCase.ratios?.(m) ?? []
      if (ratios.length > 0) out.push(ratios.map((r) => `- ${r.text}: **${times(r.value)}**`).join('\n'), '')
      targets.push(...(testCase.targets?.(m) ?? []))
    }

    out.push(`### Targets of issue 10 (Node ${section.nodeVersion})`, '')
    for (const t of targets) {
      const value = t.unit === '×' ? times(t.value) : `${Number.isNaN(t.value) ? 'n/a' : t.value.toFixed(1)}${t.unit}`
      const limit = t.unit === '×' ? `${t.kind === 'min' ? '≥ ' : ''}${t.limit}×` : `< ${t.limit}${t.unit}`
      const verdict = t.met === undefined ? 'not measured' : t.met ? 'met' : '**NOT met**'
      out.push(`- target ${t.text}: ${verdict} (${t.unit === '×' ? 'ratio' : 'value'} ${value}, limit ${limit})`)
      if (t.met === false && t.remedy) out.push(`  - what it would take: ${t.remedy}`)
    }

    out.push('- target: a progress line on a terminal for `rotate --key` and `import` over a second: not measured by this runner (its commands have no terminal); `test/soak/progress.soak.ts` checks it on a real pseudo-terminal (`npm run soak`)')
    out.push('')
  }

  return out.join('\n')
}
