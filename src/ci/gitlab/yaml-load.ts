// Text to ConfigValue the way GitLab's loader (Ruby's Psych, YAML 1.1) reads a CI file:
// a `spec:` header document, `!reference` tags, anchors, aliases and `<<:` merge keys.
import {type Alias, type Document, type Node as YamlNode, type ScalarTag, type Tags, isAlias, isMap, isNode, isScalar, isSeq, parseAllDocuments, visit} from 'yaml'

import {type ConfigMap, type ConfigValue, ReferenceTag, inspectValue} from './config-value.js'
import {REFUSED_TAGS, position, prescanYaml} from './yaml-prescan.js'

export interface LoadedConfig {
  /** The configuration document; undefined when the file could not be read as one. */
  config?: ConfigMap
  errors: string[]
}

/**
 * GitLab refuses files whose parsed data is too big (its DeepSize limits); this also stops alias
 * bombs. The yaml package's own guard (`maxAliasCount`) acts only in its `toJS()`, which is not
 * used here: aliases are expanded below, each use counted against MAX_NODES.
 */
const MAX_NODES = 250_000
/** GitLab's `max_yaml_depth` default (150 since GitLab 17.3; 100 before). */
export const MAX_DEPTH = 150

/**
 * GitLab's `max_yaml_size_bytes` default, 2 MB (17.3; 1 MB before). GitLab measures the parsed
 * objects, which are larger than the text, so no file GitLab accepts is longer than this. Checked
 * before parsing: the parser needs about 0.5 s of CPU and 45 MB per MB of text.
 */
export const MAX_FILE_BYTES = 2 * 1024 * 1024

const REFERENCE_TAG = '!reference'

// Psych, not the YAML 1.1 spec: `y`/`n` are strings, and `yes`/`on`/`true` match in any case.
const psychTrue: ScalarTag = {
  tag: 'tag:yaml.org,2002:bool',
  default: true,
  identify: (value) => value === true,
  test: /^(?:yes|true|on)$/i,
  resolve: () => true,
}
const psychFalse: ScalarTag = {
  tag: 'tag:yaml.org,2002:bool',
  default: true,
  identify: (value) => value === false,
  test: /^(?:no|false|off)$/i,
  resolve: () => false,
}

// GitLab's safe_load permits no Date class: a timestamp-looking value stays the text written.
// `<<` stays a plain key too: merges are applied below, Psych's way. `!!omap`, `!!set` and
// `!!pairs` are gone: safe_load refuses their classes, and the yaml package builds them in
// quadratic time. Written some other way (a %TAG handle), they are refused by the converter.
const refusedTagNames = new Set(REFUSED_TAGS.map((name) => `tag:yaml.org,2002:${name}`))
function psychTags(tags: Tags): Tags {
  const replaced = new Set(['tag:yaml.org,2002:bool', 'tag:yaml.org,2002:timestamp', 'tag:yaml.org,2002:merge', ...refusedTagNames])
  const kept = tags.filter((tag) => typeof tag === 'string' || !replaced.has(tag.tag))
  return [psychTrue, psychFalse, ...kept]
}

class TooBigError extends Error {}
/** A refusal at a place in the text: `line:col` is added to the file name. */
class RefusedAtError extends Error {
  constructor(message: string, readonly offset: number) {
    super(message)
  }
}

/** Reads one CI file. Never throws: problems come back as `file:line:col: message` errors. */
export function loadConfigText(text: string, fileName: string): LoadedConfig {
  // The size and characters first, then the token count: neither builds a document.
  const refused = refuseText(text, fileName) ?? prescanYaml(text, fileName)
  if (refused) return {errors: [refused]}

  const documents = parseAllDocuments(text, {version: '1.1', merge: false, uniqueKeys: false, customTags: psychTags})
  const errors: string[] = []
  for (const document of documents) {
    for (const error of document.errors) {
      const at = error.linePos?.[0]
      // The yaml package reports its own stack running out (thousands of nested `[`) as an error.
      const message = /maximum call stack size exceeded/i.test(error.message)
        ? `nesting too deep (more than ${MAX_DEPTH} levels)`
        : error.message.replace(/ at line \d+, column \d+[\s\S]*$/, '')
      errors.push(at ? `${fileName}:${at.line}:${at.col}: ${message}` : `${fileName}: ${message}`)
    }
  }

  if (errors.length > 0) return {errors: [...new Set(errors)]}

  const nonEmpty = documents.filter((document) => document.contents !== null)
  const converter = new Converter()
  let content: ConfigValue
  try {
    const first = nonEmpty[0] === undefined ? null : converter.convert(nonEmpty[0].contents, nonEmpty[0], 0)
    // A header (`spec:` in a first document) is followed by the configuration; without one, GitLab
    // reads only the first document.
    const second = nonEmpty[1]
    content = first instanceof Map && first.has('spec') && second ? converter.convert(second.contents, second, 0) : first
  } catch (error) {
    if (error instanceof TooBigError) return {errors: [`${fileName}: ${error.message}`]}
    if (error instanceof RefusedAtError) return {errors: [`${fileName}:${position(text, error.offset)}: ${error.message}`]}
    // Our own recursion is bounded by MAX_DEPTH; this is the backstop should a stack still run out.
    if (error instanceof RangeError) return {errors: [`${fileName}: nesting too deep (more than ${MAX_DEPTH} levels)`]}
    throw error
  }

  if (!(content instanceof Map)) return {errors: [`${fileName}: Invalid configuration format`]}
  return {config: content, errors: []}
}

/**
 * What a byte-level reader cannot catch once the text is decoded: a file over GitLab's size, and
 * characters YAML 1.1 does not allow (Psych refuses them: "control characters are not allowed").
 */
function refuseText(text: string, fileName: string): string | undefined {
  // A UTF-16 length over the limit is at least as many UTF-8 bytes.
  if (text.length > MAX_FILE_BYTES || Buffer.byteLength(text, 'utf8') > MAX_FILE_BYTES) {
    return `${fileName}: file too big (${Buffer.byteLength(text, 'utf8')} bytes; gitlab accepts at most ${MAX_FILE_BYTES})`
  }

  // YAML 1.1 c-printable: tab, line feed, carriage return, U+0020-U+007E, U+0085, U+00A0 onwards, no lone surrogates, no U+FFFE/U+FFFF.
  const bad = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u0084\u0086-\u009F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.exec(text)
  if (!bad) return undefined
  const before = text.slice(0, bad.index)
  const line = before.split('\n').length
  const col = bad.index - before.lastIndexOf('\n')
  const point = bad[0].codePointAt(0)!
  const code = point.toString(16).toUpperCase().padStart(4, '0')
  const what = point < 0xa0 ? 'control character' : 'character'
  return `${fileName}:${line}:${col}: ${what} U+${code} is not allowed in yaml`
}

class Converter {
  private nodes = 0
  /** Each alias's anchored node, found in one pass (the yaml package's `resolve` walks the whole document per alias). */
  private readonly anchors = new Map<Document, Map<Alias, YamlNode>>()

  convert(node: unknown, document: Document, depth: number): ConfigValue {
    this.nodes += 1
    if (this.nodes > MAX_NODES) throw new TooBigError('The parsed YAML is too big')
    if (depth > MAX_DEPTH) throw new TooBigError(`nesting too deep (more than ${MAX_DEPTH} levels)`)
    if (isNode(node) && node.tag !== undefined && refusedTagNames.has(node.tag)) {
      throw new RefusedAtError(`yaml tag !!${node.tag.slice('tag:yaml.org,2002:'.length)} is not allowed (gitlab's yaml loader refuses it)`, node.range?.[0] ?? 0)
    }

    if (isAlias(node)) {
      // Converted again at each use: values are never mutated, and the node budget sees the expansion.
      const target = this.anchored(document).get(node)
      return target === undefined ? null : this.convert(target, document, depth + 1)
    }

    if (isScalar(node)) {
      const value = scalarValue(node.value)
      return node.tag === REFERENCE_TAG ? new ReferenceTag(undefined, inspectValue(value)) : value
    }

    if (isSeq(node)) {
      const items = node.items.map((item) => this.convert(item, document, depth + 1))
      if (node.tag !== REFERENCE_TAG) return items
      const path = items.every((item): item is string => typeof item === 'string') && items.length > 0 ? items : undefined
      return new ReferenceTag(path, inspectValue(items))
    }

    if (isMap(node)) {
      const map: ConfigMap = new Map()
      for (const pair of node.items) {
        const value = this.convert(pair.value, document, depth + 1)
        if (isMergeKey(pair.key) && this.merge(map, value)) continue
        map.set(this.key(pair.key, document, depth + 1), value)
      }

      return node.tag === REFERENCE_TAG ? new ReferenceTag(undefined, inspectValue(map)) : map
    }

    return null
  }

  /** YAML's rule: an alias names the last node anchored so before it, in document order. */
  private anchored(document: Document): Map<Alias, YamlNode> {
    let targets = this.anchors.get(document)
    if (targets) return targets
    targets = new Map()
    const last = new Map<string, YamlNode>()
    visit(document, {
      Node(_key, node) {
        if (isAlias(node)) {
          const target = last.get(node.source)
          if (target) targets!.set(node, target)
        } else if (node.anchor) last.set(node.anchor, node)
      },
    })
    this.anchors.set(document, targets)
    return targets
  }

  /**
   * Psych's `<<:`: the merged mapping's keys override the keys before it; with a list of
   * mappings, the first one wins. False when the value cannot be merged (kept as a `<<` key).
   */
  private merge(map: ConfigMap, value: ConfigValue): boolean {
    if (value instanceof Map) {
      for (const [key, item] of value) map.set(key, item)
      return true
    }

    if (Array.isArray(value) && value.every((item) => item instanceof Map)) {
      const merged: ConfigMap = new Map()
      for (const item of [...value].reverse()) for (const [key, entry] of item as ConfigMap) merged.set(key, entry)
      for (const [key, item] of merged) map.set(key, item)
      return true
    }

    return false
  }

  /** GitLab symbolizes string keys and leaves others as they are; their text is what names a job. */
  private key(node: unknown, document: Document, depth: number): string {
    const value = this.convert(node, document, depth)
    if (typeof value === 'string') return value
    if (value === null) return ''
    return typeof value === 'object' ? inspectValue(value) : String(value)
  }
}

function isMergeKey(key: unknown): boolean {
  return isScalar(key) && key.value === '<<' && key.type === 'PLAIN'
}

function scalarValue(value: unknown): ConfigValue {
  if (value === null || value === undefined) return null
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value
  if (typeof value === 'bigint') return Number(value)
  // `!!binary` and the like: their text is the least surprising reading.
  return String(value)
}
