// `variables:` blocks, global or per job, as name → text. Values are not expanded here.
import {type ConfigValue, inspectValue, isMap} from './config-value.js'

/** Scalars become their text; the `{value: …, description: …}` form gives its value. */
export function readVariables(value: ConfigValue | undefined): Record<string, string> {
  if (!isMap(value)) return {}
  // fromEntries, not assignment: a variable may be called `__proto__`.
  return Object.fromEntries([...value].map(([name, item]) => [name, variableText(isMap(item) ? (item.get('value') ?? null) : item)]))
}

function variableText(value: ConfigValue): string {
  if (value === null) return ''
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  return inspectValue(value)
}
