// A hostile member with push access: writes operations straight into a vault file with the
// project's own encoding, signatures and encryption, bypassing every check the CLI makes —
// as anyone with their own identity and a copy of this code could.
import Database from 'better-sqlite3'

import {Identity, Recipient, encryptOpValue, generateDataKey, keyCommitment} from '../../src/crypto/index.js'
import {historyOf} from '../../src/vault/load-history.js'
import {type InlineKey, type OpData, type Operation, decodeOperation, encodeOperation, signOperation} from '../../src/vault/store/operations.js'
import {readOps} from '../../src/vault/store/op-table.js'

export class Forger {
  private constructor(
    readonly path: string,
    readonly vaultId: string,
    readonly identity: Identity,
    /** The member id the forger signs as (their own, even when revoked). */
    readonly author: string,
  ) {}

  /** Acts as the member whose recipient is `identity`'s (revoked or not), or as `author` if given. */
  static open(path: string, identity: Identity, author?: string): Forger {
    const db = new Database(path, {readonly: true})
    const vaultId = (db.prepare(`SELECT value FROM meta WHERE key = 'vault_id'`).get() as {value: string}).value
    const history = historyOf(readOps(db), vaultId)
    db.close()
    const member = author ?? history.allMembers().find((m) => m.recipient === identity.recipient.toString())?.id
    if (!member) throw new Error('the forger is not a member of this vault')
    return new Forger(path, vaultId, identity, member)
  }

  /** The current heads: what an honest writer would name as parents. */
  heads(): string[] {
    const db = new Database(this.path, {readonly: true})
    try {
      return historyOf(readOps(db), this.vaultId).heads
    } finally {
      db.close()
    }
  }

  /** Member ids by name (valid members of the current history). */
  memberIds(): Map<string, string> {
    const db = new Database(this.path, {readonly: true})
    try {
      return new Map(historyOf(readOps(db), this.vaultId).allMembers().map((m) => [m.name, m.id]))
    } finally {
      db.close()
    }
  }

  recipientsOf(names: string[]): {id: string; recipient: Recipient}[] {
    const db = new Database(this.path, {readonly: true})
    try {
      const members = historyOf(readOps(db), this.vaultId).allMembers()
      return names.map((name) => {
        const m = members.find((x) => x.name === name)
        if (!m) throw new Error(`no member ${name}`)
        return {id: m.id, recipient: Recipient.parse(m.recipient)}
      })
    } finally {
      db.close()
    }
  }

  /** Signs and inserts one operation. `parents` default to the current heads; `at` is whatever the forger claims. */
  append(data: OpData, options: {parents?: string[]; at?: string; author?: string | null} = {}): Operation {
    const parents = options.parents ?? this.heads()
    const {id, body} = encodeOperation({vault: this.vaultId, author: options.author === undefined ? this.author : options.author, at: options.at ?? new Date().toISOString(), parents, data})
    const signature = signOperation(this.identity, body)
    const db = new Database(this.path)
    try {
      db.prepare('INSERT INTO ops (id, body, signature) VALUES (?, ?, ?)').run(id, body, signature)
    } finally {
      db.close()
    }

    return decodeOperation(id, body, signature)
  }

  /** A key of the forger's own making for a scope, sealed to `to` (member names): the forger knows it. */
  plantKey(environment: string, branch: string, to: string[], options: {parents?: string[]; at?: string} = {}): {op: Operation; key: Uint8Array} {
    const key = generateDataKey()
    const sealed = this.recipientsOf(to).map((m) => ({member: m.id, box: m.recipient.seal(key)}))
    return {op: this.append({kind: 'key.add', environment, branch, commitment: keyCommitment(key), sealed}, options), key}
  }

  /** A version of a secret holding `value`, encrypted as an honest client would, under `key` (an op the forger can open) or an inline key sealed to `to`. */
  writeValue(
    target: {name: string; environment: string; branch: string},
    value: string,
    options: {key?: {op: Operation; key: Uint8Array}; to?: string[]; parents?: string[]; at?: string; variable?: boolean; ciphertext?: {nonce: Uint8Array; ciphertext: Uint8Array}} = {},
  ): Operation {
    const parents = [...(options.parents ?? this.heads())].sort()
    let keyRef: string | InlineKey
    let key: Uint8Array
    if (options.key) {
      keyRef = options.key.op.id
      key = options.key.key
    } else {
      key = generateDataKey()
      keyRef = {commitment: keyCommitment(key), sealed: this.recipientsOf(options.to ?? []).map((m) => ({member: m.id, box: m.recipient.seal(key)}))}
    }

    const sealedCtx = {vaultId: this.vaultId, author: this.author, parents, ...target, key: typeof keyRef === 'string' ? keyRef : 'inline'}
    const encrypted = options.ciphertext ?? encryptOpValue(key, sealedCtx, new TextEncoder().encode(value))
    return this.append(
      {
        kind: 'secret.set', ...target, description: null, rotation_days: null, variable: options.variable ?? false, file: false, protected: false, ref: null,
        key: keyRef, nonce: encrypted.nonce, ciphertext: encrypted.ciphertext, origin: null,
      },
      {parents, at: options.at},
    )
  }
}

/** Opens a key sealed to `identity` in a key.add operation (as the forger, who holds the box). */
export function openForged(identity: Identity, op: Operation): Uint8Array {
  const data = op.data
  if (data?.kind !== 'key.add') throw new Error('not a key.add')
  for (const s of data.sealed) {
    try {
      return identity.openSealed(s.box)
    } catch {
      // another member's box
    }
  }

  throw new Error('no box opens')
}

/** The judged history of a vault file, as any reader would load it (no identity, no pins). */
export function historyOfFile(path: string): ReturnType<typeof historyOf> {
  const db = new Database(path, {readonly: true})
  try {
    const vaultId = (db.prepare(`SELECT value FROM meta WHERE key = 'vault_id'`).get() as {value: string}).value
    return historyOf(readOps(db), vaultId)
  } finally {
    db.close()
  }
}
