// `.secrets/config.yml` comes with a clone: whoever pushed chose what that path is. It is read
// only as a small regular file; a symlink, a device, a FIFO, a directory or a big file is refused
// with the path named, and YAML tags that are costly to build are not built.
import {mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync} from 'node:fs'
import {execFileSync} from 'node:child_process'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {SecretsError} from '../../src/errors.js'
import {MAX_CONFIG_BYTES, loadConfig} from '../../src/vault/config.js'
import {DEFAULT_MAX_VALUE_BYTES} from '../../src/vault/validate.js'

let dir: string
let vault: string
let config: string

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'secrets-config-'))
  mkdirSync(join(dir, '.secrets'))
  vault = join(dir, '.secrets', 'vault.db')
  config = join(dir, '.secrets', 'config.yml')
})

afterEach(() => rmSync(dir, {recursive: true, force: true}))

async function refusal(): Promise<SecretsError> {
  const error = await loadConfig(vault).then(
    () => undefined,
    (thrown: unknown) => thrown,
  )
  expect(error).toBeInstanceOf(SecretsError)
  expect((error as SecretsError).code).toBe('USAGE')
  return error as SecretsError
}

describe('loadConfig', () => {
  it('reads a regular file, and defaults without one', async () => {
    expect((await loadConfig(vault)).maxValueBytes).toBe(DEFAULT_MAX_VALUE_BYTES)
    writeFileSync(config, 'max_value_bytes: 5000\n')
    expect((await loadConfig(vault)).maxValueBytes).toBe(5000)
  })

  it('refuses a symlink, even to a good file, without following it', async () => {
    writeFileSync(join(dir, 'elsewhere.yml'), 'max_value_bytes: 5000\n')
    symlinkSync(join(dir, 'elsewhere.yml'), config)
    expect((await refusal()).message).toBe(`${config} is a symlink: refusing to follow it`)
    rmSync(config)
    symlinkSync('/dev/zero', config)
    expect((await refusal()).message).toBe(`${config} is a symlink: refusing to follow it`)
  })

  it('refuses a directory and a FIFO without waiting on it', async () => {
    mkdirSync(config)
    expect((await refusal()).message).toBe(`${config} is not a regular file`)
    rmSync(config, {recursive: true})
    execFileSync('mkfifo', [config])
    expect((await refusal()).message).toBe(`${config} is not a regular file`)
  })

  it('refuses a file over 64 KB, and reads one at the limit', async () => {
    const comment = (bytes: number) => `max_value_bytes: 7\n#${'x'.repeat(bytes - 21)}\n`
    writeFileSync(config, comment(MAX_CONFIG_BYTES))
    expect((await loadConfig(vault)).maxValueBytes).toBe(7)
    writeFileSync(config, comment(MAX_CONFIG_BYTES + 1))
    expect((await refusal()).message).toBe(`${config} is too big (${MAX_CONFIG_BYTES + 1} bytes; at most ${MAX_CONFIG_BYTES})`)
  })

  it('refuses !!omap, !!set and !!pairs, naming the tag and where, before building them', async () => {
    // 64 KB hold ~6,000 entries: built, the yaml package's !!omap check is quadratic.
    writeFileSync(config, `x: !!omap [${Array.from({length: 6000}, (_, i) => `k${i}: 1`).join(',')}]\n`)
    const started = process.cpuUsage()
    expect((await refusal()).message).toBe(`${config}:1:4: yaml tag !!omap is not allowed`)
    const cpu = process.cpuUsage(started)
    expect((cpu.user + cpu.system) / 1000).toBeLessThan(500)
    writeFileSync(config, 'max_value_bytes: !!set {5000}\n')
    expect((await refusal()).message).toBe(`${config}:1:18: yaml tag !!set is not allowed`)
    writeFileSync(config, 'protected_branches: !!pairs [main: 1]\n')
    expect((await refusal()).message).toBe(`${config}:1:21: yaml tag !!pairs is not allowed`)
  })

  it('refuses an alias bomb', async () => {
    const levels = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]']
    for (let i = 1; i < 8; i++) levels.push(`a${i}: &a${i} [${Array.from({length: 10}, () => `*a${i - 1}`).join(', ')}]`)
    writeFileSync(config, `${levels.join('\n')}\n`)
    expect((await refusal()).message).toMatch(/^cannot read .*: Excessive alias count/)
  })
})
