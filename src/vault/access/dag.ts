// The shape of the history: which operation came before which. Operations are numbered in
// one canonical order (parents before children; among operations free to go next, the
// smallest id first), the same on every replica. "Before" is ancestry, never time.
//
// Ancestry queries are answered with a chain decomposition: each operation extends the chain of
// a parent it directly follows, or starts a new chain, and knows for every other chain the
// highest position of its ancestors there. That map is shared by every operation of a stretch
// that only extends its chain, and made anew only where a chain starts or lines merge; a history
// without concurrent branches is one chain and one empty map. A history made wide on purpose
// (thousands of forks merged, then forked again) is refused with a clear error above a bound,
// rather than allowed to exhaust memory.

export interface DagNode {
  id: string
  parents: readonly string[]
}

export class MissingParentError extends Error {
  constructor(
    readonly id: string,
    readonly parent: string,
  ) {
    super(`operation ${id} names a parent ${parent} that is not in the history`)
    this.name = 'MissingParentError'
  }
}

/** The history is wider than the bound: made so on purpose, to exhaust the memory of whoever reads it. */
export class TooWideError extends Error {
  /** `what`: what exceeded its bound, for people (`1025 scopes of DB_PASSWORD`). */
  constructor(readonly what: string) {
    super(`the history is too wide to judge (${what})`)
    this.name = 'TooWideError'
  }
}

/** How many ancestry entries (chain, position) a history may need; honest ones need a handful per merge. */
export const MAX_ANCESTRY_ENTRIES = 20_000_000

export interface DagData {
  ids: readonly string[]
  parents: readonly (readonly number[])[]
  chain: Int32Array
  position: Int32Array
  others: readonly ReadonlyMap<number, number>[]
  heads: readonly number[]
  ancestryEntries: number
}

export class Dag {
  private constructor(
    /** Ids in canonical order. */
    readonly ids: readonly string[],
    readonly indexOf: ReadonlyMap<string, number>,
    /** Parent indices of each node. */
    readonly parents: readonly (readonly number[])[],
    private readonly chain: Int32Array,
    private readonly position: Int32Array,
    /** Other chains → the highest position of an ancestor there (shared along a stretch of one chain). */
    private readonly others: readonly ReadonlyMap<number, number>[],
    readonly heads: readonly number[],
    /** How many (chain, position) entries the ancestry index holds: linear in an honest history. */
    readonly ancestryEntries: number,
  ) {}

  get size(): number {
    return this.ids.length
  }

  /** Throws MissingParentError when a node names a parent that is absent. */
  static build(nodes: readonly DagNode[], options: {maxEntries?: number} = {}): Dag {
    const maxEntries = options.maxEntries ?? MAX_ANCESTRY_ENTRIES
    const byId = new Map(nodes.map((n) => [n.id, n]))
    const children = new Map<string, string[]>()
    const waiting = new Map<string, number>()
    for (const node of nodes) {
      for (const parent of node.parents) {
        if (!byId.has(parent)) throw new MissingParentError(node.id, parent)
        const list = children.get(parent)
        if (list) list.push(node.id)
        else children.set(parent, [node.id])
      }

      waiting.set(node.id, new Set(node.parents).size)
    }

    const ready = new MinHeap()
    for (const node of nodes) if (waiting.get(node.id) === 0) ready.push(node.id)
    const ids: string[] = []
    while (ready.size > 0) {
      const id = ready.pop()!
      ids.push(id)
      for (const child of new Set(children.get(id) ?? [])) {
        const left = waiting.get(child)! - 1
        waiting.set(child, left)
        if (left === 0) ready.push(child)
      }
    }

    // Hash-linked ids cannot form a cycle, but a file can hold anything.
    if (ids.length !== nodes.length) throw new Error('the history has a cycle')
    const indexOf = new Map(ids.map((id, i) => [id, i]))
    const parents = ids.map((id) => [...new Set(byId.get(id)!.parents)].map((p) => indexOf.get(p)!))

    const n = ids.length
    const chain = new Int32Array(n)
    const position = new Int32Array(n)
    const tails: number[] = []
    const others: ReadonlyMap<number, number>[] = []
    const hasChild = new Uint8Array(n)
    const none: ReadonlyMap<number, number> = new Map()
    let entries = 0
    for (let i = 0; i < n; i++) {
      const ps = parents[i]!
      for (const p of ps) hasChild[p] = 1
      // Extend the chain of the latest parent that is still its chain's tail.
      let chosen = -1
      for (const p of ps) if (tails[chain[p]!] === p && (chosen === -1 || p > chosen)) chosen = p
      if (chosen === -1) {
        chain[i] = tails.length
        position[i] = 0
        tails.push(i)
      } else {
        chain[i] = chain[chosen]!
        position[i] = position[chosen]! + 1
        tails[chain[i]!] = i
      }

      if (chosen !== -1 && ps.length === 1) {
        // Only extends its chain: the same ancestors elsewhere as its parent.
        others.push(others[chosen]!)
        continue
      }

      const map = new Map<number, number>()
      for (const p of ps) {
        for (const [c, pos] of others[p] ?? none) if (pos > (map.get(c) ?? -1)) map.set(c, pos)
        if (position[p]! > (map.get(chain[p]!) ?? -1)) map.set(chain[p]!, position[p]!)
      }

      map.delete(chain[i]!)
      entries += map.size
      if (entries > maxEntries) throw new TooWideError(`more than ${maxEntries} ancestry entries`)
      others.push(map.size === 0 ? none : map)
    }

    const heads = ids.map((_, i) => i).filter((i) => hasChild[i] === 0)
    return new Dag(ids, indexOf, parents, chain, position, others, heads, entries)
  }

  /** What a judged-state snapshot keeps of the dag (store/judged-cache.ts); fromData() makes it a Dag again. */
  toData(): DagData {
    return {ids: this.ids, parents: this.parents, chain: this.chain, position: this.position, others: this.others, heads: this.heads, ancestryEntries: this.ancestryEntries}
  }

  static fromData(data: DagData): Dag {
    const indexOf = new Map(data.ids.map((id, i) => [id, i]))
    return new Dag(data.ids, indexOf, data.parents, data.chain, data.position, data.others, data.heads, data.ancestryEntries)
  }

  /** How many ancestry questions were asked: judging's work, which tests hold to a bound. */
  queries = 0

  /** Whether `a` is a strict ancestor of `b` (by index). */
  isAncestor(a: number, b: number): boolean {
    this.queries++
    if (a >= b) return false
    const c = this.chain[a]!
    // A chain is a path: a later position on a's own chain descends from a.
    if (this.chain[b] === c) return this.position[b]! > this.position[a]!
    return (this.others[b]!.get(c) ?? -1) >= this.position[a]!
  }

  /** The chain a node is on, and its position there. */
  chainOf(node: number): {chain: number; position: number} {
    return {chain: this.chain[node]!, position: this.position[node]!}
  }

  /** The highest position on `chain` of a strict ancestor of `node` (-1: none). */
  ancestorPositionOn(node: number, chain: number): number {
    this.queries++
    if (this.chain[node] === chain) return this.position[node]! - 1
    return this.others[node]!.get(chain) ?? -1
  }

  /** Whether `a` is `b` or one of its ancestors. */
  isAncestorOrSelf(a: number, b: number): boolean {
    return a === b || this.isAncestor(a, b)
  }

  /** Neither is an ancestor of the other. */
  concurrent(a: number, b: number): boolean {
    return a !== b && !this.isAncestor(a, b) && !this.isAncestor(b, a)
  }

  /**
   * The members of `set` that are not an ancestor of another member, in index order. Scanning
   * from the latest, a member is maximal unless it is an ancestor of one already kept (every
   * later member is kept or below a kept one): linear in the set for a history without
   * concurrent lines.
   */
  maximal(set: readonly number[]): number[] {
    const kept: number[] = []
    for (const a of [...set].sort((x, y) => y - x)) if (!kept.some((b) => this.isAncestor(a, b))) kept.push(a)
    return kept.reverse()
  }
}

/** A binary heap of strings, smallest first: the canonical order's tie-break. */
class MinHeap {
  private readonly items: string[] = []

  get size(): number {
    return this.items.length
  }

  push(item: string): void {
    const items = this.items
    items.push(item)
    let i = items.length - 1
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (items[parent]! <= item) break
      items[i] = items[parent]!
      i = parent
    }

    items[i] = item
  }

  pop(): string | undefined {
    const items = this.items
    if (items.length === 0) return undefined
    const top = items[0]
    const last = items.pop()!
    if (items.length === 0) return top
    items[0] = last
    let i = 0
    for (;;) {
      const left = 2 * i + 1
      const right = left + 1
      let smallest = i
      if (left < items.length && items[left]! < items[smallest]!) smallest = left
      if (right < items.length && items[right]! < items[smallest]!) smallest = right
      if (smallest === i) break
      const swap = items[i]!
      items[i] = items[smallest]!
      items[smallest] = swap
      i = smallest
    }

    return top
  }
}
