// `.gitlab-ci.yml` text in, typed jobs out, in GitLab's order of work: load the YAML, merge the
// includes, apply `extends:`, resolve `!reference`, then read each visible job. Pure: the only
// I/O is the caller's `readLocal`, and a bad configuration gives messages, never an exception.
import {type ConfigMap, type ConfigValue} from './config-value.js'
import {readCommands} from './commands.js'
import {type Extended, extendEntry} from './extends.js'
import {applyIncludes} from './include.js'
import {type Defaults, buildJob} from './job.js'
import {ReferenceResolver} from './reference.js'
import {isVisibleJob} from './top-level.js'
import {type ParseOptions, type Pipeline} from './types.js'
import {readVariables} from './variables.js'
import {WorkBudget, WorkBudgetExceeded} from './work-budget.js'
import {loadConfigText} from './yaml-load.js'

export {canonicalReference} from './secret-reference.js'
export {PROVIDER_KEYS, parseVaultString} from './secrets-entry.js'
export type {Job, ParseOptions, Pipeline, SecretEntry, SecretProvider, SecretSource} from './types.js'

export function parseGitlabCi(text: string, options: ParseOptions): Pipeline {
  try {
    return parseWithin(text, options, new WorkBudget())
  } catch (error) {
    if (!(error instanceof WorkBudgetExceeded)) throw error
    return {jobs: [], variables: {}, includes: {local: [], other: []}, errors: [`${options.fileName}: ${error.message}`]}
  }
}

function parseWithin(text: string, options: ParseOptions, budget: WorkBudget): Pipeline {
  const loaded = loadConfigText(text, options.fileName)
  if (!loaded.config) return {jobs: [], variables: {}, includes: {local: [], other: []}, errors: loaded.errors}

  const included = applyIncludes(loaded.config, {readLocal: options.readLocal, fileName: options.fileName, bytes: Buffer.byteLength(text, 'utf8'), budget})
  const {config} = included
  const errors = [...loaded.errors, ...included.errors]

  const extended = new Map<string, Extended>()
  const entry = (key: string): Extended => {
    let result = extended.get(key)
    if (!result) {
      result = extendEntry(config, key, budget)
      extended.set(key, result)
    }

    return result
  }

  const references = new ReferenceResolver(entry, budget)
  // Problems outside any job (global variables, `default:`) concern the whole pipeline.
  const resolveGlobal = (key: string): ConfigValue | undefined => {
    const value = entry(key).value
    if (value === undefined) return undefined
    const resolved = references.resolve(value)
    errors.push(...entry(key).errors, ...resolved.errors)
    return resolved.value
  }

  const variables = readVariables(resolveGlobal('variables'))
  const defaults = readDefaults(resolveGlobal('default'), resolveGlobal('before_script'), resolveGlobal('after_script'), errors)

  const jobs = [...config.keys()].filter((name) => isVisibleJob(name)).map((name) => {
    const own = entry(name)
    const resolved = references.resolve(own.value ?? null)
    const job = buildJob(name, resolved.value, defaults)
    job.errors = [...new Set([...own.errors, ...resolved.errors, ...job.errors])]
    return job
  })

  return {jobs, variables, includes: {local: included.local, other: included.other}, errors: [...new Set(errors)]}
}

/**
 * The scripts jobs inherit. The deprecated top-level `before_script`/`after_script` are defaults
 * too; GitLab refuses a configuration that gives one both ways. `default:` keys other than the
 * scripts (and `secrets:`, which GitLab never lets `default:` carry) are not inherited here.
 */
function readDefaults(defaultValue: ConfigValue | undefined, topBefore: ConfigValue | undefined, topAfter: ConfigValue | undefined, errors: string[]): Defaults {
  const section: ConfigMap = defaultValue instanceof Map ? defaultValue : new Map()
  const read = (key: 'before_script' | 'after_script', top: ConfigValue | undefined): string[] | undefined => {
    const own = section.get(key) ?? null
    const fromTop = top ?? null
    if (own !== null && fromTop !== null) errors.push(`${key} is defined in top-level and \`default:\` entry`)
    if (own === null && fromTop === null) return undefined
    const commands = own === null ? readCommands(fromTop, key) : readCommands(own, `default:${key}`)
    errors.push(...commands.errors)
    return commands.lines
  }

  const defaults: Defaults = {}
  const beforeScript = read('before_script', topBefore)
  const afterScript = read('after_script', topAfter)
  if (beforeScript) defaults.beforeScript = beforeScript
  if (afterScript) defaults.afterScript = afterScript
  return defaults
}
