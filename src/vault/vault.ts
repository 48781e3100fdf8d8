import {Recipient} from '../crypto/recipient.js'
import {randomId} from '../crypto/index.js'
import type {Identity} from '../crypto/identity.js'
import {integrity} from '../errors.js'
import {type Database, createDatabase, openDatabase} from './database.js'
import {type LogRow, readLog} from './access-log.js'
import {type Action, AccessModel, type Scope} from './access-model.js'
import {type MemberRow, type Signed, type SecretRow, type TombstoneRow, memberSigned, secretSigned, tombstoneSigned} from './records.js'

/**
 * An open vault file: its rows, and the checks that any reader (with or without a key)
 * can make, which are the signatures. Decryption lives in Session.
 */
export class Vault {
  private memberCache?: Map<string, MemberRow>
  private logCache?: LogRow[]

  private constructor(
    readonly db: Database,
    readonly path: string,
    readonly id: string,
  ) {}

  static open(path: string, options: {readonly?: boolean} = {}): Vault {
    const db = openDatabase(path, options)
    const row = db.prepare(`SELECT value FROM meta WHERE key = 'vault_id'`).get() as {value: string} | undefined
    if (!row) {
      db.close()
      throw integrity(`the vault ${path} has no id`)
    }

    return new Vault(db, path, row.value)
  }

  /** A new vault whose first member, an owner, is `owner`. One transaction. */
  static create(path: string, owner: Identity, ownerName: string, createdAt: string): Vault {
    const db = createDatabase(path)
    const vault = new Vault(db, path, randomId())
    db.transaction(() => {
      db.prepare(`INSERT INTO meta (key, value) VALUES ('vault_id', ?), ('created_at', ?)`).run(vault.id, createdAt)
      const id = randomId()
      vault.insertMember(owner, {
        id, name: ownerName, kind: 'user', recipient: owner.recipient.toString(), role: 'owner',
        environment: '*', branch: '*', created_at: createdAt, author_id: id,
      })
    })()
    return vault
  }

  close(): void {
    if (this.db.open) this.db.close()
  }

  /** Runs `work` as one transaction: every write to the vault goes through here. */
  write<T>(work: () => T): T {
    return this.db.transaction(work)()
  }

  members(): MemberRow[] {
    return [...this.memberMap().values()]
  }

  member(id: string): MemberRow | undefined {
    return this.memberMap().get(id)
  }

  memberByRecipient(recipient: Recipient): MemberRow | undefined {
    const text = recipient.toString()
    return this.members().find((m) => m.recipient === text)
  }

  insertMember(author: Identity, row: Omit<MemberRow, 'signature'>): MemberRow {
    const signature = sign(author, memberSigned(this.id, row))
    const full = {...row, signature}
    this.db
      .prepare(
        `INSERT INTO members (id, name, kind, recipient, role, environment, branch, created_at, author_id, signature)
         VALUES (@id, @name, @kind, @recipient, @role, @environment, @branch, @created_at, @author_id, @signature)`,
      )
      .run(full)
    this.memberCache = undefined
    return full
  }

  /** The signed access log, oldest first (cached; `forget()` after writing to it). */
  log(): LogRow[] {
    if (!this.logCache) {
      const log = readLog(this)
      // Only owners change access, and not after they were revoked themselves.
      const revokedAt = new Map<string, string>()
      for (const entry of log) {
        const author = this.member(entry.author_id)
        const revoked = revokedAt.get(entry.author_id)
        if (author?.role !== 'owner' || (revoked !== undefined && revoked <= entry.created_at)) {
          throw integrity(`integrity check failed for access log entry ${entry.kind} ${entry.subject}: written by ${author?.name ?? 'an unknown member'}, who is not an owner`, RESTORE_HINT)
        }

        if (entry.kind === 'member.revoke') revokedAt.set(String((JSON.parse(entry.data) as {member_id: string}).member_id), entry.created_at)
      }

      this.logCache = log
    }

    return this.logCache
  }

  /** Drops cached rows after a write that changed members or the log. */
  forget(): void {
    this.memberCache = undefined
    this.logCache = undefined
  }

  /** Who may do what, as of a moment (default: now). */
  access(asOf?: string): AccessModel {
    return new AccessModel(this.members(), this.log(), asOf)
  }

  /**
   * A row is accepted only if its author was allowed to write it when they did: a row added
   * by editing the file with another tool, by someone without the right, fails here.
   */
  checkAuthority(what: string, authorId: string, action: Action, scope: Scope, at: string): void {
    const author = this.member(authorId)
    if (!author || !this.access(at).allows(author, action, scope)) {
      throw integrity(`integrity check failed for ${what}: written by ${author?.name ?? authorId.slice(0, 8)}, who was not allowed to ${action} it`, RESTORE_HINT)
    }
  }

  /** Tombstones hide secrets, so each must be signed by someone allowed to delete. */
  checkTombstones(): void {
    const rows = this.db.prepare('SELECT * FROM tombstones').all() as TombstoneRow[]
    const secretById = this.db.prepare('SELECT * FROM secrets WHERE id = ?')
    for (const row of rows) {
      const secret = secretById.get(row.secret_id) as SecretRow
      const what = `the removal of ${describeSecret(secret)}`
      this.verify(what, row.author_id, tombstoneSigned(this.id, secret, row), row.signature)
      this.checkAuthority(what, row.author_id, 'delete', secret, row.created_at)
    }
  }

  /** The name a person sees for a member id, even when the row is gone. */
  memberName(id: string): string {
    return this.member(id)?.name ?? `unknown member ${id.slice(0, 8)}`
  }

  /** Checks `signed` against the author's key; throws INTEGRITY naming `what` and the author. */
  verify(what: string, authorId: string, signed: Signed, signature: Uint8Array): MemberRow {
    const author = this.member(authorId)
    if (!author) throw integrity(`integrity check failed for ${what}: signed by an unknown member ${authorId.slice(0, 8)}`, RESTORE_HINT)
    if (!Recipient.parse(author.recipient).verify(signed.label, signed.fields, signature)) {
      throw integrity(`integrity check failed for ${what}: the signature by ${author.name} does not match`, RESTORE_HINT)
    }

    return author
  }

  verifySecret(secret: SecretRow): void {
    const what = describeSecret(secret)
    this.verify(what, secret.author_id, secretSigned(this.id, secret), secret.signature)
    this.checkAuthority(what, secret.author_id, 'create', secret, secret.created_at)
  }

  private memberMap(): Map<string, MemberRow> {
    if (!this.memberCache) {
      const rows = this.db.prepare('SELECT * FROM members ORDER BY created_at, id').all() as MemberRow[]
      const map = new Map(rows.map((row) => [row.id, row]))
      // Every member row must be signed by an owner; only the first owner signs their own.
      const genesis = rows.filter((row) => row.author_id === row.id)
      for (const row of map.values()) {
        const author = map.get(row.author_id)
        const signed = memberSigned(this.id, row)
        const ok = author !== undefined && Recipient.parse(author.recipient).verify(signed.label, signed.fields, row.signature)
        if (!ok) throw integrity(`integrity check failed for member ${row.name}: bad signature`, RESTORE_HINT)
        if (author.role !== 'owner' || (row.author_id === row.id && genesis.length !== 1)) {
          throw integrity(`integrity check failed for member ${row.name}: added by ${author.name}, who is not an owner`, RESTORE_HINT)
        }
      }

      this.memberCache = map
    }

    return this.memberCache
  }
}

export const RESTORE_HINT = 'the vault file was changed outside secrets; restore it from git (git checkout -- .secrets/vault.db)'

export function describeSecret(s: {name: string; environment: string; branch: string}): string {
  return `secret ${s.name} (environment ${s.environment}, branch ${s.branch})`
}

function sign(identity: Identity, signed: Signed): Uint8Array {
  return identity.sign(signed.label, signed.fields)
}
