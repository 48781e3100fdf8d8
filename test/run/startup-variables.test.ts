import {describe, expect, it} from 'vitest'

import {SecretsError} from '../../src/errors.js'
import {STARTUP_VARIABLES, checkInjectableName, injectionProblem, startupVariableReason} from '../../src/run/startup-variables.js'
import {isVariableName} from '../../src/vault/validate.js'

describe('variable names', () => {
  it('takes GitLab names: a letter or _ first, then letters, digits and _', () => {
    for (const name of ['A', '_', 'DB_PASSWORD', 'a1', '_9', 'x'.repeat(255)]) expect(isVariableName(name), name).toBe(true)
    for (const name of ['', '1ABC', '../../repo/X', 'A-B', 'A.B', 'A B', 'A=B', 'A\0', 'Ä', 'x'.repeat(256), '__proto__ ']) {
      expect(isVariableName(name), name).toBe(false)
    }
  })
})

describe('variables that change how programs start', () => {
  it('refuses each listed name and every member of a listed family, in any case', () => {
    for (const name of ['BASH_ENV', 'ENV', 'PATH', 'LD_PRELOAD', 'LD_AUDIT', 'LD_LIBRARY_PATH', 'DYLD_INSERT_LIBRARIES', 'NODE_OPTIONS', 'PYTHONSTARTUP',
      'PYTHONPATH', 'PERL5OPT', 'RUBYOPT', 'JAVA_TOOL_OPTIONS', '_JAVA_OPTIONS', 'GIT_SSH_COMMAND', 'GIT_CONFIG_COUNT', 'GIT_EXEC_PATH',
      'SHELLOPTS', 'PS4', 'PROMPT_COMMAND', 'IFS', 'BASH_FUNC_ls%%', 'bash_env', 'Path', 'ld_preload']) {
      expect(startupVariableReason(name), name).toBeDefined()
    }
  })

  it('lets ordinary names through, including ones that merely share a start', () => {
    for (const name of ['DB_PASSWORD', 'API_TOKEN', 'KUBECONFIG', 'ENVIRONMENT', 'PATHS_FILE', 'HOMEPAGE', 'LDAP_PASSWORD', 'NODE_TOKEN', 'GITLAB_TOKEN', 'PS1_X', 'AWS_SECRET_ACCESS_KEY']) {
      expect(startupVariableReason(name), name).toBeUndefined()
      expect(injectionProblem(name), name).toBeUndefined()
    }
  })

  it('gives a reason for every entry, and names are upper case so the case-blind match sees them', () => {
    for (const entry of STARTUP_VARIABLES) {
      expect(entry.why.length).toBeGreaterThan(10)
      expect(entry.name).toBe(entry.name.toUpperCase())
    }
  })

  it('says which name and why, as a USAGE error, and quotes an invalid name instead of printing it raw', () => {
    let error: unknown
    try {
      checkInjectableName('BASH_ENV', 'refusing --variable secret')
    } catch (caught) {
      error = caught
    }

    expect(error).toBeInstanceOf(SecretsError)
    expect((error as SecretsError).code).toBe('USAGE')
    expect((error as SecretsError).message).toBe('refusing --variable secret: BASH_ENV changes how programs start: bash sources the file it names before any non-interactive script')
    expect(injectionProblem('../../repo/X')).toBe('"../../repo/X" is not a valid variable name (a letter or _ first, then letters, digits and _, as GitLab requires)')
    expect(injectionProblem('\u001b]52;c;AAAA\u0007')).not.toMatch(/[\u0000-\u001f]/)
    expect(injectionProblem('A'.repeat(300))).toContain('…')
  })
})
