// Small helpers shared by the access-model tests: a seeded PRNG (so random scenarios replay
// from their seed), members and rules for AccessState unit tests, and secret.set payloads with
// an inline key sealed to chosen members (HistoryBuilder.set seals its inline keys to no one).
import type {AccessState, Member, Rule} from '../../../src/vault/access/access-state.js'
import type {History} from '../../../src/vault/access/history.js'
import type {DataOf} from '../../../src/vault/store/operations.js'
import type {Action, Role} from '../../../src/vault/validate.js'
import type {HistoryBuilder} from '../../helpers/history-builder.js'

/** mulberry32: tiny, fast and good enough to pick test scenarios; no dependency. */
export function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}

export function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!
}

export function shuffle<T>(random: () => number, items: readonly T[]): T[] {
  const out = [...items]
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    ;[out[i], out[j]] = [out[j]!, out[i]!]
  }

  return out
}

/**
 * Builds a case again with another attempt number until `wanted` holds. Ids are hashes, so a
 * case that must not pass by luck of the canonical order (or of a tie-break on ids) varies a
 * description until the ids fall the way that would expose a model judging by that order.
 */
export function until<T>(build: (attempt: number) => T, wanted: (built: T) => boolean): T {
  for (let attempt = 0; attempt < 200; attempt++) {
    const built = build(attempt)
    if (wanted(built)) return built
  }

  throw new Error('no attempt gave the wanted id order')
}

/** A member as AccessState sees one; `name` is the short name (`bob` becomes `user:bob`). */
export function member(name: string, role: Role, options: {kind?: 'user' | 'machine'; environment?: string; branch?: string; id?: string} = {}): Member {
  const kind = options.kind ?? 'user'
  return {
    id: options.id ?? `id-${kind}-${name}`, name: `${kind}:${name}`, kind, recipient: 'unused', role,
    environment: options.environment ?? '*', branch: options.branch ?? '*', addedBy: null, at: '2026-01-01T00:00:00.000Z',
  }
}

export function rule(principal: string, actions: Action[], environment = '*', branch = '*'): Rule {
  return {principal, actions, environment, branch, op: `op-${principal}-${environment}-${branch}`, at: '2026-01-01T00:00:00.000Z'}
}

export const ALL_ACTIONS: readonly Action[] = ['read', 'create', 'update', 'delete']

/** Every action allowed to `m` in `scope`, in ACTIONS order: one assertion shows the whole answer. */
export function allowed(state: AccessState, m: Member, environment = '*', branch = '*'): Action[] {
  return ALL_ACTIONS.filter((action) => state.allows(m, action, {environment, branch}))
}

/** A secret.set whose inline key is sealed to `to` (members by short name). */
export function inlineSet(h: HistoryBuilder, name: string, to: string[], scope: {environment?: string; branch?: string} = {}): DataOf<'secret.set'> {
  return {
    kind: 'secret.set', name, environment: scope.environment ?? '*', branch: scope.branch ?? '*',
    description: null, rotation_days: null, variable: false, file: false, protected: false, ref: null,
    key: {commitment: new Uint8Array(32), sealed: to.map((n) => ({member: h.id(n), box: new Uint8Array(80)}))},
    nonce: new Uint8Array(24), ciphertext: new Uint8Array(16), origin: null,
  }
}

/** Member names (`user:bob`) of a set of member ids. */
export function namesOf(history: History, ids: Iterable<string>): string[] {
  return [...ids].map((id) => history.memberName(id)).sort()
}
