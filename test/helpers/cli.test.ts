// The end-to-end harness itself: it must leave the worker's event loop free while a process runs
// (a blocked loop let vitest's own RPC time out on a loaded machine), and keep the meaning of
// its results: exit code (-1 when killed), stdout and stderr as utf8, stdin fed then closed, a
// timeout that kills the whole process group and says so, and no SECRETS_* from the parent.
import {existsSync} from 'node:fs'

import {describe, expect, it} from 'vitest'

import {TempRepo, exec} from './cli.js'

describe('exec', () => {
  it('lets the event loop run while the child does', async () => {
    let ticks = 0
    const timer = setInterval(() => ticks++, 20)
    try {
      const result = await exec('sleep', ['1'])
      expect(result.code).toBe(0)
    } finally {
      clearInterval(timer)
    }

    // spawnSync would give 0: no timer fires while the loop is blocked.
    expect(ticks).toBeGreaterThanOrEqual(5)
  })

  it('gives the exit code, stdout and stderr', async () => {
    expect(await exec('sh', ['-c', 'printf out; printf err >&2; exit 3'])).toEqual({code: 3, stdout: 'out', stderr: 'err'})
  })

  it('writes the input to stdin and closes it', async () => {
    expect(await exec('cat', [], {input: 'typed value\n'})).toEqual({code: 0, stdout: 'typed value\n', stderr: ''})
    // Empty by default: a program that reads stdin sees its end at once, not a wait.
    expect((await exec('cat', [])).stdout).toBe('')
  })

  it('types only once the prompt is there, and closes stdin after', async () => {
    // The shell's `read` would take a line typed early just as well: what is checked is the order.
    const program = 'sleep 0.5; printf "? name: "; read x; printf "got %s; " "$x"; read y || echo eof'
    const result = await exec('sh', ['-c', program], {
      async interact(io) {
        if (await io.waitFor(/\? name/)) io.write('bob\n')
      },
    })
    expect(result).toEqual({code: 0, stdout: '? name: got bob; eof\n', stderr: ''})
    // A prompt that never comes: waitFor says so when the process has ended.
    let seen: boolean | undefined
    expect((await exec('true', [], {interact: async (io) => void (seen = await io.waitFor(/never/))})).code).toBe(0)
    expect(seen).toBe(false)
  })

  it('does not fail when the child exits without reading its input', async () => {
    const result = await exec('true', [], {input: Buffer.alloc(4 << 20, 0x61)})
    expect(result.code).toBe(0)
  })

  it('decodes utf8 across chunk boundaries', async () => {
    // Multi-byte characters by the hundred thousand: some straddle the pipe's chunks.
    const result = await exec(process.execPath, ['-e', `process.stdout.write('é€😀'.repeat(50_000))`])
    expect(result.stdout).toBe('é€😀'.repeat(50_000))
  })

  it('kills the whole group on timeout, says so, and gives code -1', async () => {
    // A grandchild holding the pipes open would keep a kill of the shell alone waiting.
    const started = Date.now()
    const result = await exec('sh', ['-c', 'sleep 30 & sleep 30'], {timeout: 300})
    expect(result.code).toBe(-1)
    expect(result.stderr).toBe('\n[test harness] killed after 300 ms (timeout): sh -c sleep 30 & sleep 30\n')
    expect(Date.now() - started).toBeLessThan(10_000)
  })

  it('gives code -1 for a child ended by a signal, or that could not start', async () => {
    expect((await exec('sh', ['-c', 'kill -TERM $$'])).code).toBe(-1)
    const missing = await exec('/nonexistent/program', [])
    expect(missing.code).toBe(-1)
    expect(missing.stderr).toMatch(/^\n\[test harness\] could not run \/nonexistent\/program: .*ENOENT/)
  })
})

describe('TempRepo.cleanup', () => {
  it('kills what still runs in the repository (a test that timed out) before removing it', async () => {
    const repo = new TempRepo()
    const person = repo.person('alice')
    // git runs the alias through a shell: a grandchild in the same process group.
    const pending = repo.git(person, '-c', 'alias.wait=!sleep 30', 'wait')
    await new Promise((resolve) => setTimeout(resolve, 300))
    const started = Date.now()
    repo.cleanup()
    const result = await pending
    expect(result.code).toBe(-1)
    expect(result.stderr).toContain('[test harness] killed: its test had ended (cleanup): git -c alias.wait=!sleep 30 wait')
    expect(Date.now() - started).toBeLessThan(10_000)
    expect(existsSync(repo.root)).toBe(false)
  })
})

describe('TempRepo.envFor', () => {
  it("leaves out the parent's SECRETS_*, GIT_*, CI_* and DEBUG, and sets HOME and NO_COLOR", () => {
    const names = ['SECRETS_IDENTITY', 'GIT_DIR', 'CI_JOB_TOKEN', 'DEBUG']
    const repo = new TempRepo()
    const saved = names.map((n) => process.env[n])
    for (const n of names) process.env[n] = 'from-the-parent'
    try {
      const person = repo.person('alice')
      const env = repo.envFor(person)
      for (const n of names) expect(env[n], n).toBeUndefined()
      expect(env).toMatchObject({HOME: person.home, NO_COLOR: '1', SECRETS_KEYCHAIN: 'off'})
    } finally {
      names.forEach((n, i) => (saved[i] === undefined ? delete process.env[n] : (process.env[n] = saved[i])))
      repo.cleanup()
    }
  })
})
