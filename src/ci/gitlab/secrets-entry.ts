// A job's `secrets:` block: validated with GitLab's rules and messages (ee/lib/gitlab/ci/config/
// entry/secret.rb and the provider entries beside it), then normalised to SecretEntry.
//
// GitLab's messages are `<location> <attribute> <problem>`, lower-cased as a whole (its
// Validator does `.downcase`), e.g. `jobs:deploy:secrets:db_password config contains unknown
// keys: extra`. An entry's own problems are reported first; its provider is checked only when
// the entry itself is well-formed, as GitLab composes child entries only of valid parents.
import {type ConfigMap, type ConfigValue, isBlank, isMap} from './config-value.js'
import {type SecretEntry, type SecretSource} from './types.js'

/** GitLab's SUPPORTED_PROVIDERS, in its order (the order of the "exactly one of" message). */
export const PROVIDER_KEYS = ['vault', 'azure_key_vault', 'gcp_secret_manager', 'gitlab_secrets_manager', 'aws_secrets_manager'] as const

export type ProviderKey = (typeof PROVIDER_KEYS)[number]

const ENTRY_KEYS = ['vault', 'file', 'azure_key_vault', 'gcp_secret_manager', 'gitlab_secrets_manager', 'token', 'aws_secrets_manager']

/** What GitLab's Vault string form means when no `@engine` is given. */
export const DEFAULT_VAULT_ENGINE = 'kv-v2'

export interface ReadSecrets {
  entries: SecretEntry[]
  errors: string[]
}

/** The entries of `secrets:` in job `jobName`; `value` is the key's value after extends and !reference. */
export function readSecrets(jobName: string, value: ConfigValue | undefined): ReadSecrets {
  // An empty `secrets:` is no secrets, as in GitLab (an unspecified entry).
  if (value === undefined || value === null) return {entries: [], errors: []}
  const location = `jobs:${jobName}:secrets`
  if (!isMap(value)) return {entries: [], errors: [validatorMessage(location, 'config should be a hash')]}

  const entries: SecretEntry[] = []
  const errors: string[] = []
  for (const [variable, config] of value) {
    const read = readEntry(`${location}:${variable}`, variable, config ?? new Map())
    if (read.entry) entries.push(read.entry)
    errors.push(...read.errors)
  }

  return {entries, errors}
}

function readEntry(location: string, variable: string, config: ConfigValue): {entry?: SecretEntry; errors: string[]} {
  const own = new Problems(location)
  const hash = isMap(config) ? config : undefined
  if (!hash) own.add('config should be a hash')
  const unknown = hash ? [...hash.keys()].filter((key) => !ENTRY_KEYS.includes(key)) : []
  if (unknown.length > 0) own.add(`config contains unknown keys: ${unknown.join(', ')}`)
  const providers = PROVIDER_KEYS.filter((key) => hash?.has(key))
  if (providers.length !== 1) own.add(`config must use exactly one of these keys: ${PROVIDER_KEYS.join(', ')}`)
  const token = hash?.get('token')
  if (token !== undefined && token !== null && typeof token !== 'string') own.add('token should be a string')
  if (hash?.has('gcp_secret_manager') && !isBlank(hash.get('gcp_secret_manager')) && isBlank(token)) {
    own.add('token is required with gcp secrets manager')
  }

  const [provider] = providers
  if (!own.empty || !hash || provider === undefined) return {errors: own.messages}

  const file = readFile(`${location}:file`, hash.get('file'))
  const source = readProvider(`${location}:${provider}`, provider, hash.get(provider) ?? null)
  // GitLab declares its child entries vault, aws_secrets_manager, file, then the others.
  const errors = provider === 'vault' || provider === 'aws_secrets_manager' ? [...source.errors, ...file.errors] : [...file.errors, ...source.errors]
  if (errors.length > 0 || !source.source) return {errors}

  const entry: SecretEntry = {variable, source: source.source, file: file.value}
  if (typeof token === 'string') entry.token = token
  return {entry, errors: []}
}

function readFile(location: string, value: ConfigValue | undefined): {value: boolean; errors: string[]} {
  if (value === undefined || value === null) return {value: true, errors: []}
  if (typeof value === 'boolean') return {value, errors: []}
  return {value: true, errors: [validatorMessage(location, 'config should be a boolean value')]}
}

interface ReadProvider {
  source?: SecretSource
  errors: string[]
}

function readProvider(location: string, provider: ProviderKey, value: ConfigValue): ReadProvider {
  switch (provider) {
    case 'vault': {
      return readVault(location, value)
    }

    case 'aws_secrets_manager': {
      return readAws(location, value)
    }

    case 'gcp_secret_manager': {
      return readHashProvider(location, value, ['name', 'version'], (hash, problems) => {
        requiredString(hash, 'name', problems)
        const version = hash.get('version')
        // GitLab's `alphanumeric`: a string or an integer, turned into text.
        const alphanumeric = typeof version === 'string' || (typeof version === 'number' && Number.isInteger(version))
        if (version !== undefined && version !== null && !alphanumeric) problems.add('version must be an alphanumeric string')
        return {provider: 'gcp_secret_manager', name: text(hash.get('name')), version: version === undefined || version === null ? 'latest' : String(version)}
      })
    }

    case 'azure_key_vault': {
      return readHashProvider(location, value, ['name', 'version'], (hash, problems) => {
        requiredString(hash, 'name', problems)
        optionalString(hash, 'version', problems)
        return withOptional({provider: 'azure_key_vault', name: text(hash.get('name'))}, {version: hash.get('version')})
      })
    }

    case 'gitlab_secrets_manager': {
      return readHashProvider(location, value, ['name', 'source'], (hash, problems) => {
        requiredString(hash, 'name', problems)
        const source = hash.get('source')
        if (optionalString(hash, 'source', problems) && typeof source === 'string' && !/^(?:project|group\/[\w\-./]+)$/.test(source)) {
          problems.add("source must follow the format group/group_full_path or 'project'")
        }

        return withOptional({provider: 'gitlab_secrets_manager', name: text(hash.get('name'))}, {source})
      })
    }
  }
}

/**
 * `path/to/secret/field@engine-mount`: split at the last `@`, then at the last `/` (Ruby's
 * rpartition). Without an `@` (or with nothing before it) the engine is GitLab's `kv-v2`.
 */
export function parseVaultString(value: string): {engine: {name: string; path: string}; path: string; field: string} {
  const at = value.lastIndexOf('@')
  const secret = at > 0 ? value.slice(0, at) : value
  const enginePath = at > 0 ? value.slice(at + 1) : DEFAULT_VAULT_ENGINE
  const slash = secret.lastIndexOf('/')
  return {engine: {name: DEFAULT_VAULT_ENGINE, path: enginePath}, path: slash === -1 ? '' : secret.slice(0, slash), field: secret.slice(slash + 1)}
}

function readVault(location: string, value: ConfigValue): ReadProvider {
  if (typeof value === 'string') {
    if (isBlank(value)) return {errors: [validatorMessage(location, "config can't be blank")]}
    return {source: {provider: 'vault', ...parseVaultString(value)}, errors: []}
  }

  // GitLab builds this message itself, without lower-casing it.
  if (!isMap(value)) return {errors: [`${location} should be a hash or a string`]}

  const problems = new Problems(location)
  unknownKeys(value, ['engine', 'path', 'field'], problems)
  requiredString(value, 'path', problems)
  requiredString(value, 'field', problems)
  const engine = value.get('engine')
  if (isBlank(engine)) problems.add("engine can't be blank")
  if (!isMap(engine)) problems.add('engine should be a hash')
  if (!problems.empty || !isMap(engine)) return {errors: problems.messages}

  const engineProblems = new Problems(`${location}:engine`)
  unknownKeys(engine, ['name', 'path'], engineProblems)
  const missing = ['name', 'path'].filter((key) => !engine.has(key))
  if (missing.length > 0) engineProblems.add(`config missing required keys: ${missing.join(', ')}`)
  requiredString(engine, 'name', engineProblems)
  requiredString(engine, 'path', engineProblems)
  if (!engineProblems.empty) return {errors: engineProblems.messages}

  return {
    source: {provider: 'vault', engine: {name: text(engine.get('name')), path: text(engine.get('path'))}, path: text(value.get('path')), field: text(value.get('field'))},
    errors: [],
  }
}

function readAws(location: string, value: ConfigValue): ReadProvider {
  if (typeof value === 'string') {
    if (isBlank(value)) return {errors: [validatorMessage(location, "config can't be blank")]}
    if (!/^[^#]*(?:#[^#]*)?$/.test(value)) return {errors: [validatorMessage(location, "config must contain at most one '#'")]}
    // Ruby's split drops a trailing empty part: `id#` is the whole secret.
    const [secretId = '', field] = value.split('#')
    return {source: withOptional({provider: 'aws_secrets_manager', secretId}, {field: field === '' ? undefined : field}), errors: []}
  }

  if (!isMap(value)) return {errors: [`${location} should be a hash or a string`]}

  const keys = ['secret_id', 'region', 'version_id', 'version_stage', 'role_arn', 'role_session_name', 'field']
  const problems = new Problems(location)
  unknownKeys(value, keys, problems)
  const secretId = value.get('secret_id')
  if (typeof secretId !== 'string') problems.add('secret_id should be a string')
  if (isBlank(secretId)) problems.add("secret_id can't be blank")
  for (const key of keys.slice(1)) optionalString(value, key, problems)
  if (!problems.empty) return {errors: problems.messages}

  return {
    source: withOptional(
      {provider: 'aws_secrets_manager', secretId: text(secretId)},
      {
        field: value.get('field'),
        versionId: value.get('version_id'),
        versionStage: value.get('version_stage'),
        region: value.get('region'),
        roleArn: value.get('role_arn'),
        roleSessionName: value.get('role_session_name'),
      },
    ),
    errors: [],
  }
}

/** The providers that only take a hash: GitLab checks the type, the keys, then each attribute. */
function readHashProvider(location: string, value: ConfigValue, keys: string[], check: (hash: ConfigMap, problems: Problems) => SecretSource): ReadProvider {
  const problems = new Problems(location)
  if (!isMap(value)) problems.add('config should be a hash')
  const hash = isMap(value) ? value : new Map<string, ConfigValue>()
  unknownKeys(hash, keys, problems)
  const source = check(hash, problems)
  return problems.empty ? {source, errors: []} : {errors: problems.messages}
}

function unknownKeys(hash: ConfigMap, allowed: string[], problems: Problems): void {
  const unknown = [...hash.keys()].filter((key) => !allowed.includes(key))
  if (unknown.length > 0) problems.add(`config contains unknown keys: ${unknown.join(', ')}`)
}

/** GitLab's `presence: true, type: String`. */
function requiredString(hash: ConfigMap, key: string, problems: Problems): void {
  const value = hash.get(key)
  if (isBlank(value)) problems.add(`${key} can't be blank`)
  if (typeof value !== 'string') problems.add(`${key} should be a string`)
}

/** GitLab's `type: String, allow_nil: true`; true when the value is absent or a string. */
function optionalString(hash: ConfigMap, key: string, problems: Problems): boolean {
  const value = hash.get(key)
  if (value === undefined || value === null || typeof value === 'string') return true
  problems.add(`${key} should be a string`)
  return false
}

function text(value: ConfigValue | undefined): string {
  return typeof value === 'string' ? value : ''
}

/** Adds the optional string fields that are present, leaving the absent ones out altogether. */
function withOptional<T extends SecretSource>(source: T, optional: Record<string, ConfigValue | undefined>): T {
  const result: Record<string, unknown> = {...source}
  for (const [key, value] of Object.entries(optional)) if (typeof value === 'string') result[key] = value
  return result as T
}

function validatorMessage(location: string, problem: string): string {
  return `${location} ${problem}`.toLowerCase()
}

/** The messages of one GitLab entry, in the order its validations run. */
class Problems {
  readonly messages: string[] = []

  constructor(private readonly location: string) {}

  get empty(): boolean {
    return this.messages.length === 0
  }

  add(problem: string): void {
    this.messages.push(validatorMessage(this.location, problem))
  }
}
