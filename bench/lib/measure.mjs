// Timing commands: wall time around the whole process (as a user waits for it) and peak
// resident memory from GNU time. Commands of one comparison run interleaved (A B A B …) after
// one warm-up each, so a machine that gets busier or quieter shifts them alike.
import {spawn} from 'node:child_process'
import {existsSync} from 'node:fs'

const GNU_TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined
/** A line GNU time writes last on stderr, apart from anything the command wrote. */
const TIME_MARK = '@@bench-peak-rss-kib:'

export const hasPeakMemory = GNU_TIME !== undefined

/** A command that failed while being measured: the runner stops and shows its stderr. */
export class CommandFailed extends Error {
  constructor(label, code, stderr) {
    super(`${label} exited ${code}\n${stderr}`)
    this.stderr = stderr
  }
}

/**
 * Runs `command` once and resolves with {ms, rssKiB}. stdout is read and dropped (a pipe the
 * runner drains, as a CI runner reads a job's log), never held in memory.
 */
export function timeOnce({label, command, args, cwd, env}) {
  const argv = GNU_TIME ? [GNU_TIME, '-f', `${TIME_MARK}%M`, command, ...args] : [command, ...args]
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint()
    const child = spawn(argv[0], argv.slice(1), {cwd, env, stdio: ['ignore', 'pipe', 'pipe']})
    const stderr = []
    child.stdout.resume()
    child.stderr.on('data', (chunk) => stderr.push(chunk))
    child.on('error', reject)
    child.on('close', (code, signal) => {
      const ms = Number(process.hrtime.bigint() - start) / 1e6
      let text = Buffer.concat(stderr).toString('utf8')
      let rssKiB = Number.NaN
      const at = text.lastIndexOf(TIME_MARK)
      if (at >= 0) {
        rssKiB = Number(text.slice(at + TIME_MARK.length).trim())
        text = text.slice(0, at)
      }

      // GNU time says "Command exited with non-zero status N" itself; the exit code is the command's.
      if (code !== 0) reject(new CommandFailed(label, signal ?? code, text))
      else resolve({ms, rssKiB})
    })
  })
}

/**
 * Measures each of `variants` `runs` times, interleaved, after one warm-up of each. A variant
 * may have `prepare()` (run before each of its runs, untimed: a fresh copy of a vault).
 * Resolves with one {label, ms: [...], rssKiB: [...]} per variant.
 */
export async function interleave(variants, runs, onProgress = () => {}) {
  const samples = variants.map((v) => ({label: v.label, ms: [], rssKiB: []}))
  for (let round = -1; round < runs; round++) {
    for (const [i, variant] of variants.entries()) {
      const spec = variant.prepare ? await variant.prepare() : variant
      const result = await timeOnce({label: variant.label, ...variant, ...spec})
      if (round < 0) continue
      samples[i].ms.push(result.ms)
      samples[i].rssKiB.push(result.rssKiB)
    }

    if (round >= 0) onProgress(round + 1, runs)
  }

  return samples
}

export function median(values) {
  const sorted = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b)
  if (sorted.length === 0) return Number.NaN
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}
