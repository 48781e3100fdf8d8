// The masker's pattern index: a byte trie flattened into typed arrays.
//
// Finding the longest pattern at a position is a walk from the root that stops at the first
// byte no pattern continues with; on log text that is one or two steps, whatever the number of
// patterns. The worst case is a walk of the longest pattern's length per position, on text
// made of near-copies of a pattern; Aho–Corasick would bound that, at the price of tracking
// which matches the left-to-right scan skips, and logs are not adversarial to their own secrets.

/** More children than this get a table of their own. */
const WIDE = 4

export class MaskTrie {
  /** The child of the root for each first byte; 0 = none (the root is never a child). Read by the scan's skip loop. */
  readonly first: Int32Array
  /** Where a node with many children has its own row of 256 in `dense`, or -1. */
  private readonly row: Int32Array
  private readonly dense: Int32Array
  /** Node n's children are edges edgeStart[n] … edgeStart[n + 1] - 1. */
  private readonly edgeStart: Int32Array
  private readonly edgeByte: Uint8Array
  private readonly edgeTarget: Int32Array
  /** 1 where a pattern ends at the node. */
  private readonly ends: Uint8Array
  /**
   * 1 for each pair of bytes that begins a pattern, indexed by first << 8 | second; undefined
   * when a pattern is a single byte. Secrets are random text: nearly every letter begins one of
   * fifty, but few pairs do (50 of 3,844 for alphanumerics), so the scan skips on pairs.
   */
  readonly pairs: Uint8Array | undefined
  /**
   * Wu–Manber's skip on the shortest pattern's length `window` (m, at most 255): for the pair
   * of bytes ending a window of m bytes, how far the window may move on before a pattern can
   * start inside it. A pair that ends the j-th byte of some pattern (1 ≤ j < m) allows at most
   * m - 1 - j; any other pair, m - 1. Undefined when the shortest pattern is under 3 bytes
   * (it would never skip more than `pairs` does). Secrets are masked from 8 characters on and
   * tokens are longer, so on a log the scan reads about one pair in every m - 1 bytes.
   */
  readonly shift: Uint8Array | undefined
  readonly window: number

  private constructor(first: Int32Array, row: Int32Array, dense: Int32Array, edgeStart: Int32Array, edgeByte: Uint8Array, edgeTarget: Int32Array, ends: Uint8Array, pairs: Uint8Array | undefined, shift: Uint8Array | undefined, window: number) {
    this.pairs = pairs
    this.shift = shift
    this.window = window
    this.first = first
    this.row = row
    this.dense = dense
    this.edgeStart = edgeStart
    this.edgeByte = edgeByte
    this.edgeTarget = edgeTarget
    this.ends = ends
  }

  /** The index of these patterns, or undefined when there is nothing to mask. */
  static compile(patterns: readonly Uint8Array[]): MaskTrie | undefined {
    // Built with maps, then laid out flat: the scan touches a few small typed arrays instead
    // of chasing objects.
    const children: Map<number, number>[] = [new Map()]
    // Stryker disable next-line ArrayDeclaration: equivalent: pushed flags are all 0, and setting the first pattern's end flag brings the length back to one per node
    const ends: number[] = [0]
    for (const pattern of patterns) {
      // An empty pattern would match everywhere and hide nothing.
      if (pattern.length === 0) continue
      let node = 0
      for (const byte of pattern) {
        const map = children[node]!
        let next = map.get(byte)
        if (next === undefined) {
          next = children.length
          map.set(byte, next)
          children.push(new Map())
          ends.push(0)
        }

        node = next
      }

      ends[node] = 1
    }

    if (children.length === 1) return undefined

    const first = new Int32Array(256)
    for (const [byte, child] of children[0]!) first[byte] = child
    // Near the root, where hundreds of patterns fan out, a search among the children would cost
    // more than the table; deeper down, nodes have one child.
    const row = new Int32Array(children.length).fill(-1)
    // Stryker disable next-line ConditionalExpression,EqualityOperator,LogicalOperator: equivalent: which nodes get a table is a speed choice; next() finds the same child through a table or the edge list
    const wide = children.flatMap((map, node) => (node > 0 && map.size > WIDE ? [node] : []))
    const dense = new Int32Array(wide.length * 256)
    for (const [index, node] of wide.entries()) {
      row[node] = index * 256
      for (const [byte, child] of children[node]!) dense[index * 256 + byte] = child
    }

    const edgeStart = new Int32Array(children.length + 1)
    // Stryker disable next-line ArithmeticOperator: equivalent: spare slots are never read, next() stops at edgeStart[node + 1]
    const edgeByte = new Uint8Array(children.length - 1)
    // Stryker disable next-line ArithmeticOperator: equivalent: spare slots are never read, next() stops at edgeStart[node + 1]
    const edgeTarget = new Int32Array(children.length - 1)
    let edge = 0
    for (const [node, map] of children.entries()) {
      edgeStart[node] = edge
      if (node === 0) continue
      for (const [byte, child] of map) {
        edgeByte[edge] = byte
        edgeTarget[edge] = child
        edge++
      }
    }

    edgeStart[children.length] = edge
    const used = patterns.filter((p) => p.length > 0)
    let pairs: Uint8Array | undefined
    if (used.every((p) => p.length >= 2)) {
      pairs = new Uint8Array(65_536)
      for (const p of used) pairs[(p[0]! << 8) | p[1]!] = 1
    }

    const window = Math.min(255, ...used.map((p) => p.length))
    let shift: Uint8Array | undefined
    if (window >= 3) {
      shift = new Uint8Array(65_536).fill(window - 1)
      for (const p of used) {
        for (let j = 1; j < window; j++) {
          const pair = (p[j - 1]! << 8) | p[j]!
          shift[pair] = Math.min(shift[pair]!, window - 1 - j)
        }
      }
    }

    return new MaskTrie(first, row, dense, edgeStart, edgeByte, edgeTarget, Uint8Array.from(ends), pairs, shift, window)
  }

  /** The node for the one-byte prefix `byte`, or 0. */
  start(byte: number): number {
    return this.first[byte]!
  }

  /** The node for the prefix of `node` followed by `byte`, or 0. */
  next(node: number, byte: number): number {
    const row = this.row[node]!
    if (row >= 0) return this.dense[row + byte]!
    const end = this.edgeStart[node + 1]!
    for (let edge = this.edgeStart[node]!; edge < end; edge++) {
      if (this.edgeByte[edge] === byte) return this.edgeTarget[edge]!
    }

    return 0
  }

  /** Whether the prefix at `node` is a whole pattern. */
  isEnd(node: number): boolean {
    return this.ends[node] === 1
  }

  /** Whether the prefix at `node` is a proper prefix of some pattern. */
  continues(node: number): boolean {
    return this.edgeStart[node + 1]! > this.edgeStart[node]!
  }
}
