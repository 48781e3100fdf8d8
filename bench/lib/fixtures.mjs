// Fixtures made the way a user makes them, with the CLI itself: a git repository where
// `secrets enable` ran, vaults filled by `secrets import` of a generated .env, a CI file whose
// jobs ask for 5, 20 and 50 secrets, and a large log in which some of those 50 values occur.
import {execFileSync, spawnSync} from 'node:child_process'
import {closeSync, cpSync, existsSync, mkdirSync, openSync, rmSync, writeFileSync, writeSync} from 'node:fs'
import {randomBytes} from 'node:crypto'
import {join} from 'node:path'

import {CommandFailed} from './measure.mjs'

/** The secret names the fixtures use: SECRET_00001 … (the .env files are prefixes of one list). */
export const secretName = (i) => `SECRET_${String(i).padStart(5, '0')}`

/** `count` secrets with 40-character random values (URL-safe base64 of 30 bytes). */
export function generateSecrets(count) {
  return Array.from({length: count}, (_, i) => ({name: secretName(i + 1), value: randomBytes(30).toString('base64url')}))
}

export function writeDotenv(path, secrets) {
  writeFileSync(path, secrets.map(({name, value}) => `${name}=${value}\n`).join(''))
}

/** A job asking for the first `count` secrets as variables (file: false, as dotenvx injects them). */
function ciJob(name, count) {
  const lines = [`${name}:`, '  script: ["true"]', '  secrets:']
  for (let i = 1; i <= count; i++) lines.push(`    ${secretName(i)}: {gitlab_secrets_manager: {name: ${secretName(i)}}, file: false}`)
  return lines.join('\n')
}

export const CI_FILE = [ciJob('job5', 5), ciJob('job20', 20), ciJob('job50', 50)].join('\n\n') + '\n'

/** Runs the CLI for a fixture (untimed); throws with its stderr when it fails. */
export function cli(ctx, args, cwd) {
  const result = spawnSync(ctx.node, [ctx.bin, ...args], {cwd, env: ctx.env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024})
  if (result.status !== 0) throw new CommandFailed(`secrets ${args.join(' ')}`, result.status ?? result.signal, result.stderr)
  return result.stdout
}

/** A git repository with one commit-less branch, main, and a vault made by `secrets enable`. */
export function enabledRepo(ctx, dir) {
  mkdirSync(dir, {recursive: true})
  for (const args of [['init', '-q', '-b', 'main'], ['config', 'user.email', 'bench@example.com'], ['config', 'user.name', 'Bench']]) {
    execFileSync('git', args, {cwd: dir, env: ctx.env, stdio: 'ignore'})
  }

  cli(ctx, ['enable'], dir)
}

/**
 * A repository of its own (its own vault id, as two projects have) with the vault filled from
 * `envFile`, and the CI file unless `ci` is false.
 */
export function filledRepo(ctx, dir, envFile, {ci = true} = {}) {
  enabledRepo(ctx, dir)
  cli(ctx, ['import', envFile, '--format', 'dotenv'], dir)
  if (ci) writeFileSync(join(dir, '.gitlab-ci.yml'), CI_FILE)
}

/**
 * The pins this computer keeps of the vaults it has seen (docs/SECURITY.md, section 6). A fresh
 * copy of a vault that a measured `rotate --key` or `import` changed looks like a rollback to
 * them, so those runs start from the pins as they were when the fixtures were made.
 */
export function pinsDir(env) {
  return join(env.XDG_CONFIG_HOME, 'secrets', 'pins')
}

export function copyPins(env, snapshot, {restore = false} = {}) {
  const [from, to] = restore ? [snapshot, pinsDir(env)] : [pinsDir(env), snapshot]
  rmSync(to, {recursive: true, force: true})
  if (existsSync(from)) cpSync(from, to, {recursive: true})
}

/**
 * A log of about `bytes` bytes: build-output lines of ~70–110 bytes, one in ~200 quoting one of
 * `values` (as a leaked token would appear). Built from a few varied 1 MiB blocks written in
 * turn, so 256 MiB takes a second or two, not a minute of random numbers.
 */
export function writeLog(path, bytes, values) {
  let seed = 0x2545f491
  const random = (n) => {
    seed ^= seed << 13
    seed ^= seed >>> 17
    seed ^= seed << 5
    return (seed >>> 0) % n
  }

  const words = ['compiling', 'linking', 'module', 'src/vault/store.ts', 'ok', 'cache', 'hit', 'miss', 'test', 'passed', 'warning:', 'deprecated', 'download', 'https://registry.example.com/pkg', 'step', 'done', 'in', 'ms']
  const blocks = []
  for (let b = 0; b < 8; b++) {
    const lines = []
    let size = 0
    for (let n = 0; size < 1024 * 1024; n++) {
      let line = `2026-12-01T10:${String(random(60)).padStart(2, '0')}:${String(random(60)).padStart(2, '0')}.${random(1000)}Z [job ${b}] line ${n}:`
      const count = 6 + random(10)
      for (let w = 0; w < count; w++) line += ` ${words[random(words.length)]}`
      if (random(200) === 0) line += ` token=${values[random(values.length)]} end`
      lines.push(line)
      size += line.length + 1
    }

    blocks.push(Buffer.from(lines.join('\n') + '\n'))
  }

  const fd = openSync(path, 'w')
  let written = 0
  try {
    for (let b = 0; written < bytes; b++) written += writeSync(fd, blocks[b % blocks.length])
  } finally {
    closeSync(fd)
  }

  return written
}

/** Removes `dir` and makes it a fresh copy of `source` (before each run of a command that changes its vault). */
export function freshCopy(source, dir) {
  rmSync(dir, {recursive: true, force: true})
  cpSync(source, dir, {recursive: true})
  return dir
}
