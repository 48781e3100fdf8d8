import {usage} from '../../errors.js'
import type {SecretRecord} from '../access/history.js'
import type {VaultSession} from '../session.js'
import {checkValue} from '../validate.js'
import {requireRight, requireVariableRight} from './rights.js'
import {type Selector, selectExact} from './select.js'
import {type SecretSummary, summarize} from './summary.js'
import {appendVersion, metadataOf} from './write-value.js'

/**
 * A new version of a secret, with its metadata unchanged: the reminder restarts from it; older
 * versions stay encrypted in the history. The value is asked for only after the right to
 * update is checked.
 */
export async function rotateSecret(session: VaultSession, selector: Selector, readValue: () => Promise<Uint8Array>, options: {maxValueBytes: number}): Promise<SecretSummary> {
  refuse(session, selectExact(session.history, selector))
  const value = checkValue(await readValue(), options.maxValueBytes)
  return session.write(() => {
    const secret = selectExact(session.history, selector)
    refuse(session, secret)
    appendVersion(session, secret, metadataOf(session.history.version(secret.current).data), value)
    return summarize(session.history, session.history.secret(secret)!, session.now)
  })
}

function refuse(session: VaultSession, secret: SecretRecord): void {
  requireRight(session, 'update', secret)
  if (session.history.version(secret.current).data.variable) requireVariableRight(session, 'change --variable secrets')
}

export const DEFAULT_GENERATED_LENGTH = 32

export function checkGeneratedLength(length: number): number {
  if (!Number.isInteger(length) || length < 8 || length > 4096) {
    throw usage(`--length must be a whole number from 8 to 4096: ${length}`)
  }

  return length
}
