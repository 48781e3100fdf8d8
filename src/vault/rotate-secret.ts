import {usage} from '../errors.js'
import type {SecretRow} from './records.js'
import {checkValue} from './rules.js'
import {writeVersion} from './add-secret.js'
import {stampAfter, versionsOf} from './secret-rows.js'
import {type SecretSummary, summarize} from './secret-summary.js'
import type {Session} from './session.js'
import {describeSecret} from './vault.js'

/**
 * A new version of a secret: the reminder restarts from it; older versions stay encrypted in
 * the vault. The value is asked for only after the right to update is checked.
 */
export async function rotateSecret(
  session: Session,
  secret: SecretRow,
  readValue: () => Promise<Uint8Array>,
  options: {now: Date; maxValueBytes: number},
): Promise<SecretSummary> {
  const {vault} = session
  session.require('update', secret)
  vault.verifySecret(secret)
  const value = checkValue(await readValue(), options.maxValueBytes)
  return vault.write(() => {
    const versions = versionsOf(vault, secret.id)
    const version = writeVersion(session, secret, value, stampAfter(options.now, versions.at(-1)?.created_at))
    return summarize(vault, secret, options.now, [...versions, version])
  })
}

export const DEFAULT_GENERATED_LENGTH = 32

export function checkGeneratedLength(length: number): number {
  if (!Number.isInteger(length) || length < 8 || length > 4096) {
    throw usage(`--length must be a whole number from 8 to 4096: ${length}`)
  }

  return length
}
