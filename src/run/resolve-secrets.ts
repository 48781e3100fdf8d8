// From a job's `secrets:` entries and the vault's metadata to a plan: which secret each
// variable gets, in which scope, as a file or not. Pure: no I/O, no values.
import {mostSpecific, scopeMatches} from '../scope.js'
import {canonicalReference} from '../ci/gitlab/secret-reference.js'
import type {SecretEntry} from '../ci/gitlab/types.js'
import type {SecretSummary} from '../vault/secrets/summary.js'
import {expandFields} from './expand.js'

export interface RunScope {
  /** '' when the job has no environment: then only `*` scopes match, as in GitLab. */
  environment: string
  branch: string
  /** Protected secrets resolve only on protected branches. */
  protectedBranch: boolean
}

export interface PlannedSecret {
  variable: string
  /** The job's provider, or `variable` for a secret added with --variable. */
  provider: string
  /** What the job asked the provider for, after $VAR expansion; null for --variable secrets. */
  reference: string | null
  /** The vault secret it resolved to, or null. */
  secret: string | null
  scope: {environment: string; branch: string} | null
  file: boolean
  resolved: boolean
  /**
   * Present when the reference is bound to several secrets of the same scope (written
   * concurrently): their names. Nothing is injected; picking one could pick the wrong value.
   */
  ambiguous?: string[]
}

/**
 * One entry: `gitlab_secrets_manager` by its name; any other provider by the secret bound to
 * its reference (`add --ref vault:production/db/password@ops`), else by a secret named like the
 * variable. `$VAR` expands in every provider field but `gitlab_secrets_manager`'s.
 */
export function planEntry(
  entry: SecretEntry,
  secrets: readonly SecretSummary[],
  scope: RunScope,
  variables: Readonly<Record<string, string | undefined>>,
): PlannedSecret {
  const usable = usableIndex(secrets, scope.protectedBranch)
  let reference: string
  let found: SecretSummary | undefined
  if (entry.source.provider === 'gitlab_secrets_manager') {
    reference = entry.source.name
    found = pick(usable.byName.get(reference) ?? [], scope)
  } else {
    reference = canonicalReference(expandFields(entry.source, variables))
    const bound = usable.byRef.get(`${entry.source.provider}:${reference}`) ?? []
    found = pick(bound, scope)
    const rivals = found ? bound.filter((s) => s !== found && s.environment === found!.environment && s.branch === found!.branch) : []
    if (found && rivals.length > 0) {
      return {
        variable: entry.variable, provider: entry.source.provider, reference, secret: null, scope: {environment: found.environment, branch: found.branch},
        file: entry.file, resolved: false, ambiguous: [found, ...rivals].map((s) => s.name).sort(),
      }
    }

    found ??= pick(usable.byName.get(entry.variable) ?? [], scope)
  }

  return {
    variable: entry.variable,
    provider: entry.source.provider,
    reference,
    secret: found?.name ?? null,
    scope: found ? {environment: found.environment, branch: found.branch} : null,
    file: entry.file,
    resolved: found !== undefined,
  }
}

interface UsableIndex {
  byName: Map<string, SecretSummary[]>
  byRef: Map<string, SecretSummary[]>
}

/** Per list of secrets (never changed once listed) and branch kind: a job's entries each look up a name, not scan 10,000 secrets. */
const usableIndexes = new WeakMap<readonly SecretSummary[], Map<boolean, UsableIndex>>()

/** The secrets a run on this branch may use (protected ones only on protected branches), by name and by bound reference, in list order. */
function usableIndex(secrets: readonly SecretSummary[], protectedBranch: boolean): UsableIndex {
  let byBranch = usableIndexes.get(secrets)
  if (!byBranch) {
    byBranch = new Map()
    usableIndexes.set(secrets, byBranch)
  }

  let index = byBranch.get(protectedBranch)
  if (!index) {
    index = {byName: new Map(), byRef: new Map()}
    for (const s of secrets) {
      if (!protectedBranch && s.protected) continue
      pushTo(index.byName, s.name, s)
      if (s.ref !== null) pushTo(index.byRef, s.ref, s)
    }

    byBranch.set(protectedBranch, index)
  }

  return index
}

function pushTo(map: Map<string, SecretSummary[]>, key: string, value: SecretSummary): void {
  const list = map.get(key)
  if (list) list.push(value)
  else map.set(key, [value])
}

/**
 * Secrets added with --variable reach every run whose scope they match, as GitLab's CI/CD
 * variables do: for each name, the most specific matching one.
 */
export function planVariables(secrets: readonly SecretSummary[], scope: RunScope, taken: ReadonlySet<string>): PlannedSecret[] {
  const byName = new Map<string, SecretSummary[]>()
  for (const s of secrets) {
    if (!s.variable || taken.has(s.name) || (s.protected && !scope.protectedBranch)) continue
    byName.set(s.name, [...(byName.get(s.name) ?? []), s])
  }

  const planned: PlannedSecret[] = []
  for (const [name, candidates] of byName) {
    const found = pick(candidates, scope)
    if (!found) continue
    planned.push({
      variable: name, provider: 'variable', reference: null, secret: name,
      scope: {environment: found.environment, branch: found.branch}, file: found.file, resolved: true,
    })
  }

  return planned
}

export function isProtectedBranch(branch: string, patterns: readonly string[]): boolean {
  return branch !== '' && patterns.some((pattern) => scopeMatches(pattern, branch))
}

function pick(candidates: SecretSummary[], scope: RunScope): SecretSummary | undefined {
  return mostSpecific(candidates, scope.environment, scope.branch)
}
