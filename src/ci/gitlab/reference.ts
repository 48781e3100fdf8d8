// `!reference [.job, key, …]` as GitLab resolves it (lib/gitlab/ci/config/yaml/tags/): after
// `extends:`, by looking the path up in the extended configuration and resolving the references
// found there in turn. Script arrays are flattened later, where GitLab flattens them.
import {type ConfigValue, ReferenceTag, isMap} from './config-value.js'
import {type Extended} from './extends.js'
import {type WorkBudget} from './work-budget.js'

/** References found inside a referenced value may themselves be resolved this many levels deep. */
export const MAX_REFERENCE_NESTING = 10

export interface Resolved {
  value: ConfigValue
  errors: string[]
}

/** Resolves the references in values taken from one configuration; `entry` gives a top-level entry after `extends:`. */
export class ReferenceResolver {
  constructor(
    private readonly entry: (key: string) => Extended,
    private readonly budget?: WorkBudget,
  ) {}

  resolve(value: ConfigValue): Resolved {
    const errors: string[] = []
    const resolved = this.walk(value, [], errors)
    return {value: resolved ?? null, errors: [...new Set(errors)]}
  }

  /**
   * Undefined for a reference that failed: it is left out of its list or mapping, so that its
   * error is the only one reported (GitLab stops at it; the rest of the job is still shown).
   */
  private walk(value: ConfigValue, chain: ReferenceTag[], errors: string[]): ConfigValue | undefined {
    // References multiply what they copy: ten of them, each to a list of ten more, ten levels deep.
    this.budget?.spend(1)
    if (value instanceof ReferenceTag) return this.follow(value, chain, errors)
    if (Array.isArray(value)) return value.map((item) => this.walk(item, chain, errors)).filter((item) => item !== undefined)
    if (isMap(value)) {
      const map = new Map<string, ConfigValue>()
      for (const [key, item] of value) {
        const resolved = this.walk(item, chain, errors)
        if (resolved !== undefined) map.set(key, resolved)
      }

      return map
    }

    return value
  }

  private follow(tag: ReferenceTag, chain: ReferenceTag[], errors: string[]): ConfigValue | undefined {
    if (tag.path === undefined) {
      errors.push(`!reference ${tag.text} is not valid`)
      return undefined
    }

    if (chain.includes(tag)) {
      errors.push(`!reference ${tag.text} is part of a circular chain`)
      return undefined
    }

    if (chain.length >= MAX_REFERENCE_NESTING) {
      errors.push(`!reference ${tag.text} is nested more than ${MAX_REFERENCE_NESTING} levels deep`)
      return undefined
    }

    const [first, ...rest] = tag.path
    const entry = this.entry(first ?? '')
    errors.push(...entry.errors)
    let target: ConfigValue | undefined = entry.value
    // Ruby's Hash#dig: only mappings can be stepped into; a reference met on the way is not followed.
    for (const key of rest) target = isMap(target) ? target.get(key) : undefined

    // GitLab's `raise … unless value`: a false target is as missing as an absent one.
    if (target === undefined || target === null || target === false) {
      errors.push(`!reference ${tag.text} could not be found`)
      return undefined
    }

    return this.walk(target, [...chain, tag], errors)
  }
}
