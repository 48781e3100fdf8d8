// The environment every measured command runs in, and what the results say about the machine.
// Measured commands get a clean environment so that nothing of the developer's own setup (a
// real identity, a vault override, the sandbox's extra CA bundle) changes what is timed.
import {execFileSync} from 'node:child_process'
import {readFileSync} from 'node:fs'
import {cpus, release, type as osType} from 'node:os'
import {join} from 'node:path'

/**
 * Removed from the measured environment. NODE_EXTRA_CA_CERTS alone costs ~90 ms per Node
 * start in this sandbox (it parses a CA bundle before any code runs); the others would point
 * the CLI at another identity, vault, clock or trust decision.
 */
export const REMOVED_VARIABLES = ['NODE_EXTRA_CA_CERTS', 'NODE_OPTIONS', 'SECRETS_IDENTITY', 'SECRETS_IDENTITY_FILE', 'SECRETS_VAULT', 'SECRETS_NOW', 'SECRETS_TRUST']

/** Prefixes dropped as families: any SECRETS_* setting, CI job variables (branch, job), git overrides, dotenvx keys. */
const REMOVED_PREFIXES = ['SECRETS_', 'CI_', 'GIT_', 'DOTENV_']

/** The environment for measured commands: HOME and XDG dirs under `home`, identity in a file there. */
export function cleanEnvironment(home, nodeBinDir) {
  const env = {}
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined || REMOVED_VARIABLES.includes(key) || REMOVED_PREFIXES.some((p) => key.startsWith(p))) continue
    if (key === 'DEBUG' || key === 'CI' || key === 'GITLAB_CI') continue
    env[key] = value
  }

  Object.assign(env, {
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_CACHE_HOME: join(home, '.cache'),
    XDG_RUNTIME_DIR: join(home, 'runtime'),
    SECRETS_KEYCHAIN: 'off',
    NO_COLOR: '1',
  })
  // Under --node, anything that runs `node` by name (git's drivers, npm) finds the same binary.
  if (nodeBinDir) env.PATH = `${nodeBinDir}:${env.PATH ?? ''}`
  return env
}

/** Machine, OS and checkout, for the results' header. */
export function describeMachine(root) {
  let cpu = 'unknown'
  try {
    cpu = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? cpu
  } catch {
    cpu = cpus()[0]?.model ?? cpu
  }

  let os = `${osType()} ${release()}`
  try {
    const name = /^PRETTY_NAME="?([^"\n]+)"?$/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1]
    if (name) os = `${name} (kernel ${release()})`
  } catch {
    // no os-release: the kernel alone
  }

  return {cpu, cores: cpus().length, os, commit: gitCommit(root), dirty: gitDirty(root), date: new Date().toISOString()}
}

function gitCommit(root) {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], {cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore']}).trim()
  } catch {
    return 'unknown'
  }
}

/** Whether src/ has changes not in the commit: the figures then measure the working tree. */
function gitDirty(root) {
  try {
    return execFileSync('git', ['status', '--porcelain', '--', 'src', 'bin', 'package.json'], {cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore']}).trim() !== ''
  } catch {
    return false
  }
}

/** The load average when a section starts: a busy machine explains slow figures. */
export function loadAverage() {
  try {
    return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')
  } catch {
    return 'unknown'
  }
}
