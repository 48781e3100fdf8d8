import {describe, expect, it} from 'vitest'

import {requireInjectableNames, requireResolved} from '../../src/run/execute-run.js'
import type {RunPlan} from '../../src/run/plan-run.js'
import type {PlannedSecret} from '../../src/run/resolve-secrets.js'

const entry = (variable: string, provider = 'gitlab_secrets_manager'): PlannedSecret => ({
  variable, provider, reference: provider === 'variable' ? null : variable, secret: variable,
  scope: {environment: '*', branch: '*'}, file: true, resolved: true,
})

const plan = (secrets: PlannedSecret[], variables: PlannedSecret[] = []): RunPlan => ({
  job: 'deploy', environment: '', branch: 'main', protectedBranch: false, secrets, variables, environmentVariables: {},
})

describe('requireInjectableNames', () => {
  it('lets valid, ordinary names through', () => {
    expect(() => requireInjectableNames(plan([entry('DB_PASSWORD')], [entry('API_TOKEN', 'variable')]))).not.toThrow()
  })

  it("refuses a job's secrets: key that is no variable name, or a startup variable, naming the job", () => {
    expect(() => requireInjectableNames(plan([entry('OK'), entry('../../repo/X')]))).toThrow(
      'refusing to inject a secrets: entry of job deploy: "../../repo/X" is not a valid variable name',
    )
    expect(() => requireInjectableNames(plan([entry('LD_PRELOAD')]))).toThrow('refusing to inject a secrets: entry of job deploy: LD_PRELOAD changes how programs start')
  })

  it('refuses a stored --variable secret under a startup name, naming its scope', () => {
    expect(() => requireInjectableNames(plan([], [entry('BASH_ENV', 'variable')]))).toThrow(
      'refusing to inject a --variable secret (environment *, branch *): BASH_ENV changes how programs start',
    )
  })

  it('comes first in requireResolved: the name is refused even when the secret is missing', () => {
    const missing = {...entry('PATH'), secret: null, scope: null, resolved: false}
    expect(() => requireResolved(plan([missing]))).toThrow(/PATH changes how programs start/)
  })
})
