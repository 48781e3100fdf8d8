// kill -9 of a writing command at a random moment of its run, then: the vault opens and verifies
// (the real CLI lists it, rolling back any hot journal), every value reads back through the same
// code `secrets get` uses, each change is all there or not there at all, and whatever a command
// reported as written (exit 0 seen) is there. Shared by the suite (test/e2e/crash.test.ts, a
// trial or two per command) and the soak (test/soak/crash.soak.ts, fifty per command).
//
// Every trial starts from the same vault at the same path with the same pins of this computer,
// so the pins are checked too: a pin must never name an operation a crash took back.
import {cpSync, existsSync, readFileSync, readdirSync, readlinkSync, rmSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {expect} from 'vitest'

import {Identity} from '../../src/crypto/identity.js'
import {loadSodium} from '../../src/crypto/sodium.js'
import type {SqliteStore} from '../../src/vault/sqlite-store.js'
import {type Person, TempRepo, exec, git} from './cli.js'
import {openAsPerson} from './open-store.js'
import {type RunningCli, sleep, startCli} from './spawn-cli.js'

export const CRASH_KINDS = ['add', 'rotate', 'rotate --key', 'import', 'permit --revoke', 'merge driver'] as const
export type CrashKind = (typeof CRASH_KINDS)[number]

const EXISTING = 20
const IMPORTED = 400

export interface CrashLab {
  repo: TempRepo
  alice: Person
  aliceText: string
  /** The vault (at main's tip) and alice's pins every trial starts from. */
  vault: Buffer
  pinsDir: string
  pinsTemplate: string
  mainTip: string
  importFile: string
  /** How long each command takes when nothing kills it (ms): kill moments spread over it. */
  typical: Map<CrashKind, number>
  /** Operations in the starting vault, and after each command ran to its end: nothing in between may ever be found. */
  before: number
  after: Map<CrashKind, number>
}

export interface TrialStats {
  kind: CrashKind
  trials: number
  /** Killed with a hot journal left behind: the kill landed inside a write transaction. */
  insideTransaction: number
  /** The change was there afterwards (the kill came after its commit, or the command finished). */
  changed: number
  /** The command had exited 0 before the kill. */
  completed: number
  /** Trials killed the moment the command was seen holding the write lock, instead of at a random moment. */
  aimed: number
}

export async function crashLab(): Promise<CrashLab> {
  await loadSodium()
  const repo = new TempRepo()
  const aliceText = Identity.generate().toSecretText()
  const bob = Identity.generate()
  const alice = repo.person('alice', {SECRETS_IDENTITY: aliceText})
  const ok = async (args: string[], input?: string) => {
    const result = await repo.run(alice, args, {input})
    expect(result.code, `secrets ${args.join(' ')}: ${result.stderr}`).toBe(0)
    return result
  }

  await ok(['enable', '--name', 'alice'])
  const existing = join(repo.root, 'existing.env')
  writeFileSync(existing, Array.from({length: EXISTING}, (_, i) => `EXISTING_${i}=existing-${i}`).join('\n'))
  await ok(['import', existing, '--format', 'dotenv'])
  await ok(['permit', 'user:bob', '--recipient', bob.recipient.toString(), '--role', 'developer', '--scopes', 'read'])
  await git(repo.dir, 'add', '-A')
  await git(repo.dir, 'commit', '-qm', 'vault')
  // Two branches that both changed the vault, for the merge driver.
  await git(repo.dir, 'checkout', '-qb', 'other')
  await ok(['add', 'OTHER_SECRET'], 'other-value')
  await git(repo.dir, 'commit', '-qam', 'other')
  await git(repo.dir, 'checkout', '-q', 'main')
  await ok(['add', 'MAIN_SECRET'], 'main-value')
  await git(repo.dir, 'commit', '-qam', 'main')
  const mainTip = (await git(repo.dir, 'rev-parse', 'HEAD')).trim()

  const importFile = join(repo.root, 'import.env')
  writeFileSync(importFile, Array.from({length: IMPORTED}, (_, i) => `IMPORTED_${i}=imported-${i}`).join('\n'))
  const pinsDir = join(alice.home, '.config', 'secrets', 'pins')
  const pinsTemplate = join(repo.root, 'pins-template')
  cpSync(pinsDir, pinsTemplate, {recursive: true})
  const lab: CrashLab = {repo, alice, aliceText, vault: readFileSync(join(repo.dir, '.secrets', 'vault.db')), pinsDir, pinsTemplate, mainTip, importFile, typical: new Map(), before: 0, after: new Map()}
  lab.before = (await operations(lab)).length

  // Each command once to its end: how long it takes, and that a finished one is checked as such.
  for (const kind of CRASH_KINDS) {
    await restore(lab)
    const started = Date.now()
    const run = await start(lab, kind)
    const result = await run.done
    expect(result.code, `${kind}: ${result.stderr}`).toBe(0)
    lab.typical.set(kind, Date.now() - started)
    expect(await verify(lab, kind, true, false)).toBe(true)
    lab.after.set(kind, (await operations(lab)).length)
  }

  return lab
}

/**
 * Runs `trials` kills of `kind`; each kill moment is drawn from [0, typical duration). The real
 * CLI lists the vault after every `cliEvery`-th trial (and in-process, through the same code,
 * after each).
 */
export async function crashTrials(lab: CrashLab, kind: CrashKind, trials: number, random: () => number, cliEvery = 1, aimedEvery = 0): Promise<TrialStats> {
  const stats: TrialStats = {kind, trials, insideTransaction: 0, changed: 0, completed: 0, aimed: 0}
  for (let i = 0; i < trials; i++) {
    await restore(lab)
    const run = await start(lab, kind)
    if (aimedEvery > 0 && i % aimedEvery === aimedEvery - 1 && run.pid !== undefined) {
      // Aimed: killed as soon as it is seen holding the write lock (its holder record appears
      // once BEGIN IMMEDIATE succeeded), so the kill lands inside the transaction or at its commit.
      stats.aimed++
      const record = join(lab.repo.dir, '.secrets', `vault.db.${run.pid}.holder.tmp`)
      let exited = false
      void run.done.then(() => (exited = true))
      const deadline = Date.now() + 4 * lab.typical.get(kind)!
      while (!existsSync(record) && !exited && Date.now() < deadline) await sleep(1)
    } else {
      await sleep(Math.floor(random() * lab.typical.get(kind)!))
    }

    run.kill('SIGKILL')
    const result = await run.done
    const completed = result.code === 0
    if (completed) stats.completed++
    if (existsSync(join(lab.repo.dir, '.secrets', 'vault.db-journal'))) stats.insideTransaction++
    if (await verify(lab, kind, completed, i % cliEvery === 0)) stats.changed++
  }

  return stats
}

/** The vault, the working tree and alice's pins as every trial finds them. */
async function restore(lab: CrashLab): Promise<void> {
  const {repo} = lab
  await git(repo.dir, 'reset', '-q', '--hard', lab.mainTip)
  for (const leftover of readdirSync(join(repo.dir, '.secrets'))) {
    if (leftover !== 'vault.db' && leftover !== '.gitignore') rmSync(join(repo.dir, '.secrets', leftover), {force: true})
  }

  // git's own copies for the driver, and the driver's half-built result when it was killed.
  for (const leftover of readdirSync(repo.dir)) if (leftover.includes('merge_file')) rmSync(join(repo.dir, leftover), {force: true})
  writeFileSync(join(repo.dir, '.secrets', 'vault.db'), lab.vault)
  rmSync(lab.pinsDir, {recursive: true, force: true})
  cpSync(lab.pinsTemplate, lab.pinsDir, {recursive: true})
}

/** Starts the command; for the merge driver, returns the driver process git started (git itself is left to finish). */
async function start(lab: CrashLab, kind: CrashKind): Promise<Pick<RunningCli, 'kill' | 'done'> & {pid?: number}> {
  const {repo, alice} = lab
  const options = {cwd: repo.dir, env: repo.envFor(alice)}
  switch (kind) {
    case 'add': {
      return startCli(['add', 'NEW_SECRET'], {...options, input: 'new-value'})
    }

    case 'rotate': {
      return startCli(['rotate', 'EXISTING_3'], {...options, input: 'rotated-value'})
    }

    case 'rotate --key': {
      return startCli(['rotate', '--key'], options)
    }

    case 'import': {
      return startCli(['import', lab.importFile, '--format', 'dotenv'], options)
    }

    case 'permit --revoke': {
      return startCli(['permit', 'user:bob', '--revoke'], options)
    }

    case 'merge driver': {
      const merging = exec('git', ['merge', '--no-edit', '-q', 'other'], options)
      // The driver's own process (git runs it through sh): the kill moment counts from its start.
      let driver: number | undefined
      const deadline = Date.now() + 30_000
      while (driver === undefined && Date.now() < deadline) {
        driver = findDriver(repo.dir)
        if (driver === undefined) await sleep(1)
      }

      const done = merging.then((result) => ({...result, signal: null, ms: 0}))
      return {
        done,
        kill: () => {
          try {
            if (driver !== undefined) process.kill(driver, 'SIGKILL')
          } catch {
            // finished already
          }
        },
      }
    }
  }
}

function findDriver(cwd: string): number | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0')
      if (argv.includes('merge-driver') && argv[0] === process.execPath && readlinkSync(`/proc/${entry}/cwd`) === cwd) return Number(entry)
    } catch {
      // gone meanwhile
    }
  }

  return undefined
}

/** The vault's operations, as `secrets log` lists them. */
async function operations(lab: CrashLab): Promise<unknown[]> {
  const store = openAsAlice(lab)
  try {
    return store.log().entries
  } finally {
    store.close()
  }
}

/** The vault as `secrets get` opens it, as alice. */
function openAsAlice(lab: CrashLab): SqliteStore {
  return openAsPerson(join(lab.repo.dir, '.secrets', 'vault.db'), lab.aliceText, lab.alice.home)
}

/**
 * The vault after a trial: the CLI lists it (recovering it if needed), and every value reads
 * back. Returns whether the command's change is there; it must be when `completed`.
 */
async function verify(lab: CrashLab, kind: CrashKind, completed: boolean, cli = true): Promise<boolean> {
  const {repo, alice} = lab
  if (cli) {
    const listed = await repo.run(alice, ['list', '--json'])
    expect(listed.stderr, `${kind}: list after the kill`).not.toMatch(/^error:/m)
    expect(listed.code, `${kind}: ${listed.stderr}`).toBe(0)
  }

  const store = openAsAlice(lab)
  try {
    // All of a command's operations, or none of them.
    const count = store.log().entries.length
    if (lab.after.has(kind)) expect([lab.before, lab.after.get(kind)], `${kind}: operations in the vault`).toContain(count)
    const values = new Map<string, string>()
    for (const secret of store.list()) values.set(secret.name, new TextDecoder().decode(store.reveal({name: secret.name}).value))
    const expected = new Map<string, string>([['MAIN_SECRET', 'main-value']])
    for (let i = 0; i < EXISTING; i++) expected.set(`EXISTING_${i}`, `existing-${i}`)
    let changed: boolean
    switch (kind) {
      case 'add': {
        changed = values.has('NEW_SECRET')
        if (changed) expected.set('NEW_SECRET', 'new-value')
        break
      }

      case 'rotate': {
        changed = values.get('EXISTING_3') === 'rotated-value'
        if (changed) expected.set('EXISTING_3', 'rotated-value')
        break
      }

      case 'rotate --key': {
        changed = count !== lab.before
        break
      }

      case 'permit --revoke': {
        changed = count !== lab.before
        expect(store.access().members.find((m) => m.name === 'user:bob')?.revoked).toBe(changed)
        break
      }

      case 'import': {
        const imported = [...values.keys()].filter((name) => name.startsWith('IMPORTED_')).length
        expect([0, IMPORTED], 'an import is all there or not at all').toContain(imported)
        changed = imported === IMPORTED
        if (changed) for (let i = 0; i < IMPORTED; i++) expected.set(`IMPORTED_${i}`, `imported-${i}`)
        break
      }

      case 'merge driver': {
        changed = values.has('OTHER_SECRET')
        if (changed) expected.set('OTHER_SECRET', 'other-value')
        break
      }
    }

    expect(Object.fromEntries(values), kind).toEqual(Object.fromEntries(expected))
    if (completed) expect(changed, `${kind} exited 0, so its change must be there`).toBe(true)
    return changed
  } finally {
    store.close()
  }
}
