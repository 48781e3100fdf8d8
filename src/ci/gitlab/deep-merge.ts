// ActiveSupport's Hash#deep_merge, which GitLab uses for `extends:` and `include:`.
import {type ConfigMap, isMap} from './config-value.js'
import {type WorkBudget} from './work-budget.js'

/**
 * `over` on top of `base`: mappings are merged key by key, everything else (arrays included) is
 * replaced. Keys keep their first position, as in a Ruby Hash. Neither argument is changed.
 */
export function deepMerge(base: ConfigMap, over: ConfigMap, budget?: WorkBudget): ConfigMap {
  budget?.spend(base.size + over.size)
  const merged: ConfigMap = new Map(base)
  for (const [key, value] of over) {
    const current = merged.get(key)
    merged.set(key, isMap(current) && isMap(value) ? deepMerge(current, value, budget) : value)
  }

  return merged
}
