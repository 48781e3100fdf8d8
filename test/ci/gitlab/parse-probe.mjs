// Runs in its own process (spawned by hostile-files.test.ts with --max-old-space-size=200): reads
// and parses one repository's CI file the way `secrets run` does, and reports on stdout how long
// it took (wall and CPU time), the peak memory of the whole process, and the error a run would stop at.
// Usage: node parse-probe.mjs PROJECT_DIR [JOB]
import {selectJob} from '../../../dist/run/select-job.js'

// What Node and the parser's code take before any file is read: Node 24 starts ~15 MB larger
// than Node 20, which says nothing about the parser.
const startMB = process.resourceUsage().maxRSS / 1024
const [projectDir, jobName] = process.argv.slice(2)
const started = performance.now()
const cpuBefore = process.cpuUsage()
let outcome
try {
  const selected = selectJob({projectDir, jobName})
  outcome = selected.refusal
    ? {code: selected.refusal.code, message: selected.refusal.message}
    : {code: 'OK', jobs: selected.pipeline?.jobs.map((job) => job.name) ?? []}
} catch (error) {
  outcome = {code: error?.name === 'SecretsError' ? error.code : `THREW ${error?.name}`, message: String(error?.message)}
}

const ms = performance.now() - started
// CPU time (user + system) is the parser's own work; wall time on a loaded machine is not.
const cpu = process.cpuUsage(cpuBefore)
const cpuMs = (cpu.user + cpu.system) / 1000
// maxRSS is in kilobytes: the high-water mark of the process, not just the heap.
const peakMB = process.resourceUsage().maxRSS / 1024
process.stdout.write(JSON.stringify({...outcome, ms, cpuMs, peakMB, addedMB: peakMB - startMB}))
