import {describe, expect, it} from 'vitest'
import {type Field, canonicalEncode} from '../../src/crypto/canonical.js'

const enc = (fields: Field[], label = 'secrets/v1/test') => Buffer.from(canonicalEncode(label, fields)).toString('hex')

describe('canonical encoding is unambiguous', () => {
  it('distinguishes ["ab","c"] from ["a","bc"]', () => {
    expect(enc(['ab', 'c'])).not.toBe(enc(['a', 'bc']))
  })

  it('distinguishes "1" from 1', () => {
    expect(enc(['1'])).not.toBe(enc([1]))
  })

  it('distinguishes null from ""', () => {
    expect(enc([null])).not.toBe(enc(['']))
  })

  it('distinguishes a string from the same bytes', () => {
    expect(enc(['ab'])).not.toBe(enc([Uint8Array.of(0x61, 0x62)]))
  })

  it('distinguishes true from 1 and false from 0', () => {
    expect(enc([true])).not.toBe(enc([1]))
    expect(enc([false])).not.toBe(enc([0]))
  })

  it('distinguishes no fields from one empty field', () => {
    expect(enc([])).not.toBe(enc(['']))
  })

  it('distinguishes the label from a field', () => {
    expect(enc(['b'], 'a')).not.toBe(enc([], 'ab'))
    expect(enc(['x'], 'secrets/v1/a')).not.toBe(enc(['x'], 'secrets/v1/b'))
  })

  it('gives equal bytes for equal inputs, including -0 and 0', () => {
    expect(enc(['a', 1, null])).toBe(enc(['a', 1, null]))
    expect(enc([-0])).toBe(enc([0]))
  })
})

describe('canonical encoding refuses what it cannot encode injectively', () => {
  it.each([
    ['a float', 1.5],
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['an unsafe integer', 2 ** 53],
  ])('%s', (_, value) => {
    expect(() => canonicalEncode('l', [value])).toThrow(/not a safe integer/)
  })

  it('a lone surrogate', () => {
    expect(() => canonicalEncode('l', ['\ud800'])).toThrow(/well-formed/)
    expect(() => canonicalEncode('l', ['a\udc00'])).toThrow(/well-formed/)
    expect(() => canonicalEncode('l', ['😀'])).not.toThrow()
  })

  it('an empty label', () => {
    expect(() => canonicalEncode('', [])).toThrow(/label/)
  })

  it('an unsupported type', () => {
    expect(() => canonicalEncode('l', [{} as unknown as Field])).toThrow(/unsupported/)
    expect(() => canonicalEncode('l', [undefined as unknown as Field])).toThrow(/unsupported/)
  })
})
