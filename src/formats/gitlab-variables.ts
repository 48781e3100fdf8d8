// GitLab's CI/CD variables as its REST API lists them (`GET /projects/:id/variables`): an array
// of {variable_type, key, value, protected, masked, hidden, raw, environment_scope, description}.
// Import reads that list; export writes the same shape, ready to feed back to the API.
import {usage} from '../errors.js'
import {printable} from '../terminal/printable.js'
import {type ExportedSecret, type ImportedSecret} from './imported-secret.js'
import {decodeValue, encodeValue} from './utf8.js'

export interface GitlabVariable {
  key: string
  value: string
  variable_type: 'env_var' | 'file'
  environment_scope: string
  protected: boolean
  masked: boolean
  raw: boolean
  description: string | null
}

const VARIABLE_TYPES: readonly string[] = ['env_var', 'file']
const SHAPE_HINT = 'expected the json that GET /projects/:id/variables returns'

export function parseGitlabVariables(text: string): ImportedSecret[] {
  const list = parseJson(text)
  if (!Array.isArray(list)) throw usage('gitlab variables: expected a json array of variables', SHAPE_HINT)
  const firstIndex = new Map<string, number>()
  return list.map((entry: unknown, index) => {
    const secret = readVariable(entry, index)
    // Key and scope together identify a variable in GitLab; a list with both twice is corrupt.
    const identity = JSON.stringify([secret.name, secret.environment])
    const earlier = firstIndex.get(identity)
    if (earlier !== undefined) {
      throw usage(`variables[${index}] (${secret.name}): same key and environment_scope as variables[${earlier}]`)
    }
    firstIndex.set(identity, index)
    return secret
  })
}

// JSON.parse's message quotes the text around the error, which may be a secret value: report
// only the position.
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch (error) {
    const position = /at position (\d+)/.exec(error instanceof Error ? error.message : '')?.[1]
    if (position === undefined) throw usage('gitlab variables: not valid json', SHAPE_HINT)
    const before = text.slice(0, Number(position))
    const line = before.split('\n').length
    const column = before.length - before.lastIndexOf('\n')
    throw usage(`gitlab variables: not valid json (line ${line}, column ${column})`, SHAPE_HINT)
  }
}

function readVariable(entry: unknown, index: number): ImportedSecret {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
    throw usage(`variables[${index}]: expected an object with key and value`, SHAPE_HINT)
  }
  const fields = entry as Record<string, unknown>
  const {key} = fields
  if (typeof key !== 'string') throw usage(`variables[${index}]: "key" must be a string`, SHAPE_HINT)
  const where = `variables[${index}] (${shownKey(key)})`
  const invalid = (field: string, expected: string) => usage(`${where}: "${field}" must be ${expected}`, SHAPE_HINT)

  const {value, variable_type: type, environment_scope: scope, description} = fields
  if (typeof value !== 'string') {
    if (fields.hidden === true) {
      throw usage(`${where}: the value is hidden, and gitlab never returns hidden values`, 'add this secret with `secrets add`')
    }
    throw invalid('value', 'a string')
  }
  if (type !== undefined && (typeof type !== 'string' || !VARIABLE_TYPES.includes(type))) {
    throw invalid('variable_type', '"env_var" or "file"')
  }
  if (scope !== undefined && scope !== null && (typeof scope !== 'string' || scope === '')) {
    throw invalid('environment_scope', 'a non-empty string')
  }
  for (const flag of ['protected', 'masked', 'raw']) {
    if (fields[flag] !== undefined && typeof fields[flag] !== 'boolean') throw invalid(flag, 'true or false')
  }
  if (description !== undefined && description !== null && typeof description !== 'string') {
    throw invalid('description', 'a string or null')
  }

  return {
    name: key,
    value: encodeValue(where, value),
    environment: scope ?? '*',
    branch: '*', // GitLab's variables have no branch scope
    ...(typeof description === 'string' ? {description} : {}),
    variable: true,
    file: type === 'file',
    protected: fields.protected === true,
  }
}

// Keys reach the caller's name check unchanged; a message shows an odd one quoted (spaces and
// all visible) and with every terminal control escaped (printable.ts), so it stays one inert line.
function shownKey(key: string): string {
  return /^[\w.-]+$/.test(key) ? key : printable(JSON.stringify(key))
}

/** Pretty JSON in the API's shape, one object per secret, in the order given. */
export function formatGitlabVariables(secrets: readonly ExportedSecret[]): string {
  const seen = new Set<string>()
  const variables = secrets.map((secret): GitlabVariable => {
    const {name} = secret
    if (secret.branch !== '*') {
      // Exporting it unscoped would hand it to every branch.
      throw usage(
        `cannot export ${name} (branch ${secret.branch}) as gitlab variables: gitlab variables have no branch scope`,
        'export the secrets of branch * only',
      )
    }
    const identity = JSON.stringify([name, secret.environment])
    if (seen.has(identity)) throw usage(`cannot export ${name} twice with environment scope ${secret.environment}`)
    seen.add(identity)
    const value = decodeValue(name, secret.value, 'gitlab variables')
    return {
      key: name,
      value,
      variable_type: secret.file ? 'file' : 'env_var',
      environment_scope: secret.environment,
      protected: secret.protected,
      masked: isMaskable(value),
      raw: true, // the vault stores values as given: `$` is not a reference to expand
      description: secret.description ?? null,
    }
  })
  return `${JSON.stringify(variables, null, 2)}\n`
}

/**
 * GitLab's rule for masking a raw variable: at least 8 characters and no whitespace (which
 * also means one line). Asking to mask a value outside the rule makes the API refuse it.
 */
export function isMaskable(value: string): boolean {
  // Ruby's \S (ASCII whitespace only) and character count, as GitLab checks it.
  return /^[^ \t\n\r\f\v]{8,}$/u.test(value)
}
