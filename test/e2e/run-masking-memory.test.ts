// Masking holds back only what could still be a secret: a large output into a slow reader keeps
// the memory of `run` bounded (the child waits on its pipe), whatever the stream's size.
import {existsSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {BIN, type Person, TempRepo, enabledRepo, exec} from '../helpers/cli.js'

let repo: TempRepo
let alice: Person

beforeEach(async () => {
  ;({repo, alice} = await enabledRepo())
  expect((await repo.run(alice, ['add', 'TOKEN', '--variable'], {input: 'token-value-0123456789'})).code).toBe(0)
})

afterEach(() => repo.cleanup())

describe.skipIf(!existsSync('/usr/bin/time'))('masking a large output', () => {
  it('keeps run under 120 MB while a slow reader takes 128 MiB of output, and masks all of it', async () => {
    const line = 'log line with token-value-0123456789 inside, and some more text to fill it up\n'
    const big = join(repo.root, 'big.txt')
    writeFileSync(big, line.repeat(Math.ceil((128 * 1024 * 1024) / line.length)))
    // GNU time reports the peak of `run` (node); the reader sleeps first, so the pipe fills.
    const script = `/usr/bin/time -f 'peak %M' '${process.execPath}' '${BIN}' run -- cat '${big}' | (sleep 1; grep -c 'MASKED')`
    const result = await exec('sh', ['-c', script], {cwd: repo.dir, env: repo.envFor(alice)})
    expect(result.code, result.stderr).toBe(0)
    expect(Number(result.stdout.trim())).toBe(Math.ceil((128 * 1024 * 1024) / line.length))
    const peakKiB = Number(/peak (\d+)/.exec(result.stderr)![1])
    expect(peakKiB).toBeLessThan(120 * 1024)
  }, 60_000)
})
