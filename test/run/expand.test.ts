import {describe, expect, it} from 'vitest'

import {expand, expandFields} from '../../src/run/expand.js'

const vars = {A: 'alpha', B: 'b-$A', LOOP: '$LOOP', EMPTY: ''}

describe('expand', () => {
  it.each([
    ['$A', 'alpha'],
    ['${A}', 'alpha'],
    ['x/$A/y', 'x/alpha/y'],
    ['${A}_1', 'alpha_1'],
    ['$A_1', ''],
    ['$MISSING', ''],
    ['$$A', '$A'],
    ['$B', 'b-alpha'],
    ['$EMPTY.', '.'],
    ['no vars', 'no vars'],
    ['$', '$'],
    ['$1', '$1'],
  ])('%s → %s', (text, expected) => {
    expect(expand(text, vars)).toBe(expected)
  })

  it('stops on a self-referencing variable', () => {
    expect(expand('$LOOP', vars)).toBe('$LOOP')
  })

  it('expands every string field of a hash, nested', () => {
    expect(expandFields({provider: 'vault', engine: {name: 'kv-v2', path: '$A'}, path: 'p/${A}', n: 1}, vars)).toEqual({
      provider: 'vault', engine: {name: 'kv-v2', path: 'alpha'}, path: 'p/alpha', n: 1,
    })
  })
})
