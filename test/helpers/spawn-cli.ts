// One CLI process the test can signal while it runs (exec() in cli.ts waits for the end): for
// concurrency (many started at once) and crashes (SIGKILL at a chosen moment).
import {spawn} from 'node:child_process'

import {BIN, type CliResult} from './cli.js'

export interface RunningCli {
  pid: number
  /** Resolves when it has exited: code -1 when a signal ended it. */
  done: Promise<CliResult & {signal: NodeJS.Signals | null; ms: number}>
  kill(signal?: NodeJS.Signals): void
}

export function startCli(args: string[], options: {cwd: string; env: Record<string, string>; input?: string}): RunningCli {
  const started = Date.now()
  const child = spawn(process.execPath, [BIN, ...args], {cwd: options.cwd, env: options.env, stdio: ['pipe', 'pipe', 'pipe']})
  const stdout: Buffer[] = []
  const stderr: Buffer[] = []
  child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk))
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk))
  child.stdin.on('error', () => {})
  child.stdin.end(options.input ?? '')
  const done = new Promise<CliResult & {signal: NodeJS.Signals | null; ms: number}>((resolve) => {
    child.on('close', (code, signal) => {
      resolve({code: code ?? -1, signal, ms: Date.now() - started, stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8')})
    })
  })
  return {
    pid: child.pid!,
    done,
    kill: (signal = 'SIGKILL') => {
      try {
        child.kill(signal)
      } catch {
        // already gone
      }
    },
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** A seeded generator (so a failing trial can be replayed): numbers in [0, 1). */
export function seeded(seed: number): () => number {
  let state = seed >>> 0 || 1
  return () => {
    // xorshift32
    state ^= state << 13
    state >>>= 0
    state ^= state >>> 17
    state ^= state << 5
    state >>>= 0
    return state / 2 ** 32
  }
}
