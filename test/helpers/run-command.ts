// Commands in-process through oclif's runCommand, as oclif's own plugins test them (it splits
// arguments on spaces, so keep spaces out of them): each test
// gets a temporary HOME and vault, and stdin can be fed a value.
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join, resolve} from 'node:path'
import {Readable} from 'node:stream'

import {runCommand} from '@oclif/test'

const ROOT = resolve(import.meta.dirname, '../..')

export interface Sandbox {
  dir: string
  vault: string
  run<T = unknown>(args: string[], stdin?: string): Promise<{result?: T; error?: Error & {oclif?: {exit?: number}}; stdout: string; stderr: string; exit: number}>
  cleanup(): void
}

export function sandbox(): Sandbox {
  const dir = mkdtempSync(join(tmpdir(), 'secrets-cmd-'))
  const saved = {...process.env}
  Object.assign(process.env, {HOME: join(dir, 'home'), XDG_CONFIG_HOME: join(dir, 'home', '.config'), SECRETS_KEYCHAIN: 'off', NO_COLOR: '1'})
  for (const key of ['SECRETS_IDENTITY', 'SECRETS_IDENTITY_FILE', 'SECRETS_VAULT', 'SECRETS_NOW', 'DEBUG']) delete process.env[key]
  const vault = join(dir, 'repo', '.secrets', 'vault.db')
  return {
    dir,
    vault,
    async run(args, stdin = '') {
      const original = Object.getOwnPropertyDescriptor(process, 'stdin')!
      Object.defineProperty(process, 'stdin', {value: Readable.from([Buffer.from(stdin)]), configurable: true})
      try {
        const out = await runCommand([...args, '--vault', vault], {root: ROOT})
        const error = out.error as (Error & {oclif?: {exit?: number}}) | undefined
        return {...out, result: out.result as never, error, exit: error ? (error.oclif?.exit ?? 1) : 0}
      } finally {
        Object.defineProperty(process, 'stdin', original)
      }
    },
    cleanup() {
      for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key]
      Object.assign(process.env, saved)
      rmSync(dir, {recursive: true, force: true})
    },
  }
}
