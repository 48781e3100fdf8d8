// Running the child: stdin inherited, stdout/stderr through the masker, signals forwarded,
// and its exit status passed through (128 + N for a signal, as shells report it).
import {spawn} from 'node:child_process'
import {constants} from 'node:os'
import type {Writable} from 'node:stream'

import {SecretsError} from '../errors.js'
import {pipeMasked} from './mask.js'

// Every signal whose default would end this process before it removes the secret files (and that
// the job itself may send to its parent): forwarded to the child instead. SIGUSR1 has its own
// listener in bin/run.js (it would open Node's inspector).
export const FORWARDED_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR2', 'SIGALRM'] as const

export interface ChildOptions {
  env: Record<string, string>
  cwd: string
  /** Byte patterns to mask; empty when masking is off. */
  mask: readonly Buffer[]
  stdout?: Writable
  stderr?: Writable
}

export async function runChild(command: readonly string[], options: ChildOptions): Promise<number> {
  const [file, ...args] = command
  if (!file) throw new SecretsError('USAGE', 'no command to run')
  const masking = options.mask.length > 0
  const stdout = options.stdout ?? process.stdout
  const stderr = options.stderr ?? process.stderr

  let child: ReturnType<typeof spawn>
  try {
    child = spawn(file, args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ['inherit', masking ? 'pipe' : 'inherit', masking ? 'pipe' : 'inherit'],
    })
  } catch (error) {
    // Node's message for a bad environment quotes the value, which may be a secret: never pass it on.
    const name = Object.entries(options.env).find(([, value]) => value?.includes('\0'))?.[0]
    throw new SecretsError('ERROR', name ? `cannot start ${file}: the environment variable ${name} holds a NUL byte` : `cannot start ${file}: ${(error as NodeJS.ErrnoException).code ?? 'invalid arguments'}`)
  }

  const forward = (signal: NodeJS.Signals) => () => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal)
  }

  const handlers = FORWARDED_SIGNALS.map((signal) => [signal, forward(signal)] as const)
  for (const [signal, handler] of handlers) process.on(signal, handler)

  const pipes = masking ? [pipeMasked(child.stdout!, stdout, options.mask), pipeMasked(child.stderr!, stderr, options.mask)] : []

  try {
    const status = await new Promise<number>((resolve, reject) => {
      child.once('error', (error: NodeJS.ErrnoException) => reject(spawnError(file, error)))
      child.once('exit', (code, signal) => resolve(code ?? 128 + (signal ? constants.signals[signal] : 0)))
    })
    // A process the child left behind (`sleep &`, or a grandchild that outlived a signal) can
    // hold the pipes open for ever: read what is buffered, then stop listening.
    const drained = Promise.all(pipes.map((p) => p.done))
    const late = await Promise.race([drained.then(() => false), delay(DRAIN_GRACE_MS).then(() => true)])
    if (late) {
      for (const pipe of pipes) pipe.stop()
      await drained
    }

    return status
  } finally {
    for (const [signal, handler] of handlers) process.off(signal, handler)
  }
}

/** How long after the child's exit its output may still arrive. */
const DRAIN_GRACE_MS = 250

const delay = (ms: number) =>
  new Promise<void>((resolve) => {
    setTimeout(resolve, ms).unref()
  })

function spawnError(file: string, error: NodeJS.ErrnoException): SecretsError {
  if (error.code === 'ENOENT') return new SecretsError('COMMAND_NOT_FOUND', `command not found: ${file}`)
  if (error.code === 'EACCES') return new SecretsError('COMMAND_NOT_EXECUTABLE', `command cannot be executed: ${file}`, 'is it executable (chmod +x)?')
  return new SecretsError('ERROR', `cannot run ${file}: ${error.message.toLowerCase()}`)
}
