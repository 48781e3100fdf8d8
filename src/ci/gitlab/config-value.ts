// The loaded configuration before GitLab's semantics are applied. Mappings are `Map`s, not
// objects: job and variable names such as `1` or `__proto__` must keep their place and meaning.

export type ConfigValue = null | string | number | boolean | ConfigValue[] | ConfigMap | ReferenceTag

export type ConfigMap = Map<string, ConfigValue>

/**
 * A `!reference [.job, key, …]` tag, kept unresolved until `extends:` has been applied, as GitLab
 * does. `path` is undefined when the tag is not a non-empty sequence of strings (GitLab calls it
 * "not valid"); `text` is how GitLab prints it in its messages.
 */
export class ReferenceTag {
  constructor(
    readonly path: readonly string[] | undefined,
    readonly text: string,
  ) {}
}

export function isMap(value: ConfigValue | undefined): value is ConfigMap {
  return value instanceof Map
}

/** Ruby's `inspect` for the shapes a tag can hold, so messages read like GitLab's. */
export function inspectValue(value: ConfigValue): string {
  if (value === null) return 'nil'
  if (typeof value === 'string') return JSON.stringify(value)
  if (Array.isArray(value)) return `[${value.map((item) => inspectValue(item)).join(', ')}]`
  if (value instanceof ReferenceTag) return `!reference ${value.text}`
  if (isMap(value)) return `{${[...value].map(([key, item]) => `${JSON.stringify(key)} => ${inspectValue(item)}`).join(', ')}}`
  return String(value)
}

/** Rails' `blank?`: what GitLab's `presence: true` refuses. */
export function isBlank(value: ConfigValue | undefined): boolean {
  if (value === undefined || value === null || value === false) return true
  if (typeof value === 'string') return value.trim() === ''
  if (Array.isArray(value)) return value.length === 0
  if (isMap(value)) return value.size === 0
  return false
}
