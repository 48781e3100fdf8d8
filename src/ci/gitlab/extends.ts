// `extends:` as GitLab applies it (lib/gitlab/ci/config/extendable/entry.rb), with one difference:
// GitLab stops the whole pipeline at the first problem, while here the problem is kept with the
// entry that has it, so one job extending a base from an unfetched remote include does not
// hide every other job.
import {type ConfigMap, type ConfigValue, inspectValue, isMap} from './config-value.js'
import {deepMerge} from './deep-merge.js'
import {type WorkBudget} from './work-budget.js'

/** GitLab's MAX_NESTING_LEVELS: an entry more than 10 `extends` away from the job may not extend. */
export const MAX_EXTENDS_NESTING = 10

export interface Extended {
  /** The entry with its bases merged under it; as much of it as could be merged when `errors` is not empty. */
  value: ConfigValue | undefined
  errors: string[]
}

/** The top-level entry `key` of `config` with its `extends:` chain applied. */
export function extendEntry(config: ConfigMap, key: string, budget?: WorkBudget): Extended {
  const walk = new ExtendsWalk(config, budget)
  const value = walk.extend(key, [])
  // A base reached along two paths would report the same problem twice.
  return {value, errors: [...new Set(walk.errors)]}
}

/** A base extended without problems, and how many `extends` levels lie below it. */
interface Done {
  value: ConfigValue | undefined
  height: number
}

class ExtendsWalk {
  readonly errors: string[] = []
  // A base shared by several bases (a diamond) is merged once, not once per path; only a
  // problem-free result is kept, and reused only where its levels still fit under the limit.
  private readonly done = new Map<string, Done>()

  constructor(
    private readonly config: ConfigMap,
    private readonly budget?: WorkBudget,
  ) {}

  extend(key: string, ancestors: string[]): ConfigValue | undefined {
    return this.walk(key, ancestors).value
  }

  private walk(key: string, ancestors: string[]): Done {
    const value = this.config.get(key)
    if (!isMap(value) || !value.has('extends')) return {value, height: 0}
    const done = this.done.get(key)
    if (done && ancestors.length + done.height <= MAX_EXTENDS_NESTING + 1) return done

    const errorsBefore = this.errors.length
    const bases = baseNames(value.get('extends') ?? null)
    const unknown = bases.filter((base) => !this.config.has(base))
    if (unknown.length > 0) this.errors.push(`${key}: unknown keys in \`extends\` (${unknown.join(', ')})`)
    const invalid = bases.filter((base) => this.config.has(base) && !isMap(this.config.get(base)))
    if (invalid.length > 0) this.errors.push(`${key}: invalid base hashes in \`extends\` (${invalid.join(', ')})`)

    if (ancestors.length > MAX_EXTENDS_NESTING) {
      this.errors.push(`${key}: nesting too deep in \`extends\``)
      return {value, height: 1}
    }

    if (ancestors.includes(key)) {
      this.errors.push(`${key}: circular dependency detected in \`extends\``)
      return {value, height: 1}
    }

    let merged: ConfigMap = new Map()
    let height = 1
    for (const base of bases) {
      if (!isMap(this.config.get(base))) continue
      const extended = this.walk(base, [...ancestors, key])
      height = Math.max(height, extended.height + 1)
      if (isMap(extended.value)) merged = deepMerge(merged, extended.value, this.budget)
    }

    const result = {value: deepMerge(merged, value, this.budget), height}
    if (this.errors.length === errorsBefore) this.done.set(key, result)
    return result
  }
}

/** Ruby's `Array(extends).map(&:to_s)`: a string or a list; anything else names no base GitLab would find. */
function baseNames(value: ConfigValue): string[] {
  if (value === null) return []
  const list = Array.isArray(value) ? value : [value]
  return list.map((item) => {
    if (item === null) return ''
    return typeof item === 'object' ? inspectValue(item) : String(item)
  })
}
