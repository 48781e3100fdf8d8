// What input may look like, in one place: GitLab Secrets Manager's rules for names, scopes,
// descriptions and reminders, and the grammar of principals, actions and provider references.
// The CLI refuses bad input with these (`check…` throw USAGE errors); the history model uses
// the same grammar (`is…`) to ignore an operation whose fields no client of ours could write.
import {usage} from '../errors.js'

export const NAME_PATTERN = /^[A-Za-z0-9_]{1,255}$/
/**
 * What an injected environment variable may be called (a --variable secret, a job's `secrets:`
 * key): GitLab's rule, and what every shell accepts. A leading digit, `.`, `/` or `=` would make
 * a name no shell can read, or a file name outside the run's directory.
 */
export const VARIABLE_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]{0,254}$/
export const MAX_DESCRIPTION_CHARS = 200
export const MIN_ROTATION_DAYS = 7
export const MAX_ROTATION_DAYS = 36_500
export const DEFAULT_MAX_VALUE_BYTES = 10_000
/** GitLab's environment scope alphabet: letters, digits, `-_/${}. ` and the `*` wildcard. */
const ENVIRONMENT_PATTERN = /^[A-Za-z0-9\-_/${}. *]{1,255}$/

/** GitLab's CI secret providers, as `--ref PROVIDER:REFERENCE` names them. */
export const PROVIDERS = ['gitlab_secrets_manager', 'vault', 'aws_secrets_manager', 'gcp_secret_manager', 'azure_key_vault'] as const

export type Role = 'owner' | 'maintainer' | 'developer' | 'reporter'
export const ROLES: readonly Role[] = ['owner', 'maintainer', 'developer', 'reporter']

export type Action = 'read' | 'create' | 'update' | 'delete'
export const ACTIONS: readonly Action[] = ['read', 'create', 'update', 'delete']

/**
 * Characters that change what a terminal shows (C0 and C1 controls, DEL, bidirectional
 * overrides): never in text the vault prints for people, since anyone with push access writes it.
 */
export const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/

export const isName = (name: unknown): name is string => typeof name === 'string' && NAME_PATTERN.test(name)
export const isVariableName = (name: unknown): name is string => typeof name === 'string' && VARIABLE_NAME_PATTERN.test(name)

/**
 * `**` matches what `*` matches but would count as more specific (more characters), so a new
 * secret in scope `**` would quietly win over the `*` one in every run: a run of wildcards is
 * refused, in environment and branch scopes alike.
 */
const WILDCARD_RUN = '**'

export function isEnvironmentScope(scope: unknown): scope is string {
  return typeof scope === 'string' && ENVIRONMENT_PATTERN.test(scope) && scope.trim() === scope && !scope.includes(WILDCARD_RUN)
}

/** Branch scopes follow git's ref-name rules, plus `*` as the wildcard. */
export function isBranchScope(scope: unknown): scope is string {
  return (
    typeof scope === 'string' &&
    scope !== '' &&
    scope.length <= 255 &&
    !/[\u0000-\u0020\u007f~^:?[\\]/.test(scope) &&
    !UNPRINTABLE.test(scope) &&
    !scope.includes('..') &&
    !scope.includes('@{') &&
    !scope.startsWith('/') &&
    !scope.endsWith('/') &&
    !scope.endsWith('.lock') &&
    !scope.includes(WILDCARD_RUN)
  )
}

export function isDescription(description: unknown): description is string {
  return typeof description === 'string' && [...description].length <= MAX_DESCRIPTION_CHARS && !UNPRINTABLE.test(description)
}

export function isRotationDays(days: unknown): days is number {
  return typeof days === 'number' && Number.isInteger(days) && days >= MIN_ROTATION_DAYS && days <= MAX_ROTATION_DAYS
}

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

  if (!isDescription(description)) throw usage('description must be one line without control or direction-changing characters')
  return description
}

export function checkRotationDays(days: number | undefined): number | undefined {
  if (days === undefined) return undefined
  if (!Number.isInteger(days) || days < MIN_ROTATION_DAYS) {
    throw usage(`rotation reminder must be a whole number of days, at least ${MIN_ROTATION_DAYS}: ${days}`)
  }

  if (days > MAX_ROTATION_DAYS) throw usage(`rotation reminder is too far away: ${days} days`)
  return days
}

export function checkEnvironmentScope(scope: string): string {
  if (!isEnvironmentScope(scope)) {
    throw usage(
      `invalid environment scope: ${JSON.stringify(scope)}`,
      'use letters, digits, spaces and - _ / $ { } . with * as a wildcard, one at a time (e.g. production, review/*)',
    )
  }

  return scope
}

export function checkBranchScope(scope: string): string {
  if (!isBranchScope(scope)) {
    throw usage(`invalid branch scope: ${JSON.stringify(scope)}`, 'use a branch name (main, release/1.2) or a pattern with one * at a time (release/*)')
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

export function isRef(text: unknown): text is string {
  if (typeof text !== 'string') return false
  const colon = text.indexOf(':')
  return colon > 0 && colon < text.length - 1 && (PROVIDERS as readonly string[]).includes(text.slice(0, colon)) && !UNPRINTABLE.test(text)
}

/** `--ref PROVIDER:REFERENCE`, e.g. `vault:production/db/password@ops`. */
export function parseRef(text: string): ProviderRef {
  if (!isRef(text)) {
    throw usage(`invalid --ref: ${JSON.stringify(text)}`, `use PROVIDER:REFERENCE with a provider of ${PROVIDERS.join(', ')}`)
  }

  const colon = text.indexOf(':')
  return {provider: text.slice(0, colon) as ProviderRef['provider'], reference: text.slice(colon + 1)}
}

export interface Principal {
  kind: 'user' | 'machine' | 'group' | 'role'
  name: string
  /** As stored in rules: `user:bob`, `group:ops`, `role:developer`. */
  text: string
}

const PRINCIPAL_NAME = /^[A-Za-z0-9][A-Za-z0-9._@+-]{0,127}$/
const PRINCIPAL = /^(user|machine|group|role):(.+)$/

export function isPrincipal(text: unknown, kinds: readonly Principal['kind'][] = ['user', 'machine', 'group', 'role']): text is string {
  if (typeof text !== 'string') return false
  const match = PRINCIPAL.exec(text)
  if (!match || !PRINCIPAL_NAME.test(match[2]!) || !kinds.includes(match[1] as Principal['kind'])) return false
  return match[1] !== 'role' || (ROLES as readonly string[]).includes(match[2]!)
}

export function parsePrincipal(text: string): Principal {
  const match = PRINCIPAL.exec(text)
  if (!match || !PRINCIPAL_NAME.test(match[2]!)) {
    throw usage(`invalid principal: ${JSON.stringify(text)}`, 'use user:NAME, machine:NAME, group:NAME or role:ROLE')
  }

  const kind = match[1] as Principal['kind']
  if (kind === 'role' && !(ROLES as readonly string[]).includes(match[2]!)) throw usage(`unknown role: ${match[2]}`, `roles: ${ROLES.join(', ')}`)
  return {kind, name: match[2]!, text}
}

export function parseActions(text: string): Action[] {
  const actions = text.split(',').map((a) => a.trim()).filter(Boolean)
  const unknown = actions.filter((a) => !(ACTIONS as readonly string[]).includes(a))
  if (unknown.length > 0 || actions.length === 0) {
    throw usage(`invalid --scopes: ${JSON.stringify(text)}`, `a comma-separated list of ${ACTIONS.join(', ')}`)
  }

  return [...new Set(actions as Action[])]
}
