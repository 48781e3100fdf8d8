// Script keywords (`before_script`, `script`, `after_script`): a string or nested arrays of
// strings, flattened, as GitLab's Commands entry reads them. Nesting is what `!reference` to
// another script produces, and GitLab allows it up to 10 levels.
import {type ConfigValue} from './config-value.js'

export const MAX_COMMAND_NESTING = 10

export interface Commands {
  lines: string[]
  errors: string[]
}

/** `location` is GitLab's, e.g. `jobs:deploy:script`. An absent or empty value gives no lines. */
export function readCommands(value: ConfigValue | undefined, location: string): Commands {
  if (value === undefined || value === null) return {lines: [], errors: []}
  if (typeof value === 'string') return {lines: [value], errors: []}
  const lines: string[] = []
  if (flatten(value, 1, lines)) return {lines, errors: []}
  const problem = `config should be a string or a nested array of strings up to ${MAX_COMMAND_NESTING} levels deep`
  return {lines: [], errors: [`${location} ${problem}`.toLowerCase()]}
}

function flatten(value: ConfigValue, level: number, lines: string[]): boolean {
  if (!Array.isArray(value)) return false
  for (const item of value) {
    if (typeof item === 'string') lines.push(item)
    else if (!(Array.isArray(item) && level < MAX_COMMAND_NESTING && flatten(item, level + 1, lines))) return false
  }

  return true
}
