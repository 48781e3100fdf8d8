// Synthetic histories for unit tests of the authority model: signed operations built with the
// project's own encoding and signatures, on named lines (branches) that fork and merge, with a
// clock the test controls (to backdate). No SQLite: `history()` judges the operations as a
// vault would after loading them, `rows()` gives them as the ops table holds them.
import {Identity, generateDataKey, keyCommitment} from '../../src/crypto/index.js'
import {History} from '../../src/vault/access/history.js'
import {historyOf} from '../../src/vault/load-history.js'
import {type OpData, type Operation, decodeOperation, encodeOperation, signOperation} from '../../src/vault/store/operations.js'
import type {StoredOp} from '../../src/vault/store/op-table.js'
import type {Action, Role} from '../../src/vault/validate.js'

export interface PersonSpec {
  role?: Role
  kind?: 'user' | 'machine'
  environment?: string
  branch?: string
}

const SEEDS = new Map<string, number>()

/** The same identity for the same name in every test (a seed from the name). */
export function identityFor(name: string): Identity {
  let n = SEEDS.get(name)
  if (n === undefined) {
    n = SEEDS.size + 1
    SEEDS.set(name, n)
  }

  const seed = new Uint8Array(32)
  new TextEncoder().encodeInto(`seed:${name}`.padEnd(32, '.').slice(0, 32), seed)
  return Identity.fromSeed(seed)
}

export class HistoryBuilder {
  readonly vaultId: string
  private readonly ops: Operation[] = []
  private readonly lines = new Map<string, string[]>()
  private line = 'main'
  private clock = Date.parse('2026-01-01T00:00:00Z')
  /** Member id by short name (`alice` for `user:alice`). */
  readonly ids = new Map<string, string>()

  constructor(owner = 'alice', vaultId = 'vault-under-test') {
    this.vaultId = vaultId
    const identity = identityFor(owner)
    const op = this.write(null, identity, {kind: 'vault.create', member: spec(owner, identity, {role: 'owner'})}, [])
    this.ids.set(owner, op.id)
    this.lines.set('main', [op.id])
  }

  /** Subsequent operations go on `line`, which starts from `from`'s tips when new. */
  on(line: string, from = this.line): this {
    if (!this.lines.has(line)) this.lines.set(line, [...this.lines.get(from)!])
    this.line = line
    return this
  }

  /** `into` gets `from`'s tips too: its next operation names both as parents. */
  merge(from: string, into = this.line): this {
    this.lines.set(into, [...new Set([...this.lines.get(into)!, ...this.lines.get(from)!])])
    return this
  }

  /** The next operation's time (to backdate one), in ISO 8601. */
  at(iso: string): this {
    this.clock = Date.parse(iso)
    return this
  }

  addMember(author: string, name: string, person: PersonSpec = {}): Operation {
    const identity = identityFor(name)
    const op = this.by(author, {kind: 'member.add', member: spec(name, identity, person)})
    this.ids.set(name, op.id)
    return op
  }

  revoke(author: string, name: string): Operation {
    return this.by(author, {kind: 'member.revoke', member: this.id(name)})
  }

  rule(author: string, principal: string, actions: Action[], environment = '*', branch = '*'): Operation {
    return this.by(author, {kind: 'rule.set', principal, actions, environment, branch})
  }

  group(author: string, group: string, members: string[]): Operation {
    return this.by(author, {kind: 'group.set', group, members})
  }

  protect(author: string, branches: string[]): Operation {
    return this.by(author, {kind: 'setting.set', name: 'protected_branches', value: branches})
  }

  /** A key for a scope, sealed (with boxes no one opens here) to `to`. */
  key(author: string, environment = '*', branch = '*', to: string[] = [author]): Operation {
    return this.by(author, {kind: 'key.add', environment, branch, commitment: keyCommitment(generateDataKey()), sealed: to.map((n) => ({member: this.id(n), box: new Uint8Array(80)}))})
  }

  share(author: string, key: Operation, to: string[]): Operation {
    return this.by(author, {kind: 'key.share', key: key.id, sealed: to.map((n) => ({member: this.id(n), box: new Uint8Array(80)}))})
  }

  /** A version of a secret, under `key` (an operation) or a key of its own. */
  set(author: string, name: string, options: {environment?: string; branch?: string; key?: Operation; variable?: boolean; description?: string} = {}): Operation {
    return this.by(author, {
      kind: 'secret.set', name, environment: options.environment ?? '*', branch: options.branch ?? '*',
      description: options.description ?? null, rotation_days: null, variable: options.variable ?? false, file: false, protected: false, ref: null,
      key: options.key ? options.key.id : {commitment: new Uint8Array(32), sealed: []},
      nonce: new Uint8Array(24), ciphertext: new Uint8Array(16), origin: null,
    })
  }

  remove(author: string, name: string, environment = '*', branch = '*'): Operation {
    return this.by(author, {kind: 'secret.remove', name, environment, branch})
  }

  expose(author: string, version: Operation): Operation {
    const data = version.data as Extract<OpData, {kind: 'secret.set'}>
    return this.by(author, {kind: 'secret.expose', name: data.name, environment: data.environment, branch: data.branch, version: version.id})
  }

  /** Any operation by `author` on the current line (parents: its tips). */
  by(author: string, data: OpData, parents = this.lines.get(this.line)!): Operation {
    const op = this.write(this.id(author), identityFor(author), data, parents)
    this.lines.set(this.line, [op.id])
    return op
  }

  id(name: string): string {
    const id = this.ids.get(name)
    if (!id) throw new Error(`no member ${name} in this history`)
    return id
  }

  history(): History {
    return History.of(this.ops)
  }

  /** Judged after the checks a vault's loader makes (ids, signatures, parents). */
  loaded(): History {
    return historyOf(this.rows(), this.vaultId)
  }

  rows(): StoredOp[] {
    return this.ops.map(({id, body, signature}) => ({id, body, signature}))
  }

  operations(): readonly Operation[] {
    return this.ops
  }

  private write(author: string | null, identity: Identity, data: OpData, parents: readonly string[]): Operation {
    const at = new Date(this.clock).toISOString()
    this.clock += 1000
    const {id, body} = encodeOperation({vault: this.vaultId, author, at, parents, data})
    const op = decodeOperation(id, body, signOperation(identity, body))
    if (op.problem) throw new Error(`the builder wrote a malformed ${op.kind}: ${op.problem}`)
    this.ops.push(op)
    return op
  }
}

function spec(name: string, identity: Identity, person: PersonSpec) {
  const kind = person.kind ?? 'user'
  return {
    name: `${kind}:${name}`, kind, recipient: identity.recipient.toString(), role: person.role ?? (kind === 'machine' ? 'reporter' : 'developer'),
    environment: person.environment ?? '*', branch: person.branch ?? '*',
  } as const
}

/** Whether the operation counts in `history`, with the reason when it does not. */
export function verdictOf(history: History, op: Operation): {valid: boolean; reason?: string} {
  return history.verdict(history.indexOf(op.id)!)
}
