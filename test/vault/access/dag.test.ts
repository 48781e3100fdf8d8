// The shape of the history: canonical order, ancestry, heads. Every replica must number the
// same operations the same way, and "before" must mean ancestry, so these are checked against
// a brute-force walk as well as on hand-made forks and merges.
import {beforeAll, describe, expect, it} from 'vitest'

import {loadSodium} from '../../../src/crypto/index.js'
import {Dag, type DagNode, MissingParentError, TooWideError} from '../../../src/vault/access/dag.js'
import {HistoryBuilder} from '../../helpers/history-builder.js'
import {prng, shuffle} from './support.js'

beforeAll(async () => {
  await loadSodium()
})

const node = (id: string, ...parents: string[]): DagNode => ({id, parents})

/** Every ancestor of each node by walking parents: the reference the chain clocks must match. */
function ancestorsByWalk(nodes: readonly DagNode[]): Map<string, Set<string>> {
  const byId = new Map(nodes.map((n) => [n.id, n]))
  const memo = new Map<string, Set<string>>()
  const walk = (id: string): Set<string> => {
    const known = memo.get(id)
    if (known) return known
    const out = new Set<string>()
    for (const p of byId.get(id)!.parents) {
      out.add(p)
      for (const a of walk(p)) out.add(a)
    }

    memo.set(id, out)
    return out
  }

  for (const n of nodes) walk(n.id)
  return memo
}

/** A random DAG: each node has 1–3 parents among earlier ones; ids random so order is not insertion order. */
function randomDag(random: () => number, size: number): DagNode[] {
  const nodes: DagNode[] = []
  const used = new Set<string>()
  for (let i = 0; i < size; i++) {
    let id: string
    do id = Math.floor(random() * 0xffffff).toString(16).padStart(6, '0')
    while (used.has(id))
    used.add(id)
    const parents = new Set<string>()
    if (i > 0) {
      const count = 1 + Math.floor(random() * Math.min(3, i))
      // Favour recent nodes so there are long chains as well as wide forks.
      for (let k = 0; k < count; k++) parents.add(nodes[Math.max(0, i - 1 - Math.floor(random() * random() * i))]!.id)
    }

    nodes.push({id, parents: [...parents]})
  }

  return nodes
}

function shape(dag: Dag) {
  return {ids: dag.ids, parents: dag.parents, heads: dag.heads}
}

describe('canonical order', () => {
  it('puts parents before children even when a child has the smaller id', () => {
    const dag = Dag.build([node('a', 'z'), node('z', 'm'), node('m')])
    expect(dag.ids).toEqual(['m', 'z', 'a'])
  })

  it('takes the smallest id first among operations free to go next', () => {
    // m, then b and z are both free (b first), then a (child of z) is free alongside nothing else.
    const dag = Dag.build([node('m'), node('z', 'm'), node('b', 'm'), node('a', 'z'), node('c', 'b')])
    expect(dag.ids).toEqual(['m', 'b', 'c', 'z', 'a'])
  })

  it('waits for every parent of a merge before placing it', () => {
    const dag = Dag.build([node('r'), node('x', 'r'), node('y', 'x'), node('b', 'r'), node('a', 'b', 'y')])
    expect(dag.ids).toEqual(['r', 'b', 'x', 'y', 'a'])
    expect(dag.parents[dag.indexOf.get('a')!]).toEqual(expect.arrayContaining([dag.indexOf.get('b'), dag.indexOf.get('y')]))
  })

  it('is the same for every input order of the same operations', () => {
    const nodes = [node('r'), node('q', 'r'), node('c', 'r'), node('k', 'q'), node('d', 'c', 'k'), node('b', 'c')]
    const expected = shape(Dag.build(nodes))
    const permutations = (items: DagNode[]): DagNode[][] =>
      items.length <= 1 ? [items] : items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]))
    for (const order of permutations(nodes)) expect(shape(Dag.build(order))).toEqual(expected)
  })

  it('is the same for shuffled random histories', () => {
    const random = prng(7)
    for (let round = 0; round < 20; round++) {
      const nodes = randomDag(random, 30)
      const expected = shape(Dag.build(nodes))
      for (let k = 0; k < 5; k++) expect(shape(Dag.build(shuffle(random, nodes)))).toEqual(expected)
    }
  })

  it('orders signed operations from a history builder the same whatever order they arrive in', () => {
    const h = new HistoryBuilder()
    h.addMember('alice', 'bob', {role: 'owner'})
    h.on('side')
    h.set('bob', 'A')
    h.on('main').set('alice', 'B')
    h.merge('side')
    h.set('alice', 'C')
    const ops = [...h.operations()]
    expect(Dag.build([...ops].reverse()).ids).toEqual(Dag.build(ops).ids)
  })

  it('counts a parent named twice once', () => {
    const dag = Dag.build([node('r'), node('x', 'r', 'r')])
    expect(dag.ids).toEqual(['r', 'x'])
    expect(dag.parents[1]).toEqual([0])
  })
})

describe('ancestry', () => {
  it('is strict and transitive along one line', () => {
    const dag = Dag.build([node('a'), node('b', 'a'), node('c', 'b'), node('d', 'c')])
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((id) => dag.indexOf.get(id)!) as [number, number, number, number]
    expect(dag.isAncestor(a, d)).toBe(true)
    expect(dag.isAncestor(b, c)).toBe(true)
    expect(dag.isAncestor(d, a)).toBe(false)
    expect(dag.isAncestor(c, c)).toBe(false)
    expect(dag.isAncestorOrSelf(c, c)).toBe(true)
    expect(dag.concurrent(a, d)).toBe(false)
  })

  it('keeps two forks of the same operation apart', () => {
    // r → x1 → x2 and r → y1 → y2: neither line is the other's ancestor.
    const dag = Dag.build([node('r'), node('x1', 'r'), node('x2', 'x1'), node('y1', 'r'), node('y2', 'y1')])
    const at = (id: string) => dag.indexOf.get(id)!
    for (const x of ['x1', 'x2']) {
      for (const y of ['y1', 'y2']) {
        expect(dag.isAncestor(at(x), at(y))).toBe(false)
        expect(dag.isAncestor(at(y), at(x))).toBe(false)
        expect(dag.concurrent(at(x), at(y))).toBe(true)
      }
    }

    expect(dag.isAncestor(at('r'), at('x2'))).toBe(true)
    expect(dag.isAncestor(at('r'), at('y2'))).toBe(true)
  })

  it('makes both lines ancestors of a merge and of what follows it', () => {
    const dag = Dag.build([node('r'), node('x1', 'r'), node('x2', 'x1'), node('y1', 'r'), node('m', 'x2', 'y1'), node('after', 'm')])
    const at = (id: string) => dag.indexOf.get(id)!
    for (const id of ['r', 'x1', 'x2', 'y1', 'm']) expect(dag.isAncestor(at(id), at('after'))).toBe(true)
    expect(dag.isAncestor(at('y1'), at('x2'))).toBe(false)
  })

  it('follows a fork from the middle of a line and a later merge back (several chains)', () => {
    // a → b → c is one chain; d forks from a (not the chain's tail), e merges c and d, f follows
    // d only: f must see a and d but not b or c.
    const dag = Dag.build([node('a'), node('b', 'a'), node('c', 'b'), node('d', 'a'), node('e', 'c', 'd'), node('f', 'd'), node('g', 'e', 'f')])
    const at = (id: string) => dag.indexOf.get(id)!
    expect(dag.isAncestor(at('a'), at('f'))).toBe(true)
    expect(dag.isAncestor(at('d'), at('f'))).toBe(true)
    expect(dag.isAncestor(at('b'), at('f'))).toBe(false)
    expect(dag.isAncestor(at('c'), at('f'))).toBe(false)
    expect(dag.isAncestor(at('b'), at('e'))).toBe(true)
    expect(dag.isAncestor(at('d'), at('e'))).toBe(true)
    expect(dag.isAncestor(at('f'), at('e'))).toBe(false)
    for (const id of ['a', 'b', 'c', 'd', 'e', 'f']) expect(dag.isAncestor(at(id), at('g'))).toBe(true)
  })

  it('matches a walk of the parents on random histories with many forks and merges', () => {
    const random = prng(42)
    for (let round = 0; round < 25; round++) {
      const nodes = randomDag(random, 40)
      const dag = Dag.build(nodes)
      const expected = ancestorsByWalk(nodes)
      for (let a = 0; a < dag.size; a++) {
        for (let b = 0; b < dag.size; b++) {
          const truth = expected.get(dag.ids[b]!)!.has(dag.ids[a]!)
          if (dag.isAncestor(a, b) !== truth) expect.fail(`round ${round}: isAncestor(${dag.ids[a]}, ${dag.ids[b]}) should be ${truth}`)
        }
      }
    }
  })

  it('keeps, of a set, only the operations no other member of it descends from', () => {
    const dag = Dag.build([node('r'), node('x', 'r'), node('y', 'r'), node('z', 'x')])
    const at = (id: string) => dag.indexOf.get(id)!
    expect(dag.maximal([at('r'), at('x'), at('y'), at('z')]).sort()).toEqual([at('y'), at('z')].sort())
  })
})

describe('heads', () => {
  it('is the single tip of a line', () => {
    const dag = Dag.build([node('a'), node('b', 'a'), node('c', 'b')])
    expect(dag.heads.map((i) => dag.ids[i])).toEqual(['c'])
  })

  it('is every tip of an unmerged fork, and only the merge once merged', () => {
    const forked = [node('r'), node('x', 'r'), node('y', 'r'), node('y2', 'y')]
    const dag = Dag.build(forked)
    expect(dag.heads.map((i) => dag.ids[i]).sort()).toEqual(['x', 'y2'])
    const merged = Dag.build([...forked, node('m', 'x', 'y2')])
    expect(merged.heads.map((i) => merged.ids[i])).toEqual(['m'])
  })

  it('matches the operations no other names as parent on random histories', () => {
    const random = prng(3)
    for (let round = 0; round < 20; round++) {
      const nodes = randomDag(random, 25)
      const named = new Set(nodes.flatMap((n) => n.parents))
      const dag = Dag.build(shuffle(random, nodes))
      expect(dag.heads.map((i) => dag.ids[i]).sort()).toEqual(nodes.map((n) => n.id).filter((id) => !named.has(id)).sort())
    }
  })
})

describe('missing parents', () => {
  it('throws MissingParentError naming the operation and the absent parent', () => {
    const build = () => Dag.build([node('a'), node('b', 'a'), node('c', 'b', 'gone')])
    expect(build).toThrow(MissingParentError)
    try {
      build()
    } catch (error) {
      expect(error).toMatchObject({name: 'MissingParentError', id: 'c', parent: 'gone'})
    }
  })

  it('throws when the only parent was deleted, whatever the order', () => {
    expect(() => Dag.build([node('b', 'a'), node('c', 'b')])).toThrow(MissingParentError)
  })
})

describe('width', () => {
  it('keeps ancestry small for a history forked thousands of times from one operation (a member making every reader slow)', () => {
    const nodes = [{id: 'g', parents: [] as string[]}]
    for (let i = 0; i < 5000; i++) nodes.push({id: `f${String(i).padStart(5, '0')}`, parents: ['g']})
    const dag = Dag.build(nodes)
    // One entry per fork (its parent's chain), not one per fork per chain so far.
    expect(dag.ancestryEntries).toBeLessThanOrEqual(5000)
    expect(dag.isAncestor(dag.indexOf.get('g')!, dag.indexOf.get('f04999')!)).toBe(true)
    expect(dag.concurrent(dag.indexOf.get('f00001')!, dag.indexOf.get('f04999')!)).toBe(true)
  })

  it('refuses, with a clear error, a history wider than the bound', () => {
    // A merge of many lines, forked again many times: every fork would carry the whole merge.
    const nodes = [{id: 'g', parents: [] as string[]}]
    const lines = Array.from({length: 200}, (_, i) => `l${String(i).padStart(3, '0')}`)
    for (const line of lines) nodes.push({id: line, parents: ['g']})
    nodes.push({id: 'm', parents: lines}, {id: 'n', parents: ['m']})
    for (let i = 0; i < 200; i++) nodes.push({id: `x${String(i).padStart(3, '0')}`, parents: ['m']})
    expect(() => Dag.build(nodes, {maxEntries: 10_000})).toThrow(TooWideError)
    expect(() => Dag.build(nodes, {maxEntries: 100_000})).not.toThrow()
  })
})
