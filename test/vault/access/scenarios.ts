// Seeded random histories for property tests: members added and revoked, rules, groups and
// secrets written on two lines of work that fork and merge (a failure names its seed, and the
// same seed rebuilds the same signed operations).
import {Dag} from '../../../src/vault/access/dag.js'
import type {OpData, Operation} from '../../../src/vault/store/operations.js'
import type {Action, Role} from '../../../src/vault/validate.js'
import {HistoryBuilder} from '../../helpers/history-builder.js'
import {pick, prng, shuffle} from './support.js'

const FIRST_MEMBERS = ['bob', 'carol', 'dave', 'erin']
/** Added on one line only, once each, so that some members exist on one side of the fork. */
const LATE_MEMBERS = ['frank', 'grace', 'heidi']
const SECRET_NAMES = ['TOKEN', 'DB']
const ENVIRONMENTS = ['*', 'production']
const ACTIONS: readonly Action[] = ['read', 'create', 'update', 'delete']
/** A secret the merge operations write, left out when the two merge directions are compared. */
export const MERGE_SECRET = 'MERGED'

export interface Scenario {
  builder: HistoryBuilder
  /** Operations up to the merge: the prefix and both lines. */
  base: Operation[]
  /** Two merge operations on the same parents (main into feature, feature into main). */
  mergeA: Operation
  mergeB: Operation
  /** The history as the scenario ends: base, then a merge in a random direction and more work. */
  final: Operation[]
}

class ScenarioWriter {
  readonly roles = new Map<string, Role>([['alice', 'owner']])
  private late = [...LATE_MEMBERS]

  constructor(
    readonly h: HistoryBuilder,
    readonly random: () => number,
  ) {}

  /** Access changes come mostly from owners (else they would almost all be void). */
  private author(preferOwners: boolean): string {
    const names = [...this.roles.keys()]
    const owners = names.filter((n) => this.roles.get(n) === 'owner')
    return preferOwners && this.random() < 0.85 ? pick(this.random, owners) : pick(this.random, names)
  }

  private role(): Role {
    const r = this.random()
    return r < 0.4 ? 'owner' : r < 0.6 ? 'maintainer' : 'developer'
  }

  addFirst(name: string): void {
    const role = this.role()
    this.h.addMember(this.author(true), name, {role})
    this.roles.set(name, role)
  }

  step(): void {
    const {h, random} = this
    const kind = pick(random, ['permit', 'permit', 'revoke', 'revoke', 'set', 'set', 'set', 'remove'] as const)
    const environment = pick(random, ENVIRONMENTS)
    switch (kind) {
      case 'permit': {
        const what = random()
        if (what < 0.2 && this.late.length > 0) {
          const name = this.late.shift()!
          const role = this.role()
          h.addMember(this.author(true), name, {role})
          this.roles.set(name, role)
        } else if (what < 0.8) {
          const principals = [...[...this.roles.keys()].map((n) => `user:${n}`), 'role:developer', 'role:maintainer', 'group:team']
          const actions = random() < 0.1 ? [] : ACTIONS.filter(() => random() < 0.5)
          h.rule(this.author(true), pick(random, principals), actions.length > 0 || random() < 0.5 ? actions : ['read', 'create', 'update'], environment)
        } else {
          h.group(this.author(true), 'group:team', [...this.roles.keys()].filter(() => random() < 0.5).map((n) => `user:${n}`))
        }

        return
      }

      case 'revoke': {
        const author = this.author(true)
        const others = [...this.roles.keys()].filter((n) => n !== author)
        h.revoke(author, others.length > 0 && random() < 0.95 ? pick(random, others) : author)
        return
      }

      case 'set':
        h.set(this.author(false), pick(random, SECRET_NAMES), {environment, variable: random() < 0.1})
        return
      case 'remove':
        h.remove(this.author(false), pick(random, SECRET_NAMES), environment)
    }
  }
}

function mergeData(direction: string): OpData {
  return {
    kind: 'secret.set', name: MERGE_SECRET, environment: '*', branch: '*', description: direction, rotation_days: null,
    variable: false, file: false, protected: false, ref: null, key: {commitment: new Uint8Array(32), sealed: []},
    nonce: new Uint8Array(24), ciphertext: new Uint8Array(16), origin: null,
  }
}

export function buildScenario(seed: number): Scenario {
  const random = prng(seed)
  const h = new HistoryBuilder()
  const w = new ScenarioWriter(h, random)
  for (const name of shuffle(random, FIRST_MEMBERS).slice(0, 2 + Math.floor(random() * 3))) w.addFirst(name)
  const prefix = Math.floor(random() * 4)
  for (let k = 0; k < prefix; k++) w.step()

  h.on('feature')
  const forked = 4 + Math.floor(random() * 8)
  // Owners revoking each other on the two lines rarely happens by chance: plant it in some
  // scenarios, at a random point, between two owners added before the fork.
  const ownersAtFork = [...w.roles].filter(([, role]) => role === 'owner').map(([name]) => name)
  const mutualAt = ownersAtFork.length >= 2 && random() < 0.35 ? Math.floor(random() * forked) : -1
  for (let k = 0; k < forked; k++) {
    if (k === mutualAt) {
      const [x, y] = shuffle(random, ownersAtFork) as [string, string]
      h.on('main').revoke(x, y)
      h.on('feature').revoke(y, x)
    }

    h.on(random() < 0.5 ? 'main' : 'feature')
    w.step()
  }

  const base = [...h.operations()]
  // The same merge written from either side: parents are the heads of both lines.
  const baseDag = Dag.build(base)
  const heads = baseDag.heads.map((i) => baseDag.ids[i]!)
  h.on('scratch')
  const mergeA = h.by('alice', mergeData('main into feature'), heads)
  const mergeB = h.by('alice', mergeData('feature into main'), heads)

  const direction = pick(random, ['feature-into-main', 'main-into-feature', 'both'] as const)
  const after = () => {
    for (let k = 1 + Math.floor(random() * 3); k > 0; k--) w.step()
  }

  if (direction === 'feature-into-main') {
    h.on('main').merge('feature')
    after()
  } else if (direction === 'main-into-feature') {
    h.on('feature').merge('main')
    after()
  } else {
    h.on('main').merge('feature')
    after()
    h.on('feature').merge('main')
    after()
    h.on('main').merge('feature')
    after()
  }

  const scratch = new Set([mergeA.id, mergeB.id])
  return {builder: h, base, mergeA, mergeB, final: h.operations().filter((op) => !scratch.has(op.id))}
}

