import {conflict} from '../../errors.js'
import {checkInjectableName} from '../../run/startup-variables.js'
import {describeScope, describeSecret, shadows} from '../../scope.js'
import type {VaultSession} from '../session.js'
import {
  type ProviderRef,
  checkBranchScope, checkDescription, checkEnvironmentScope, checkName, checkRotationDays, checkValue,
} from '../validate.js'
import {requireRight, requireVariableRight} from './rights.js'
import {type SecretSummary, summarize} from './summary.js'
import {type SecretMetadata, appendVersion} from './write-value.js'

export interface NewSecret {
  name: string
  environment: string
  branch: string
  description?: string
  rotationDays?: number
  variable: boolean
  file: boolean
  protected: boolean
  ref?: ProviderRef
}

/** Checks a new secret's metadata against GitLab's rules before anything is read or written. */
export function checkNewSecret(input: NewSecret): NewSecret {
  checkName(input.name)
  checkEnvironmentScope(input.environment)
  checkBranchScope(input.branch)
  checkDescription(input.description)
  checkRotationDays(input.rotationDays)
  // A --variable secret becomes an environment variable of every matching run under its name.
  if (input.variable) checkInjectableName(input.name, 'refusing --variable secret')
  return input
}

export function metadataOfInput(input: NewSecret): SecretMetadata {
  return {
    description: input.description ?? null,
    rotation_days: input.rotationDays ?? null,
    variable: input.variable === true,
    file: input.file === true,
    protected: input.protected === true,
    ref: input.ref ? `${input.ref.provider}:${input.ref.reference}` : null,
  }
}

/**
 * Adds a secret, in one transaction. The value is asked for only once everything else has been
 * checked, so nobody types a secret into a command that then fails.
 */
export async function addSecret(session: VaultSession, input: NewSecret, readValue: () => Promise<Uint8Array>, options: {maxValueBytes: number}): Promise<SecretSummary> {
  checkNewSecret(input)
  refuse(session, input)
  const value = checkValue(await readValue(), options.maxValueBytes)
  return session.write(() => {
    refuse(session, input)
    appendVersion(session, input, metadataOfInput(input), value)
    return summarize(session.history, session.history.secret(input)!, session.now)
  })
}

function refuse(session: VaultSession, input: NewSecret): void {
  if (session.history.secret(input)) {
    throw conflict(`secret already exists: ${describeSecret(input)}`, 'use `secrets rotate` to give it a new value, or another --environment/--branch')
  }

  requireRight(session, 'create', input)
  const shadowed = session.history.secretsNamed(input.name).find((s) => shadows(input, s))
  if (shadowed) requireRight(session, 'update', input, `runs there would get it instead of the one in ${describeScope(shadowed)}`)
  if (input.variable) requireVariableRight(session, 'add --variable secrets')
  if (input.ref) requireVariableRight(session, 'bind provider references (--ref)', 'a provider reference decides which secret a CI job gets')
}
