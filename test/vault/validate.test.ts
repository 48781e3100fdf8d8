// GitLab's rules for secrets, one case per test: what passes comes back unchanged, what fails
// is a USAGE error whose message names the problem.
import {describe, expect, it} from 'vitest'

import {SecretsError} from '../../src/errors.js'
import {
  checkBranchScope,
  checkDescription,
  checkEnvironmentScope,
  checkName,
  checkRotationDays,
  checkValue,
  parseRef,
} from '../../src/vault/validate.js'

function refusal(fn: () => unknown): SecretsError {
  try {
    fn()
  } catch (error) {
    expect(error).toBeInstanceOf(SecretsError)
    return error as SecretsError
  }

  throw new Error('expected a USAGE error, but the input was accepted')
}

const bytes = (length: number) => new Uint8Array(length).fill(0x61)

describe('checkName', () => {
  it.each([
    ['A', 'A'],
    ['a_1', 'a_1'],
    ['DB_PASSWORD', 'DB_PASSWORD'],
    ['255 characters', 'N'.repeat(255)],
  ])('accepts %s', (_label, name) => {
    expect(checkName(name)).toBe(name)
  })

  it.each([
    ['empty', '', /invalid secret name: ""/],
    ['a hyphen', '-', /invalid secret name: "-"/],
    ['a space', 'A B', /invalid secret name: "A B"/],
    ['a non-ASCII letter', 'é', /invalid secret name: "é"/],
    ['a trailing newline', 'NAME\n', /invalid secret name/],
    ['256 characters', 'N'.repeat(256), /longer than 255 characters/],
  ])('refuses %s', (_label, name, message) => {
    const error = refusal(() => checkName(name))
    expect(error.code).toBe('USAGE')
    expect(error.message).toMatch(message)
    expect(error.hint).toMatch(/letters, digits and underscores/)
  })
})

describe('checkDescription', () => {
  it.each([
    ['no description', undefined],
    ['200 characters', 'd'.repeat(200)],
    ['200 emoji (counted in characters, not UTF-16 units or bytes)', '🔑'.repeat(200)],
    ['200 accented characters', 'é'.repeat(200)],
  ])('accepts %s', (_label, description) => {
    expect(checkDescription(description)).toBe(description)
  })

  it.each([
    ['201 characters', 'd'.repeat(201), /too long: 201 characters, at most 200/],
    ['201 emoji', '🔑'.repeat(201), /too long: 201 characters, at most 200/],
    ['a newline', 'first line\nsecond line', /one line/],
    ['a carriage return', 'first\rsecond', /one line/],
    ['a tab', 'a\tb', /control or direction-changing characters/],
    ['a C1 control (CSI)', 'a\u009bb', /control or direction-changing characters/],
    ['a right-to-left override', 'invoice\u202egnp.exe', /control or direction-changing characters/],
  ])('refuses %s', (_label, description, message) => {
    const error = refusal(() => checkDescription(description))
    expect(error.code).toBe('USAGE')
    expect(error.message).toMatch(message)
  })
})

describe('checkRotationDays', () => {
  it.each([[undefined], [7], [30], [365]])('accepts %s', (days) => {
    expect(checkRotationDays(days)).toBe(days)
  })

  it.each([
    [6, /at least 7: 6/],
    [0, /at least 7: 0/],
    [-1, /at least 7: -1/],
    [1.5, /whole number of days.*: 1\.5/],
    [Number.NaN, /whole number of days/],
  ])('refuses %s', (days, message) => {
    const error = refusal(() => checkRotationDays(days))
    expect(error.code).toBe('USAGE')
    expect(error.message).toMatch(/rotation reminder/)
    expect(error.message).toMatch(message)
  })
})

describe('checkEnvironmentScope', () => {
  it.each([['*'], ['production'], ['review/*'], ['review/$CI_COMMIT_REF_SLUG'], ['${X}.y'], ['staging eu-1']])('accepts %s', (scope) => {
    expect(checkEnvironmentScope(scope)).toBe(scope)
  })

  it.each([
    ['a semicolon', 'prod;rm'],
    ['a pipe', 'a|b'],
    ['empty', ''],
    ['a leading space', ' production'],
    ['a trailing space', 'production '],
    ['a newline', 'production\n'],
    ['a quote', 'prod"uction'],
    ['256 characters', 'e'.repeat(256)],
  ])('refuses %s', (_label, scope) => {
    const error = refusal(() => checkEnvironmentScope(scope))
    expect(error.code).toBe('USAGE')
    expect(error.message).toBe(`invalid environment scope: ${JSON.stringify(scope)}`)
  })
})

describe('checkBranchScope', () => {
  it.each([['main'], ['release/*'], ['feature/x-1'], ['*'], ['v1.2.3']])('accepts %s', (scope) => {
    expect(checkBranchScope(scope)).toBe(scope)
  })

  it.each([
    ['two dots', 'a..b'],
    ['a space', 'a b'],
    ['a .lock suffix', 'x.lock'],
    ['a leading slash', '/x'],
    ['a trailing slash', 'x/'],
    ['a tilde', 'a~b'],
    ['a caret', 'a^b'],
    ['a colon', 'a:b'],
    ['a question mark', 'a?b'],
    ['an open bracket', 'a[b'],
    ['a backslash', 'a\\b'],
    ['@{', 'a@{b'],
    ['a control character', 'a\u0001b'],
    ['empty', ''],
    ['256 characters', 'b'.repeat(256)],
  ])('refuses %s', (_label, scope) => {
    const error = refusal(() => checkBranchScope(scope))
    expect(error.code).toBe('USAGE')
    expect(error.message).toBe(`invalid branch scope: ${JSON.stringify(scope)}`)
  })
})

describe('checkValue', () => {
  it.each([
    ['1 byte', 1, 10_000],
    ['10,000 bytes with a maximum of 10,000', 10_000, 10_000],
    ['100 bytes with a maximum of 100', 100, 100],
  ])('accepts %s', (_label, length, max) => {
    const value = bytes(length)
    expect(checkValue(value, max)).toBe(value)
  })

  it.each([
    ['10,001 bytes with a maximum of 10,000', 10_001, 10_000, /too large: 10001 bytes, at most 10000/],
    ['101 bytes with a maximum of 100', 101, 100, /too large: 101 bytes, at most 100/],
    ['an empty value', 0, 10_000, /empty/],
  ])('refuses %s', (_label, length, max, message) => {
    const error = refusal(() => checkValue(bytes(length), max))
    expect(error.code).toBe('USAGE')
    expect(error.message).toMatch(message)
  })

  it('counts bytes, not characters', () => {
    // 5,000 two-byte characters are 10,000 bytes: at the limit; one more byte is over it.
    const atLimit = new TextEncoder().encode('é'.repeat(5_000))
    expect(checkValue(atLimit, 10_000)).toBe(atLimit)
    const over = new TextEncoder().encode(`${'é'.repeat(5_000)}x`)
    expect(refusal(() => checkValue(over, 10_000)).message).toMatch(/10001 bytes/)
  })
})

describe('parseRef', () => {
  it.each([
    ['vault:production/db/password@ops', 'vault', 'production/db/password@ops'],
    ['aws_secrets_manager:arn:aws:secretsmanager:eu-west-1:1:secret:db', 'aws_secrets_manager', 'arn:aws:secretsmanager:eu-west-1:1:secret:db'],
    ['gitlab_secrets_manager:DB_PASSWORD', 'gitlab_secrets_manager', 'DB_PASSWORD'],
  ])('reads %s', (text, provider, reference) => {
    expect(parseRef(text)).toEqual({provider, reference})
  })

  it.each([['nope:x'], ['vault:'], [':x'], ['vault'], ['']])('refuses %j', (text) => {
    const error = refusal(() => parseRef(text))
    expect(error.code).toBe('USAGE')
    expect(error.message).toBe(`invalid --ref: ${JSON.stringify(text)}`)
    expect(error.hint).toMatch(/PROVIDER:REFERENCE/)
  })
})
