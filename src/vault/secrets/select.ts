import {notFound, usage} from '../../errors.js'
import {mostSpecific} from '../../scope.js'
import type {History, SecretRecord} from '../access/history.js'

export interface Selector {
  name: string
  environment?: string
  branch?: string
}

/**
 * The secret `get` reads. With an environment or branch, resolve as `run` does (the most
 * specific matching scope; a missing environment matches only `*`); without either: the only
 * secret of that name, else its `*`/`*` one, else an error listing its scopes.
 */
export function resolveSecret(history: History, selector: Selector, defaultBranch: () => string): SecretRecord {
  const candidates = candidatesFor(history, selector.name)
  if (selector.environment === undefined && selector.branch === undefined) return onlyOrDefault(selector.name, candidates)

  const environment = selector.environment ?? ''
  const branch = selector.branch ?? defaultBranch()
  const found = mostSpecific(candidates, environment, branch)
  if (!found) {
    throw notFound(
      `secret not found: ${selector.name} (environment ${environment || '(none)'}, branch ${branch || '(none)'})`,
      `its scopes: ${scopeList(candidates)}`,
    )
  }

  return found
}

/** The secret `remove`, `rotate` and `list --history` mean: the flags name its exact scope patterns. */
export function selectExact(history: History, selector: Selector): SecretRecord {
  const candidates = candidatesFor(history, selector.name)
  if (selector.environment === undefined && selector.branch === undefined) return onlyOrDefault(selector.name, candidates)
  const found = candidates.find((s) => s.environment === (selector.environment ?? '*') && s.branch === (selector.branch ?? '*'))
  if (!found) {
    throw notFound(
      `secret not found: ${selector.name} (environment ${selector.environment ?? '*'}, branch ${selector.branch ?? '*'})`,
      `its scopes: ${scopeList(candidates)}`,
    )
  }

  return found
}

function candidatesFor(history: History, name: string): SecretRecord[] {
  const candidates = history.secretsNamed(name)
  if (candidates.length === 0) throw notFound(`secret not found: ${name}`, 'see `secrets list` for the names in this vault')
  return candidates
}

function onlyOrDefault(name: string, candidates: SecretRecord[]): SecretRecord {
  if (candidates.length === 1) return candidates[0]!
  const fallback = candidates.find((s) => s.environment === '*' && s.branch === '*')
  if (fallback) return fallback
  throw usage(`secret ${name} has several scopes; pick one with --environment and --branch`, `its scopes: ${scopeList(candidates)}`)
}

function scopeList(secrets: SecretRecord[]): string {
  return secrets.map((s) => `environment ${s.environment} branch ${s.branch}`).join('; ')
}
