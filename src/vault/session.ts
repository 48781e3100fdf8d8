import {KEY_COMMITMENT, generateDataKey, hash, randomId, wipe} from '../crypto/index.js'
import {DecryptionFailed} from '../crypto/errors.js'
import type {Identity} from '../crypto/identity.js'
import {Recipient} from '../crypto/recipient.js'
import {denied, integrity} from '../errors.js'
import {type DataKeyRow, type EpochRow, type MemberRow, dataKeySigned, epochSigned} from './records.js'
import type {Action, Scope} from './access-model.js'
import {RESTORE_HINT, type Vault} from './vault.js'

const COMMITMENT_BYTES = 32

/**
 * A vault opened by one of its members: the identity that can open sealed data keys and
 * sign new rows. Data keys are opened once per session and wiped on close.
 */
export class Session {
  private readonly keys = new Map<string, Uint8Array>()

  constructor(
    readonly vault: Vault,
    readonly identity: Identity,
    readonly member: MemberRow,
  ) {}

  static open(vault: Vault, identity: Identity): Session {
    const member = vault.memberByRecipient(identity.recipient)
    if (member && !vault.access().isActive(member)) {
      throw denied(`${member.name} is no longer a member of this vault: access was revoked`, 'ask an owner of the vault if that is a mistake')
    }

    if (!member) {
      throw denied(
        `your identity is not a member of this vault (${identity.recipient.fingerprint})`,
        `send your recipient (\`secrets identity\`) to an owner of the vault, who can run \`secrets permit user:NAME --recipient ${identity.recipient.toString()}\``,
      )
    }

    return new Session(vault, identity, member)
  }

  /** Refuses (PERMISSION_DENIED, nothing written) what this member's rules do not allow. */
  require(action: Action, target: Scope & {name: string}): void {
    if (!this.vault.access().allows(this.member, action, target)) {
      throw denied(
        `${this.member.name} (${this.member.role}) may not ${action} secret ${target.name} (environment ${target.environment}, branch ${target.branch})`,
        'ask an owner of the vault: `secrets permit` grants read, create, update and delete',
      )
    }
  }

  /** Refuses what only an owner may do: managing members and rules. */
  requireOwner(what: string): void {
    if (this.member.role !== 'owner') throw denied(`${this.member.name} (${this.member.role}) may not ${what}: only owners manage access`)
  }

  /** The newest key epoch: new values are always encrypted under it. */
  currentEpoch(): EpochRow | undefined {
    return this.vault.db.prepare('SELECT * FROM key_epochs ORDER BY created_at DESC, id DESC LIMIT 1').get() as EpochRow | undefined
  }

  /**
   * The data key for exactly this scope in the current epoch, made and sealed to every
   * reader when there is none yet. Call inside a write transaction.
   */
  dataKeyForScope(environment: string, branch: string, createdAt: string): {row: DataKeyRow; key: Uint8Array} {
    const db = this.vault.db
    let epoch = this.currentEpoch()
    if (!epoch) {
      const row = {id: randomId(), created_at: createdAt, author_id: this.member.id}
      const signed = epochSigned(this.vault.id, row)
      epoch = {...row, signature: this.identity.sign(signed.label, signed.fields)}
      db.prepare('INSERT INTO key_epochs (id, created_at, author_id, signature) VALUES (@id, @created_at, @author_id, @signature)').run(epoch)
    }

    const existing = db
      .prepare(
        `SELECT d.* FROM data_keys d JOIN sealed_keys s ON s.data_key_id = d.id
         WHERE d.epoch_id = ? AND d.environment = ? AND d.branch = ? AND s.member_id = ?
         ORDER BY d.created_at, d.id LIMIT 1`,
      )
      .get(epoch.id, environment, branch, this.member.id) as DataKeyRow | undefined
    if (existing) return {row: existing, key: this.openDataKey(existing, 'the data key')}

    const key = generateDataKey()
    const unsigned = {
      id: randomId(), epoch_id: epoch.id, environment, branch,
      commitment: commitment(key), created_at: createdAt, author_id: this.member.id,
    }
    const signed = dataKeySigned(this.vault.id, unsigned)
    const row: DataKeyRow = {...unsigned, signature: this.identity.sign(signed.label, signed.fields)}
    db.prepare(
      `INSERT INTO data_keys (id, epoch_id, environment, branch, commitment, created_at, author_id, signature)
       VALUES (@id, @epoch_id, @environment, @branch, @commitment, @created_at, @author_id, @signature)`,
    ).run(row)
    const seal = db.prepare('INSERT INTO sealed_keys (id, data_key_id, member_id, sealed, created_at) VALUES (?, ?, ?, ?, ?)')
    for (const reader of this.readersOf(environment, branch)) {
      seal.run(randomId(), row.id, reader.id, Recipient.parse(reader.recipient).seal(key), createdAt)
    }

    this.keys.set(row.id, key)
    return {row, key}
  }

  /**
   * Opens the data key sealed to this member, checking the key row's signature and that the
   * key is the one its author committed to.
   */
  dataKey(dataKeyId: string, what: string): Uint8Array {
    const cached = this.keys.get(dataKeyId)
    if (cached) return cached
    const row = this.vault.db.prepare('SELECT * FROM data_keys WHERE id = ?').get(dataKeyId) as DataKeyRow | undefined
    if (!row) throw integrity(`integrity check failed for ${what}: its data key is missing`, RESTORE_HINT)
    return this.openDataKey(row, what)
  }

  close(): void {
    for (const key of this.keys.values()) wipe(key)
    this.keys.clear()
    this.identity.wipe()
    this.vault.close()
  }

  /** Who may read a scope now: each gets a sealed copy of its key. */
  readersOf(environment: string, branch: string): MemberRow[] {
    return this.vault.access().readersOf({environment, branch})
  }

  private openDataKey(row: DataKeyRow, what: string): Uint8Array {
    const cached = this.keys.get(row.id)
    if (cached) return cached
    this.vault.verify(`the data key of ${what}`, row.author_id, dataKeySigned(this.vault.id, row), row.signature)
    const sealed = this.vault.db
      .prepare('SELECT sealed FROM sealed_keys WHERE data_key_id = ? AND member_id = ? ORDER BY created_at DESC, id DESC')
      .all(row.id, this.member.id) as {sealed: Uint8Array}[]
    if (sealed.length === 0) {
      throw denied(`${this.member.name} cannot read ${what}: no key for scope environment ${row.environment}, branch ${row.branch} was shared with you`)
    }

    for (const {sealed: box} of sealed) {
      let key: Uint8Array
      try {
        key = this.identity.openSealed(box)
      } catch (error) {
        if (error instanceof DecryptionFailed) continue
        throw error
      }

      if (equalBytes(commitment(key), row.commitment)) {
        this.keys.set(row.id, key)
        return key
      }

      wipe(key)
    }

    throw integrity(`integrity check failed for ${what}: the data key sealed to you does not open or is not the committed key`, RESTORE_HINT)
  }
}

export function commitment(key: Uint8Array): Uint8Array {
  return hash(concat(new TextEncoder().encode(KEY_COMMITMENT), key), COMMITMENT_BYTES)
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length)
  out.set(a)
  out.set(b, a.length)
  return out
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i])
}

