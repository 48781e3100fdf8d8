import {Recipient} from '../crypto/recipient.js'
import {randomId} from '../crypto/index.js'
import type {Identity} from '../crypto/identity.js'
import {integrity} from '../errors.js'
import {type Database, createDatabase, openDatabase} from './database.js'
import {type MemberRow, type Signed, type SecretRow, memberSigned, secretSigned} from './records.js'

/**
 * An open vault file: its rows, and the checks that any reader (with or without a key)
 * can make, which are the signatures. Decryption lives in Session.
 */
export class Vault {
  private memberCache?: Map<string, MemberRow>

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
    this.verify(describeSecret(secret), secret.author_id, secretSigned(this.id, secret), secret.signature)
  }

  private memberMap(): Map<string, MemberRow> {
    if (!this.memberCache) {
      const rows = this.db.prepare('SELECT * FROM members ORDER BY created_at, id').all() as MemberRow[]
      const map = new Map(rows.map((row) => [row.id, row]))
      // Every member row must be signed by a member (the first owner by themselves).
      for (const row of map.values()) {
        const author = map.get(row.author_id)
        const signed = memberSigned(this.id, row)
        const ok = author !== undefined && Recipient.parse(author.recipient).verify(signed.label, signed.fields, row.signature)
        if (!ok) throw integrity(`integrity check failed for member ${row.name}: bad signature`, RESTORE_HINT)
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
