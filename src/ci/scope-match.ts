// GitLab's scope matching, shared by `get` and `run`.

/**
 * A pattern matches when it is `*`, equal to the value, or a glob in which each `*` matches
 * any run of characters, `/` included (GitLab's environment scopes). Case-sensitive.
 */
export function scopeMatches(pattern: string, value: string): boolean {
  if (pattern === '*' || pattern === value) return true
  if (!pattern.includes('*')) return false
  const parts = pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
  return new RegExp(`^${parts.join('.*')}$`, 's').test(value)
}

/**
 * How specific a matching pattern is: exact beats a wildcard pattern, which beats `*`;
 * between two wildcard patterns the one with more literal characters wins.
 */
export function specificity(pattern: string): number {
  if (pattern === '*') return 0
  if (!pattern.includes('*')) return 1_000_000
  return 1 + pattern.replaceAll('*', '').length
}

export interface Scoped {
  environment: string
  branch: string
}

/**
 * The most specific of the candidates that match both the environment and the branch, or
 * undefined. The environment decides first (as GitLab orders variables), then the branch.
 */
export function mostSpecific<T extends Scoped>(candidates: readonly T[], environment: string, branch: string): T | undefined {
  let best: T | undefined
  for (const candidate of candidates) {
    if (!scopeMatches(candidate.environment, environment) || !scopeMatches(candidate.branch, branch)) continue
    if (!best || compare(candidate, best) > 0) best = candidate
  }

  return best
}

function compare(a: Scoped, b: Scoped): number {
  return specificity(a.environment) - specificity(b.environment) || specificity(a.branch) - specificity(b.branch)
}
