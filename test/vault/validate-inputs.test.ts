// The inputs of access rules (who a rule names, what it grants), provider references, and the
// fields read back from a vault. What passes comes back as written; what fails is a USAGE error.
import {describe, expect, it} from 'vitest'

import {SecretsError} from '../../src/errors.js'
import {checkRotationDays, isBranchScope, isDescription, isEnvironmentScope, isName, isPrincipal, isRef, isRotationDays, isVariableName, parseActions, parsePrincipal} from '../../src/vault/validate.js'

function refusal(fn: () => unknown): SecretsError {
  try {
    fn()
  } catch (error) {
    expect(error).toBeInstanceOf(SecretsError)
    expect((error as SecretsError).code).toBe('USAGE')
    return error as SecretsError
  }

  throw new Error('expected a USAGE error, but the input was accepted')
}

describe('principals', () => {
  it.each([
    ['user:bob', 'user', 'bob'],
    ['machine:ci-runner.1', 'machine', 'ci-runner.1'],
    ['group:ops', 'group', 'ops'],
    ['role:developer', 'role', 'developer'],
    ['user:alice@example.com', 'user', 'alice@example.com'],
    ['user:' + 'a'.repeat(128), 'user', 'a'.repeat(128)],
  ])('%s is read as a %s named %s', (text, kind, name) => {
    expect(parsePrincipal(text)).toEqual({kind, name, text})
    expect(isPrincipal(text)).toBe(true)
  })

  it.each([
    'bob',
    'user:',
    'admin:bob',
    'User:bob',
    ' user:bob',
    'user:bob\n',
    'user:-bob',
    'user:bo b',
    'user:bob/x',
    'user:' + 'a'.repeat(129),
  ])('%j is refused', (text) => {
    expect(refusal(() => parsePrincipal(text)).message).toBe(`invalid principal: ${JSON.stringify(text)}`)
    expect(isPrincipal(text)).toBe(false)
  })

  it('refuses a role that does not exist, naming it', () => {
    const error = refusal(() => parsePrincipal('role:admin'))
    expect(error.message).toBe('unknown role: admin')
    expect(error.hint).toBe('roles: owner, maintainer, developer, reporter')
    expect(isPrincipal('role:admin')).toBe(false)
  })

  it('accepts only the kinds asked for', () => {
    expect(isPrincipal('user:bob', ['user', 'machine'])).toBe(true)
    expect(isPrincipal('group:ops', ['user', 'machine'])).toBe(false)
    expect(isPrincipal('role:owner', ['user'])).toBe(false)
    expect(isPrincipal(42)).toBe(false)
    expect(isPrincipal(undefined)).toBe(false)
  })
})

describe('actions', () => {
  it('reads a comma-separated list, spaces and duplicates dropped, in the order written', () => {
    expect(parseActions('read')).toEqual(['read'])
    expect(parseActions('update, read ,create,delete')).toEqual(['update', 'read', 'create', 'delete'])
    expect(parseActions('read,read,,create,')).toEqual(['read', 'create'])
  })

  it.each(['', ' , ', 'write', 'read,write', 'READ', 'read;create'])('refuses %j', (text) => {
    const error = refusal(() => parseActions(text))
    expect(error.message).toBe(`invalid --scopes: ${JSON.stringify(text)}`)
    expect(error.hint).toBe('a comma-separated list of read, create, update, delete')
  })
})

describe('provider references', () => {
  it.each(['vault:production/db/password@ops', 'aws_secrets_manager:db#pw', 'gcp_secret_manager:x'])('%s is a reference', (text) => {
    expect(isRef(text)).toBe(true)
  })

  it.each(['vault:', ':x', 'vault', 'hashicorp:x', 'vault:a\u001bb', 42])('%j is not', (text) => {
    expect(isRef(text)).toBe(false)
  })
})

// The predicates that check values read back from a vault written by someone else.
describe('stored fields', () => {
  it('names: letters, digits and _, 1 to 255 of them; variables do not start with a digit', () => {
    expect(['DB_PASSWORD', '1A', 'a'.repeat(255)].map(isName)).toEqual([true, true, true])
    expect(['', 'a'.repeat(256), 'DB-PASSWORD', 'DB PASSWORD', 42, null].map(isName)).toEqual([false, false, false, false, false, false])
    expect(['DB_PASSWORD', '_A', 'a'.repeat(255)].map(isVariableName)).toEqual([true, true, true])
    expect(['1A', '', 'a'.repeat(256), 'A-B', 42].map(isVariableName)).toEqual([false, false, false, false, false])
  })

  it('rotation reminders: whole days from 7 to 36500', () => {
    expect([7, 30, 36_500].map(isRotationDays)).toEqual([true, true, true])
    expect([6, 36_501, 7.5, '30', Number.NaN, null].map(isRotationDays)).toEqual([false, false, false, false, false, false])
    expect(checkRotationDays(36_500)).toBe(36_500)
    expect(refusal(() => checkRotationDays(36_501)).message).toContain('36501 days')
  })

  it('descriptions: at most 200 characters, counted as characters, nothing unprintable', () => {
    expect(isDescription('é'.repeat(200))).toBe(true)
    expect(isDescription('😀'.repeat(200))).toBe(true)
    expect(isDescription('😀'.repeat(201))).toBe(false)
    expect(isDescription('line\nbreak')).toBe(false)
    expect(isDescription(42)).toBe(false)
  })

  it('are false for a list holding a valid value: JSON read back is not trusted to be a string', () => {
    expect(isName(['DB_PASSWORD'])).toBe(false)
    expect(isVariableName(['DB_PASSWORD'])).toBe(false)
    expect(isBranchScope(['main'])).toBe(false)
    expect(isEnvironmentScope(['production'])).toBe(false)
    expect(isPrincipal(['user:bob'])).toBe(false)
    expect(isRef(['vault:a/b'])).toBe(false)
  })

  it('scopes: strings only; a branch of at most 255 characters', () => {
    expect(isBranchScope('a'.repeat(255))).toBe(true)
    expect(isBranchScope('a'.repeat(256))).toBe(false)
    expect(isBranchScope(42)).toBe(false)
    expect(isEnvironmentScope(42)).toBe(false)
    expect(isEnvironmentScope(['production'])).toBe(false)
  })
})
