import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {identityTexts, inheritedEnvironment} from '../../src/run/child-environment.js'

let root: string
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'child-env-'))
})
afterEach(() => rmSync(root, {recursive: true, force: true}))

describe('inheritedEnvironment', () => {
  it('drops SECRETS_IDENTITY and SECRETS_IDENTITY_FILE, in any case, and keeps the rest', () => {
    const env = {
      SECRETS_IDENTITY: 'SECRETS-IDENTITY-1AAAA', SECRETS_IDENTITY_FILE: '/f', secrets_identity: 'x', Secrets_Identity_File: 'y',
      SECRETS_VAULT: '/v', SECRETS_KEYCHAIN: 'off', HOME: '/home/a', UNSET: undefined,
    }
    expect(inheritedEnvironment(env)).toEqual({SECRETS_VAULT: '/v', SECRETS_KEYCHAIN: 'off', HOME: '/home/a'})
  })
})

describe('identityTexts', () => {
  it('collects the identity from the environment, the named file and the fallback file, to mask them', () => {
    const named = join(root, 'named')
    writeFileSync(named, '# my identity\n\n  SECRETS-IDENTITY-1NAMED  \n')
    mkdirSync(join(root, 'config', 'secrets'), {recursive: true})
    writeFileSync(join(root, 'config', 'secrets', 'identity'), 'SECRETS-IDENTITY-1FALLBACK\n')
    const env = {SECRETS_IDENTITY: ' SECRETS-IDENTITY-1ENV\n', SECRETS_IDENTITY_FILE: named, XDG_CONFIG_HOME: join(root, 'config'), HOME: root}
    expect(identityTexts(env)).toEqual(['SECRETS-IDENTITY-1ENV', 'SECRETS-IDENTITY-1NAMED', 'SECRETS-IDENTITY-1FALLBACK'])
  })

  it('skips what is missing or unreadable', () => {
    expect(identityTexts({SECRETS_IDENTITY_FILE: join(root, 'absent'), XDG_CONFIG_HOME: join(root, 'none'), HOME: root})).toEqual([])
  })
})
