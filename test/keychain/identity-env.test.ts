// SECRETS_IDENTITY leaves the process's environment, /proc/self/environ included, as the CLI
// starts. Run in a fresh node process (the built module, as bin/run.js loads it): only a new
// process has the variable in the memory its environment started in.
import {execFileSync} from 'node:child_process'
import {existsSync} from 'node:fs'
import {resolve} from 'node:path'
import {pathToFileURL} from 'node:url'

import {describe, expect, it} from 'vitest'

const MODULE = resolve(import.meta.dirname, '../../dist/keychain/identity-env.js')
const linux = existsSync('/proc/self/environ')

function inFreshProcess(env: Record<string, string>): {taken: {found: boolean; erased: boolean}; held?: string; env?: string; variants: string[]; environ: string[]} {
  // environ: the block's SECRETS_* entries in any case (ſ, the long s, upper-cases to S);
  // variants: what process.env still holds of SECRETS_IDENTITY in any case.
  const script = `
    const m = await import(${JSON.stringify(pathToFileURL(MODULE).href)})
    const taken = m.takeIdentityFromEnvironment()
    const {readFileSync, existsSync} = await import('node:fs')
    const environ = existsSync('/proc/self/environ') ? readFileSync('/proc/self/environ', 'utf8').split('\\0').filter((e) => e.toUpperCase().startsWith('SECRETS_')) : []
    const variants = Object.keys(process.env).filter((k) => k.toUpperCase() === 'SECRETS_IDENTITY')
    process.stdout.write(JSON.stringify({taken, held: m.heldIdentityText(), env: process.env.SECRETS_IDENTITY, variants, environ}))
  `
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {env: {...env, PATH: process.env.PATH ?? ''}})
  return JSON.parse(out.toString()) as ReturnType<typeof inFreshProcess>
}

describe('takeIdentityFromEnvironment', () => {
  it.runIf(linux)('erases the value in /proc/self/environ, keeps its length, and holds it for the identity store only', () => {
    const value = 'SECRETS-IDENTITY-1QQQQ7W9TESTVALUE'
    // The variable first (offset 0 of the block), then a longer name sharing its prefix.
    const result = inFreshProcess({SECRETS_IDENTITY: value, SECRETS_IDENTITY_FILE: '/some/file', OTHER: 'x'})
    expect(result.taken).toEqual({found: true, erased: true})
    expect(result.held).toBe(value)
    expect(result.env).toBeUndefined()
    // The neighbour whose name starts the same is untouched.
    expect(result.environ.sort()).toEqual([`SECRETS_IDENTITY=${'x'.repeat(value.length)}`, 'SECRETS_IDENTITY_FILE=/some/file'])
  })

  it.runIf(linux)('finds the entry anywhere in the block', () => {
    const env: Record<string, string> = {}
    for (let i = 0; i < 20; i++) env[`BEFORE_${i}`] = `v${i}`
    env.SECRETS_IDENTITY = 'SECRETS-IDENTITY-1MIDDLEVALUE'
    for (let i = 0; i < 20; i++) env[`AFTER_${i}`] = `v${i}`
    const result = inFreshProcess(env)
    expect(result.taken.erased).toBe(true)
    expect(result.environ).toEqual([`SECRETS_IDENTITY=${'x'.repeat('SECRETS-IDENTITY-1MIDDLEVALUE'.length)}`])
  })

  // Red team of issue 9 (L4): a lower-case secrets_identity stayed in /proc/<pid>/environ and
  // in process.env, where only the child's environment filter kept it from the job.
  it.runIf(linux)('erases and drops every case variant of the name, and never takes one as the identity', () => {
    const value = 'SECRETS-IDENTITY-1LOWERCASEVALUE'
    const result = inFreshProcess({secrets_identity: value, Secrets_Identity: `${value}2`, 'ſecrets_identity': `${value}3`, SECRETS_IDENTITY_FILE: '/some/file'})
    expect(result.taken).toEqual({found: false, erased: true})
    expect(result.held).toBeUndefined()
    expect(result.variants).toEqual([])
    expect(result.environ.sort()).toEqual([
      'SECRETS_IDENTITY_FILE=/some/file',
      `Secrets_Identity=${'x'.repeat(value.length + 1)}`,
      `secrets_identity=${'x'.repeat(value.length)}`,
      `ſecrets_identity=${'x'.repeat(value.length + 1)}`,
    ])
  })

  it.runIf(linux)('takes the upper-case name as the identity when variants sit beside it', () => {
    const value = 'SECRETS-IDENTITY-1UPPERCASEVALUE'
    const result = inFreshProcess({secrets_identity: 'SECRETS-IDENTITY-1OTHER', SECRETS_IDENTITY: value})
    expect(result.taken).toEqual({found: true, erased: true})
    expect(result.held).toBe(value)
    expect(result.variants).toEqual([])
    expect(result.environ.sort()).toEqual([`SECRETS_IDENTITY=${'x'.repeat(value.length)}`, `secrets_identity=${'x'.repeat('SECRETS-IDENTITY-1OTHER'.length)}`])
  })

  it('does nothing without the variable', () => {
    const result = inFreshProcess({OTHER: 'x'})
    expect(result.taken).toEqual({found: false, erased: false})
    expect(result.held).toBeUndefined()
    expect(result.environ).toEqual([])
  })
})
