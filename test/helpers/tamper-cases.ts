// Random damage to a real vault file — byte flips and truncations of the raw file, deleted and
// duplicated rows (better-sqlite3 on a copy) — then every secret read as `secrets get` reads it:
// the right value, or an integrity failure (exit 5). Never a wrong value, never another error.
// Shared by the suite (test/e2e/tamper.test.ts, ~50 cases) and the soak (1,000+).
//
// The bulk runs in-process through the exact code `secrets get` runs after parsing its flags:
// SqliteStore.open (command-context.ts openStore: this computer's config directory and pins, the
// checked-out branch) then store.reveal (commands/get.ts). A sample runs the real CLI, `get` and
// `run`, and checks stderr and the exit code too.
import {cpSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import Database from 'better-sqlite3'
import {expect} from 'vitest'

import {Identity} from '../../src/crypto/identity.js'
import {loadSodium} from '../../src/crypto/sodium.js'
import {SecretsError} from '../../src/errors.js'
import type {SqliteStore} from '../../src/vault/sqlite-store.js'
import {type Person, TempRepo} from './cli.js'
import {openAsPerson} from './open-store.js'

export const TAMPER_KINDS = ['flip', 'truncate', 'delete-row', 'duplicate-row'] as const
export type TamperKind = (typeof TAMPER_KINDS)[number]

export interface TamperLab {
  repo: TempRepo
  alice: Person
  aliceText: string
  original: Buffer
  pinsDir: string
  pinsTemplate: string
  /** What every secret holds; `get NAME --environment E` for each. */
  expected: Array<{name: string; environment?: string; value: string}>
}

export interface TamperCase {
  kind: TamperKind
  what: string
  bytes: Buffer
}

/** Outcome of one case: `same` (every value right, the damage touched nothing read), `refused` (integrity). */
export type TamperOutcome = 'same' | 'refused'

export async function tamperLab(): Promise<TamperLab> {
  await loadSodium()
  const repo = new TempRepo()
  const aliceText = Identity.generate().toSecretText()
  const alice = repo.person('alice', {SECRETS_IDENTITY: aliceText})
  const ok = async (args: string[], input?: string) => {
    const result = await repo.run(alice, args, {input})
    expect(result.code, `secrets ${args.join(' ')}: ${result.stderr}`).toBe(0)
  }

  await ok(['enable', '--name', 'alice'])
  await ok(['add', 'PLAIN'], 'plain-value-1')
  await ok(['add', 'SCOPED', '--environment', 'production'], 'production-value')
  await ok(['add', 'VAR', '--variable'], 'variable-value')
  await ok(['rotate', 'PLAIN'], 'plain-value-2')
  const pinsDir = join(alice.home, '.config', 'secrets', 'pins')
  const pinsTemplate = join(repo.root, 'pins-template')
  cpSync(pinsDir, pinsTemplate, {recursive: true})
  return {
    repo, alice, aliceText, pinsDir, pinsTemplate,
    original: readFileSync(vaultPath(repo)),
    expected: [
      {name: 'PLAIN', value: 'plain-value-2'},
      {name: 'SCOPED', environment: 'production', value: 'production-value'},
      {name: 'VAR', value: 'variable-value'},
    ],
  }
}

const vaultPath = (repo: TempRepo) => join(repo.dir, '.secrets', 'vault.db')

/** A damaged copy of the vault, drawn from `random`. */
export function tamperCase(lab: TamperLab, kind: TamperKind, random: () => number): TamperCase {
  const original = lab.original
  const int = (n: number) => Math.floor(random() * n)
  switch (kind) {
    case 'flip': {
      const bytes = Buffer.from(original)
      // One to three bytes, each XORed with a non-zero mask.
      const flips = 1 + int(3)
      const at: number[] = []
      for (let i = 0; i < flips; i++) {
        const offset = int(bytes.length)
        bytes[offset]! ^= 1 + int(255)
        at.push(offset)
      }

      return {kind, what: `flip at ${at.join(', ')}`, bytes}
    }

    case 'truncate': {
      const length = int(original.length)
      return {kind, what: `truncate to ${length} of ${original.length}`, bytes: original.subarray(0, length)}
    }

    case 'delete-row':
    case 'duplicate-row': {
      return withCopy(lab, (db) => {
        const rows = [
          ...(db.prepare('SELECT id FROM ops').all() as Array<{id: string}>).map((r) => ({table: 'ops', key: 'id', value: r.id})),
          ...(db.prepare('SELECT key FROM meta').all() as Array<{key: string}>).map((r) => ({table: 'meta', key: 'key', value: r.key})),
        ]
        const row = rows[int(rows.length)]!
        if (kind === 'delete-row') {
          db.prepare(`DELETE FROM ${row.table} WHERE ${row.key} = ?`).run(row.value)
          return {kind, what: `delete ${row.table} row ${row.value.slice(0, 12)}`}
        }

        // A second copy of the row: under a new key (the keys are unique), or the same id with
        // another row's bytes.
        const newKey = row.table === 'ops' ? randomHex(random, 64) : `${row.value}_copy`
        const columns = row.table === 'ops' ? 'id, body, signature' : 'key, value'
        const rest = row.table === 'ops' ? 'body, signature' : 'value'
        db.prepare(`INSERT INTO ${row.table} (${columns}) SELECT ?, ${rest} FROM ${row.table} WHERE ${row.key} = ?`).run(newKey, row.value)
        return {kind, what: `duplicate ${row.table} row ${row.value.slice(0, 12)} as ${newKey.slice(0, 12)}`}
      })
    }
  }
}

function withCopy(lab: TamperLab, edit: (db: Database.Database) => Omit<TamperCase, 'bytes'>): TamperCase {
  const copy = join(lab.repo.root, 'tamper-copy.db')
  writeFileSync(copy, lab.original)
  const db = new Database(copy)
  let described: Omit<TamperCase, 'bytes'>
  try {
    described = edit(db)
  } finally {
    db.close()
  }

  const bytes = readFileSync(copy)
  rmSync(copy)
  return {...described, bytes}
}

function randomHex(random: () => number, length: number): string {
  return Array.from({length}, () => '0123456789abcdef'[Math.floor(random() * 16)]).join('')
}

/** Puts the damaged file where the vault was, with this computer's pins as they were. */
export function install(lab: TamperLab, bytes: Buffer): void {
  for (const suffix of ['-journal', '-wal', '-shm']) rmSync(`${vaultPath(lab.repo)}${suffix}`, {force: true})
  writeFileSync(vaultPath(lab.repo), bytes)
  rmSync(lab.pinsDir, {recursive: true, force: true})
  cpSync(lab.pinsTemplate, lab.pinsDir, {recursive: true})
}

/** Every secret read in-process as `secrets get` reads it; throws (a test failure) on a wrong value or another error. */
export function readInProcess(lab: TamperLab, what: string): TamperOutcome {
  let store: SqliteStore
  try {
    store = openAsPerson(vaultPath(lab.repo), lab.aliceText, lab.alice.home)
  } catch (error) {
    return refused(error, what)
  }

  try {
    let outcome: TamperOutcome = 'same'
    for (const secret of lab.expected) {
      try {
        const value = new TextDecoder().decode(store.reveal({name: secret.name, environment: secret.environment}).value)
        expect(value, `${what}: ${secret.name}`).toBe(secret.value)
      } catch (error) {
        outcome = refused(error, `${what}: ${secret.name}`)
      }
    }

    return outcome
  } finally {
    store.close()
  }
}

/**
 * The one other answer a damaged file may get: a flip of the header's schema version above ours
 * reads as a vault from a newer secrets, which no file can be told apart from ("upgrade secrets").
 */
const NEWER = /^the vault .* has schema \d+, newer than this secrets understands \(\d+\)$/

function refused(error: unknown, what: string): 'refused' {
  if (!(error instanceof SecretsError) || !(error.code === 'INTEGRITY' || (error.code === 'ERROR' && NEWER.test(error.message)))) {
    throw new Error(`${what}: expected the value or an integrity error, got ${error instanceof SecretsError ? `${error.code}: ${error.message}` : String((error as Error)?.stack ?? error)}`)
  }

  return 'refused'
}

/** `secrets get` and `secrets run` on the installed file: the value, or exit 5 with `error:`/`hint:` lines only. */
export async function readWithCli(lab: TamperLab, what: string): Promise<TamperOutcome[]> {
  const {repo, alice} = lab
  const outcomes: TamperOutcome[] = []
  const checks = [
    {args: ['get', 'SCOPED', '--environment', 'production'], value: 'production-value'},
    {args: ['run', '--no-mask', '--', 'sh', '-c', 'printf %s "$VAR"'], value: 'variable-value'},
  ]
  for (const check of checks) {
    const result = await repo.run(alice, check.args)
    const context = `${what}: secrets ${check.args[0]}: exit ${result.code}, stderr ${JSON.stringify(result.stderr)}`
    if (result.code === 0) {
      expect(result.stdout, context).toBe(check.value)
      outcomes.push('same')
    } else {
      const [line] = result.stderr.split('\n')
      expect(result.code, context).toBe(NEWER.test(line!.slice('error: '.length)) ? 1 : 5)
      expect(result.stderr, context).toMatch(/^error: [^\n]+\n(hint: [^\n]+\n)?$/)
      expect(result.stdout, context).toBe('')
      outcomes.push('refused')
    }
  }

  return outcomes
}
