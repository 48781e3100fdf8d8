// dotenvx, the comparison: installed on first use into bench/.tools (never into the project's
// dependencies), and its encrypted .env files made by `dotenvx encrypt`, with the private key
// in a .env.keys beside them so that every dotenvx command decrypts as ours does.
import {spawnSync} from 'node:child_process'
import {existsSync, mkdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'

import {writeDotenv} from './fixtures.mjs'

/** Finds dotenvx in `toolsDir`, installing it there when missing; {cli, version} or {missing: why}. */
export function ensureDotenvx(toolsDir, log) {
  const pkg = join(toolsDir, 'node_modules', '@dotenvx', 'dotenvx')
  if (!existsSync(join(pkg, 'package.json'))) {
    log('installing dotenvx into bench/.tools (first use)')
    mkdirSync(toolsDir, {recursive: true})
    // The parent's own environment: npm may need the sandbox's CA bundle to reach the registry.
    const result = spawnSync('npm', ['install', '--prefix', toolsDir, '--no-audit', '--no-fund', '@dotenvx/dotenvx@1'], {encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 180_000})
    if (result.status !== 0 || !existsSync(join(pkg, 'package.json'))) {
      return {missing: `npm install of @dotenvx/dotenvx@1 failed: ${(result.stderr || result.error?.message || '').trim().split('\n').at(-1)}`}
    }
  }

  const manifest = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8'))
  const bin = typeof manifest.bin === 'string' ? manifest.bin : manifest.bin?.dotenvx
  return {cli: join(pkg, bin), version: manifest.version}
}

/**
 * An encrypted .env of `secrets` in `dir` (as .env, its key in .env.keys), checked by decrypting
 * one value back. Resolves {dir, seconds} or {skipped: why} when encryption takes over `timeoutMs`.
 */
export function encryptedDotenv(ctx, dotenvx, dir, secrets, timeoutMs) {
  mkdirSync(dir, {recursive: true})
  writeDotenv(join(dir, '.env'), secrets)
  const start = process.hrtime.bigint()
  const run = (args, timeout) => spawnSync(ctx.node, [dotenvx.cli, ...args], {cwd: dir, env: ctx.env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout})
  const encrypted = run(['encrypt', '-f', '.env'], timeoutMs)
  const seconds = Number(process.hrtime.bigint() - start) / 1e9
  if (encrypted.error?.code === 'ETIMEDOUT' || encrypted.signal) return {skipped: `\`dotenvx encrypt\` of ${secrets.length.toLocaleString('en-US')} lines did not finish within ${timeoutMs / 1000} s`}
  if (encrypted.status !== 0) throw new Error(`dotenvx encrypt failed: ${encrypted.stderr}`)
  if (!/^SECRET_\d+=encrypted:/m.test(readFileSync(join(dir, '.env'), 'utf8'))) throw new Error(`dotenvx encrypt left ${dir}/.env unencrypted`)
  // The value comes back on stdout, compared here: never in an argument.
  const back = run(['get', secrets[0].name, '-f', '.env'], 120_000)
  if (back.status !== 0 || back.stdout.trim() !== secrets[0].value) throw new Error(`dotenvx get did not decrypt ${secrets[0].name}: ${back.stderr}`)
  return {dir, seconds}
}
