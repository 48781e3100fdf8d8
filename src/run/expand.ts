// GitLab's variable expansion in CI values: `$VAR`, `${VAR}`, and `$$` for a literal `$`.
// Unknown variables expand to nothing, as on a runner.

const REFERENCE = /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g

/** Variables may refer to each other; a few rounds resolve chains without looping on cycles. */
const MAX_DEPTH = 10

export function expand(text: string, variables: Readonly<Record<string, string | undefined>>): string {
  return expandAt(text, variables, 0)
}

function expandAt(text: string, variables: Readonly<Record<string, string | undefined>>, depth: number): string {
  return text.replace(REFERENCE, (match, braced?: string, bare?: string) => {
    if (match === '$$') return '$'
    const value = variables[(braced ?? bare)!]
    if (value === undefined) return ''
    return depth < MAX_DEPTH && value.includes('$') ? expandAt(value, variables, depth + 1) : value
  })
}

/** Every string field of `value` expanded (for a provider's reference hash). */
export function expandFields<T extends object>(value: T, variables: Readonly<Record<string, string | undefined>>): T {
  const out: Record<string, unknown> = {}
  for (const [key, field] of Object.entries(value)) {
    out[key] = typeof field === 'string' ? expand(field, variables) : field && typeof field === 'object' ? expandFields(field as object, variables) : field
  }

  return out as T
}
