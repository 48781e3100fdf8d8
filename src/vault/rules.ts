// GitLab Secrets Manager's rules for what a secret may look like, in one place.
import {usage} from '../errors.js'

export const NAME_PATTERN = /^[A-Za-z0-9_]{1,255}$/
export const MAX_DESCRIPTION_CHARS = 200
export const MIN_ROTATION_DAYS = 7
export const DEFAULT_MAX_VALUE_BYTES = 10_000
/** GitLab's environment scope alphabet: letters, digits, `-_/${}. ` and the `*` wildcard. */
const ENVIRONMENT_PATTERN = /^[A-Za-z0-9\-_/${}. *]{1,255}$/
export const PROVIDERS = ['gitlab_secrets_manager', 'vault', 'aws_secrets_manager', 'gcp_secret_manager', 'azure_key_vault'] as const

export function checkName(name: string): string {
  if (!NAME_PATTERN.test(name)) {
    throw usage(
      name.length > 255 ? 'invalid secret name: longer than 255 characters' : `invalid secret name: ${JSON.stringify(name)}`,
      'names use only letters, digits and underscores (A-Z, a-z, 0-9, _), 1 to 255 of them',
    )
  }

  return name
}

export function checkDescription(description: string | undefined): string | undefined {
  if (description === undefined) return undefined
  const length = [...description].length
  if (length > MAX_DESCRIPTION_CHARS) {
    throw usage(`description is too long: ${length} characters, at most ${MAX_DESCRIPTION_CHARS}`)
  }

  if (/[\u0000-\u001f\u007f]/.test(description)) throw usage('description must be one line without control characters')
  return description
}

export function checkRotationDays(days: number | undefined): number | undefined {
  if (days === undefined) return undefined
  if (!Number.isInteger(days) || days < MIN_ROTATION_DAYS) {
    throw usage(`rotation reminder must be a whole number of days, at least ${MIN_ROTATION_DAYS}: ${days}`)
  }

  if (days > 36_500) throw usage(`rotation reminder is too far away: ${days} days`)
  return days
}

export function checkEnvironmentScope(scope: string): string {
  if (!ENVIRONMENT_PATTERN.test(scope) || scope.trim() !== scope) {
    throw usage(
      `invalid environment scope: ${JSON.stringify(scope)}`,
      'use letters, digits, spaces and - _ / $ { } . with * as a wildcard (e.g. production, review/*)',
    )
  }

  return scope
}

/** Branch scopes follow git's ref-name rules, plus `*` as the wildcard. */
export function checkBranchScope(scope: string): string {
  const bad =
    scope === '' ||
    scope.length > 255 ||
    /[\u0000-\u0020\u007f~^:?[\\]/.test(scope) ||
    scope.includes('..') ||
    scope.includes('@{') ||
    scope.startsWith('/') ||
    scope.endsWith('/') ||
    scope.endsWith('.lock')
  if (bad) {
    throw usage(`invalid branch scope: ${JSON.stringify(scope)}`, 'use a branch name (main, release/1.2) or a pattern with * (release/*)')
  }

  return scope
}

export function checkValue(value: Uint8Array, maxBytes: number): Uint8Array {
  if (value.length === 0) throw usage('the value is empty', 'pipe the value on stdin or type it at the prompt')
  if (value.length > maxBytes) throw usage(`the value is too large: ${value.length} bytes, at most ${maxBytes}`)
  return value
}

export interface ProviderRef {
  provider: (typeof PROVIDERS)[number]
  reference: string
}

/** `--ref PROVIDER:REFERENCE`, e.g. `vault:production/db/password@ops`. */
export function parseRef(text: string): ProviderRef {
  const colon = text.indexOf(':')
  const provider = text.slice(0, colon)
  const reference = text.slice(colon + 1)
  if (colon <= 0 || reference === '' || !(PROVIDERS as readonly string[]).includes(provider)) {
    throw usage(`invalid --ref: ${JSON.stringify(text)}`, `use PROVIDER:REFERENCE with a provider of ${PROVIDERS.join(', ')}`)
  }

  return {provider: provider as ProviderRef['provider'], reference}
}
