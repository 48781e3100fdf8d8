// One visible job, from its configuration after extends and !reference, to the Job the rest of
// the tool uses. What a job inherits from `default:` is decided here, as GitLab's Inheritable does.
import {type ConfigMap, type ConfigValue, isMap} from './config-value.js'
import {readCommands} from './commands.js'
import {readSecrets} from './secrets-entry.js'
import {type Job} from './types.js'
import {readVariables} from './variables.js'

/** The `default:` (or deprecated top-level) scripts; undefined when not given. */
export interface Defaults {
  beforeScript?: string[]
  afterScript?: string[]
}

export function buildJob(name: string, config: ConfigValue, defaults: Defaults): Job {
  if (!isMap(config)) {
    // What GitLab says of a job that is not a mapping (its wording is built from the name).
    const problem = `jobs ${name.toLowerCase()} config should implement the script:, run:, or trigger: keyword`
    return {name, variables: {}, inheritGlobalVariables: true, secrets: [], beforeScript: [], script: [], afterScript: [], errors: [problem]}
  }

  const errors: string[] = []
  const commands = (key: string, inherited: string[] | undefined): string[] => {
    const own = config.get(key)
    // A job's own value, even an empty list, replaces the default; only an absent or null one inherits.
    if (own === undefined || own === null) return inherited !== undefined && inheritsDefault(config, key) ? inherited : []
    const read = readCommands(own, `jobs:${name}:${key}`)
    errors.push(...read.errors)
    return read.lines
  }

  const secrets = readSecrets(name, config.get('secrets'))
  const job: Job = {
    name,
    variables: readVariables(config.get('variables')),
    inheritGlobalVariables: inheritSetting(config, 'variables'),
    secrets: secrets.entries,
    beforeScript: commands('before_script', defaults.beforeScript),
    script: commands('script', undefined),
    afterScript: commands('after_script', defaults.afterScript),
    errors: [...secrets.errors, ...errors],
  }
  const environment = environmentName(config.get('environment'))
  if (environment !== undefined) job.environment = environment
  return job
}

function environmentName(value: ConfigValue | undefined): string | undefined {
  if (typeof value === 'string') return value
  const name = isMap(value) ? value.get('name') : undefined
  return typeof name === 'string' ? name : undefined
}

/** `inherit: {default|variables: true | false | [names]}`; true when not said. */
function inheritSetting(config: ConfigMap, kind: 'default' | 'variables'): boolean | string[] {
  const inherit = config.get('inherit')
  const setting = isMap(inherit) ? inherit.get(kind) : undefined
  if (typeof setting === 'boolean') return setting
  if (Array.isArray(setting)) return setting.filter((item): item is string => typeof item === 'string')
  return true
}

function inheritsDefault(config: ConfigMap, key: string): boolean {
  const setting = inheritSetting(config, 'default')
  return Array.isArray(setting) ? setting.includes(key) : setting
}
