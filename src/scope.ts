// Environment and branch scopes, shared by the vault (who may read what, which secret a name
// resolves to) and `run` (which secret a job gets): GitLab's matching in one place.

export interface Scoped {
  environment: string
  branch: string
}

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

/** Whether some value could match both patterns (two patterns with `*` are assumed to). */
export function mayOverlap(p: string, q: string): boolean {
  if (p === '*' || q === '*' || p === q) return true
  if (!p.includes('*') && !q.includes('*')) return false
  if (!p.includes('*')) return scopeMatches(q, p)
  if (!q.includes('*')) return scopeMatches(p, q)
  return true
}

/**
 * Whether a secret in scope `a` would be chosen over one of the same name in scope `b` for some
 * run (or tie with it): it shadows `b` there. Creating such a secret changes what those runs get.
 */
export function shadows(a: Scoped, b: Scoped): boolean {
  const same = a.environment === b.environment && a.branch === b.branch
  return !same && mayOverlap(a.environment, b.environment) && mayOverlap(a.branch, b.branch) && compare(a, b) >= 0
}

function compare(a: Scoped, b: Scoped): number {
  return specificity(a.environment) - specificity(b.environment) || specificity(a.branch) - specificity(b.branch)
}

/**
 * Whether an access rule's pattern covers a secret's scope pattern: `*`, the same pattern, or
 * a glob that matches a literal scope. `production` does not cover `*`: a member limited to
 * production cannot read secrets meant for every environment.
 */
export function covers(rulePattern: string, scopePattern: string): boolean {
  return rulePattern === '*' || rulePattern === scopePattern || (!scopePattern.includes('*') && scopeMatches(rulePattern, scopePattern))
}

/** `environment production, branch main`: how every message names a scope. */
export function describeScope(scope: Scoped): string {
  return `environment ${scope.environment}, branch ${scope.branch}`
}

/** `secret DB_PASSWORD (environment production, branch main)`. */
export function describeSecret(secret: Scoped & {name: string}): string {
  return `secret ${secret.name} (${describeScope(secret)})`
}

/** The same name and scope. */
export function sameSecret(a: Scoped & {name: string}, b: Scoped & {name: string}): boolean {
  return a.name === b.name && a.environment === b.environment && a.branch === b.branch
}

/**
 * A map key for a name and scope: each part after its length, so that no two different triples
 * give one key whatever characters a forged operation puts in them. (JSON.stringify of the
 * three was a tenth of judging a vault of 10,000 secrets.)
 */
export function secretKey(s: Scoped & {name: string}): string {
  return `${s.name.length}:${s.name}${s.environment.length}:${s.environment}${s.branch.length}:${s.branch}`
}
