// Real format-2 vault files for the git driver tests, written in-process by the same store the
// CLI uses. No configDir: these sessions keep no pins, so one person may write to two copies of
// a vault (two branches) as the tests need; the CLI, which pins, only reads the results.
import {copyFileSync, readFileSync} from 'node:fs'

import Database from 'better-sqlite3'

import {Identity} from '../../src/crypto/index.js'
import {enableVault} from '../../src/vault/enable-vault.js'
import {type NewSecret} from '../../src/vault/secrets/add.js'
import {SqliteStore} from '../../src/vault/sqlite-store.js'
import {parsePrincipal} from '../../src/vault/validate.js'

export const T0 = new Date('2026-11-21T10:00:00Z')

/** T0 plus some minutes. */
export const later = (minutes: number) => new Date(T0.getTime() + minutes * 60_000)

export const bytes = (text: string) => new TextEncoder().encode(text)

/** A person's identity as text: a session wipes the Identity it was given, so each use parses anew. */
export class Someone {
  readonly text: string

  constructor(
    readonly name: string,
    identity = Identity.generate(),
  ) {
    this.text = identity.toSecretText()
  }

  identity(): Identity {
    return Identity.parse(this.text)
  }

  get recipient(): string {
    return this.identity().recipient.toString()
  }
}

export function newVault(path: string, owner: Someone, now = T0): string {
  return enableVault(path, owner.identity(), owner.name, now).vaultId
}

/** One store session on one copy of the vault, as `who`, at `now`; closed after `work`. */
export async function withStore<T>(path: string, who: Someone, now: Date, work: (store: SqliteStore) => T | Promise<T>): Promise<T> {
  const store = SqliteStore.open(path, {now, maxValueBytes: 10_000, identity: () => who.identity(), defaultBranch: () => 'main'})
  try {
    return await work(store)
  } finally {
    store.close()
  }
}

export function secret(name: string, extra: Partial<NewSecret> = {}): NewSecret {
  return {name, environment: '*', branch: '*', variable: false, file: false, protected: false, ...extra}
}

export const add = (path: string, who: Someone, now: Date, input: NewSecret, value: string) =>
  withStore(path, who, now, (s) => s.add(input, async () => bytes(value)))

export const rotate = (path: string, who: Someone, now: Date, name: string, value: string, environment?: string) =>
  withStore(path, who, now, (s) => s.rotate({name, environment}, async () => bytes(value)))

export const remove = (path: string, who: Someone, now: Date, name: string) => withStore(path, who, now, (s) => s.remove({name}))

/** `secrets permit user:NAME --recipient … --role developer --scopes …` by `owner`. */
export const permit = (path: string, owner: Someone, now: Date, member: Someone, scopes: Array<'read' | 'create' | 'update' | 'delete'>) =>
  withStore(path, owner, now, (s) =>
    s.permit({principal: parsePrincipal(member.name), recipient: member.recipient, role: 'developer', actions: scopes, environment: '*', branch: '*', revoke: false}),
  )

export const revoke = (path: string, owner: Someone, now: Date, member: Someone) =>
  withStore(path, owner, now, (s) => s.permit({principal: parsePrincipal(member.name), environment: '*', branch: '*', revoke: true}))

export function copies(from: string, ...to: string[]): void {
  for (const path of to) copyFileSync(from, path)
}

/** The ids in a vault file's ops table, sorted. */
export function opIds(path: string): string[] {
  const db = new Database(path, {readonly: true})
  try {
    return (db.prepare('SELECT id FROM ops ORDER BY id').all() as {id: string}[]).map((r) => r.id)
  } finally {
    db.close()
  }
}

/** Runs SQL on a file the way another tool would: no guard, no checks. */
export function editFile(path: string, work: (db: Database.Database) => void): void {
  const db = new Database(path)
  try {
    work(db)
  } finally {
    db.close()
  }
}

export function sameBytes(path: string, before: Buffer): boolean {
  return readFileSync(path).equals(before)
}
