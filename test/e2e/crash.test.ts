// Long transactions killed with SIGKILL at moments spread over their run: every time, the vault
// must open, verify, and hold either everything the command wrote or none of it, with every
// value reading back.
import {spawn} from 'node:child_process'
import {copyFileSync, existsSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {Identity} from '../../src/crypto/identity.js'
import {readCurrentValue} from '../../src/vault/secrets/read.js'
import {VaultSession} from '../../src/vault/session.js'
import {BIN} from '../helpers/cli.js'
import {CRASH_KINDS, type CrashLab, crashLab, crashTrials} from '../helpers/crash-trials.js'
import {seeded} from '../helpers/spawn-cli.js'
import {bytes, secret, tempVault, text} from '../helpers/vault.js'

const EXISTING = 20
const IMPORTED = 4000

let v: Awaited<ReturnType<typeof tempVault>>
let ownerText: string
let dotenv: string

beforeAll(async () => {
  v = await tempVault()
  ownerText = v.owner.toSecretText()
  const store = v.store()
  for (let i = 0; i < EXISTING; i++) await store.add(secret(`EXISTING_${i}`, {environment: i % 2 === 0 ? 'production' : '*'}), async () => bytes(`existing-${i}`))
  store.close()
  dotenv = join(v.dir, 'big.env')
  writeFileSync(dotenv, Array.from({length: IMPORTED}, (_, i) => `IMPORTED_${i}=imported-value-${i}`).join('\n'))
}, 120_000)

afterAll(() => v.cleanup())

function start(path: string, args: string[]): {done: Promise<number | null>; kill: () => void} {
  // A config directory of its own per copy: this computer's pin of the vault would (rightly)
  // refuse a copy that lacks what an earlier run wrote.
  const child = spawn(process.execPath, [BIN, ...args, '--vault', path], {
    env: {PATH: process.env.PATH, HOME: v.dir, XDG_CONFIG_HOME: `${path}.config`, SECRETS_IDENTITY: ownerText, SECRETS_KEYCHAIN: 'off'},
    stdio: 'ignore',
  })
  return {done: new Promise((resolve) => child.on('exit', (code) => resolve(code))), kill: () => child.kill('SIGKILL')}
}

/** Opens the vault (rolling back a hot journal), verifies it, and reads every value; returns how many were imported. */
function check(path: string): number {
  const session = VaultSession.open(path, {now: new Date(), identity: () => Identity.parse(ownerText)})
  try {
    const secrets = session.history.secrets()
    const imported = secrets.filter((s) => s.name.startsWith('IMPORTED_'))
    expect([0, IMPORTED]).toContain(imported.length)
    for (const s of secrets) {
      const value = text(readCurrentValue(session, s))
      expect(value).toBe(s.name.startsWith('IMPORTED_') ? `imported-value-${s.name.slice(9)}` : `existing-${s.name.slice(9)}`)
    }

    return imported.length
  } finally {
    session.close()
  }
}

describe('import and rotate --key under kill -9', () => {
  it('leave a vault that opens, verifies and reads back everything, whenever they are killed', async () => {
    const full = join(v.dir, 'full.db')
    copyFileSync(v.path, full)
    const started = Date.now()
    expect(await start(full, ['import', dotenv, '--format', 'dotenv']).done).toBe(0)
    const duration = Date.now() - started
    expect(check(full)).toBe(IMPORTED)

    // Kill moments spread over the run (seeded, so a failure can be replayed).
    let seed = 20261129
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31)
    let interrupted = 0
    const kills = 8
    for (let i = 0; i < kills; i++) {
      const work = join(v.dir, `kill-${i}.db`)
      copyFileSync(v.path, work)
      const args = i % 2 === 0 ? ['import', dotenv, '--format', 'dotenv'] : ['rotate', '--key']
      const run = start(work, args)
      await new Promise((r) => setTimeout(r, Math.floor(((i + random()) / kills) * duration)))
      run.kill()
      await run.done
      if (existsSync(`${work}-journal`)) interrupted++
      check(work)
    }

    // At least one kill must have landed inside a transaction, or this test proved nothing.
    expect(interrupted).toBeGreaterThan(0)
  }, 180_000)
})

describe('every writing command under kill -9 while it writes', () => {
  // One trial per command here, killed the moment it is seen holding the write lock (the merge
  // driver, which holds none, at a random moment); fifty each in the soak (test/soak/crash.soak.ts).
  let lab: CrashLab

  beforeAll(async () => {
    lab = await crashLab()
  }, 180_000)

  afterAll(() => lab?.repo.cleanup())

  it.each(CRASH_KINDS)('%s: the vault opens, verifies, and holds all of the change or none of it', async (kind) => {
    const stats = await crashTrials(lab, kind, 1, seeded(20261129 + CRASH_KINDS.indexOf(kind)), 1, 1)
    expect(stats.trials).toBe(1)
  }, 120_000)
})
