// `include:` as GitLab's External::Processor applies it: every included file, its own includes
// first, deep-merged in order, then the including file on top. Only local files are read (through
// the caller's reader); project, remote, template, component and artifact includes are listed.
import {posix} from 'node:path'

import {type ConfigMap, type ConfigValue, inspectValue, isMap} from './config-value.js'
import {deepMerge} from './deep-merge.js'
import {type WorkBudget} from './work-budget.js'
import {MAX_FILE_BYTES, loadConfigText} from './yaml-load.js'
import {SecretsError} from '../../errors.js'

/** GitLab's default `max_includes`: files counted across every level of nesting. */
export const MAX_INCLUDES = 150

/**
 * The text of every file read for one pipeline, counted before each is parsed. GitLab's
 * `ci_max_total_yaml_size_bytes` (150 files of 2 MB) is a server's bound; a local run must stay
 * within about 2 s and 200 MB (parsing costs about 0.5 s of CPU per MB), so the total is two
 * files at GitLab's per-file limit: still many times what real pipelines read.
 */
export const MAX_TOTAL_BYTES = 2 * MAX_FILE_BYTES

const INCLUDE_TYPES = ['local', 'project', 'remote', 'template', 'artifact', 'component'] as const

type IncludeType = (typeof INCLUDE_TYPES)[number]

export interface Included {
  config: ConfigMap
  local: string[]
  other: string[]
  errors: string[]
}

interface State {
  readLocal?: (path: string) => string | undefined
  budget?: WorkBudget
  /** The files being expanded, outermost first: one met again is a cycle. */
  chain: string[]
  bytes: number
  count: number
  local: string[]
  other: string[]
  errors: string[]
}

export interface IncludeOptions {
  readLocal?: (path: string) => string | undefined
  /** The including file's name, for the cycle message. */
  fileName?: string
  /** Text already read for this pipeline (the main file), counted against MAX_TOTAL_BYTES. */
  bytes?: number
  budget?: WorkBudget
}

export function applyIncludes(config: ConfigMap, options: IncludeOptions = {}): Included {
  const state: State = {
    readLocal: options.readLocal, budget: options.budget, chain: [options.fileName ?? '.gitlab-ci.yml'], bytes: options.bytes ?? 0,
    count: 0, local: [], other: [], errors: [],
  }
  const merged = expand(config, state)
  return {config: merged, local: state.local, other: state.other, errors: state.errors}
}

function expand(config: ConfigMap, state: State): ConfigMap {
  const include = config.get('include')
  if (include === undefined || include === null) return config

  let merged: ConfigMap = new Map()
  for (const location of locations(include, state.errors)) {
    if (state.count >= MAX_INCLUDES) {
      state.errors.push(`Maximum of ${MAX_INCLUDES} nested includes are allowed!`)
      break
    }

    state.count += 1
    const included = readInclude(location, state)
    if (!included) continue
    state.chain.push(included.path)
    merged = deepMerge(merged, expand(included.config, state), state.budget)
    state.chain.pop()
  }

  const result = deepMerge(merged, config, state.budget)
  result.delete('include')
  return result
}

interface Location {
  type: IncludeType
  params: ConfigMap
}

/** GitLab's Normalizer and Matcher: a string is a remote URL or a local path; a hash names exactly one type. */
function locations(include: ConfigValue, errors: string[]): Location[] {
  const items = Array.isArray(include) ? include : [include]
  const result: Location[] = []
  for (const item of items) {
    if (typeof item === 'string') {
      const type = /^[a-z][\d+.a-z-]*:\/\//i.test(item) ? 'remote' : 'local'
      result.push({type, params: new Map([[type, item]])})
      continue
    }

    if (!isMap(item)) {
      errors.push(`include config should be a hash or a string, not ${inspectValue(item)}`)
      continue
    }

    const matching = INCLUDE_TYPES.filter((type) => matches(type, item))
    const subkeys = `\`${INCLUDE_TYPES.join('`, `')}\``
    const [type] = matching
    if (matching.length > 1) errors.push(`Each include must use only one of: ${subkeys}`)
    else if (type === undefined) errors.push(`\`${inspectValue(item)}\` does not have a valid subkey for include. Valid subkeys are: ${subkeys}`)
    else result.push({type, params: item})
  }

  return result
}

function matches(type: IncludeType, params: ConfigMap): boolean {
  const present = (key: string): boolean => params.get(key) !== undefined && params.get(key) !== null
  if (type === 'project') return present('project') && present('file')
  if (type === 'artifact') return present('artifact') && present('job')
  return present(type)
}

/** The configuration of a local file that could be read, or undefined (listed or reported instead). */
function readInclude(location: Location, state: State): {path: string; config: ConfigMap} | undefined {
  const raw = location.params.get('local')
  if (location.type !== 'local' || typeof raw !== 'string' || !state.readLocal || raw.includes('*')) {
    state.other.push(describe(location))
    return undefined
  }

  // GitLab reads local files from the repository root, without leading slashes. A path that
  // climbs out of the repository names no file of it, and is never handed to the reader.
  const path = raw.replace(/^\/+/, '')
  if (posix.normalize(path).split('/')[0] === '..') {
    state.errors.push(`Local file \`${path}\` does not exist! (the path leaves the repository)`)
    return undefined
  }

  // A file met again inside its own includes would be read until the include limit; say why at once.
  const key = posix.normalize(path)
  const loop = state.chain.findIndex((file) => posix.normalize(file.replace(/^\/+/, '')) === key)
  if (loop >= 0) {
    state.errors.push(`include cycle: ${[...state.chain.slice(loop), path].join(' includes ')}`)
    return undefined
  }

  let text: string | undefined
  try {
    text = state.readLocal(path)
  } catch (error) {
    // The reader's refusals (outside the repository, too big, not UTF-8) are this include's errors.
    if (!(error instanceof SecretsError)) throw error
    state.errors.push(error.message)
    return undefined
  }

  if (text === undefined) {
    state.errors.push(`Local file \`${path}\` does not exist!`)
    return undefined
  }

  state.bytes += Buffer.byteLength(text, 'utf8')
  if (state.bytes > MAX_TOTAL_BYTES) {
    state.errors.push(`${path}: the included files are too big together (more than ${MAX_TOTAL_BYTES} bytes)`)
    return undefined
  }

  if (text.trim() === '') {
    state.errors.push(`Local file \`${path}\` is empty!`)
    return undefined
  }

  if (!state.local.includes(path)) state.local.push(path)
  const loaded = loadConfigText(text, path)
  state.errors.push(...loaded.errors)
  return loaded.config ? {path, config: loaded.config} : undefined
}

/** One line saying what was not fetched, e.g. `project: group/tools, file: ci.yml, ref: v1`. */
function describe(location: Location): string {
  const value = (key: string): string => {
    const item = location.params.get(key)
    if (Array.isArray(item)) return item.map((part) => (typeof part === 'string' ? part : inspectValue(part))).join(', ')
    return typeof item === 'string' ? item : inspectValue(item ?? null)
  }

  const line = `${location.type}: ${value(location.type)}`
  switch (location.type) {
    case 'project': {
      return location.params.has('ref') ? `${line}, file: ${value('file')}, ref: ${value('ref')}` : `${line}, file: ${value('file')}`
    }

    case 'artifact': {
      return `${line}, job: ${value('job')}`
    }

    case 'local': {
      return value('local').includes('*') ? `${line} (wildcard, not expanded)` : `${line} (not read: no file reader)`
    }

    default: {
      return line
    }
  }
}
