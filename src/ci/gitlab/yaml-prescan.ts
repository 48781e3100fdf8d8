// A pass over the yaml package's Lexer tokens before any document is built: the parser and
// composer cost about 3 µs and 0.3 KB per token (more per alias, quadratic for `!!omap`), and
// build every document before our value budget (MAX_NODES) can act. The lexer alone costs a
// tenth of that, so a file that would blow the 2 s / 200 MB bound is refused here, located.
import {Lexer} from 'yaml'

/**
 * Lexer tokens in one file. The corpus's largest file has under 9,000; a 1.9 MB file of long
 * script lines about 220,000. At 3 µs and 0.4 KB a token (flow sequences of numbers, the worst
 * shape measured), 250,000 keep parsing within about 1 s of CPU and 100 MB.
 */
export const MAX_TOKENS = 250_000
/** Aliases in one file: each costs the composer ~15 µs. The corpus uses at most 75. */
export const MAX_ALIASES = 10_000
/** GitLab reads a `spec:` header and the configuration (its MAX_DOCUMENTS); more is refused. */
export const MAX_DOCUMENTS = 2
/** `---` markers, documents with nothing in them included (a leading or trailing one is common). */
const MAX_ALL_DOCUMENTS = 8

/** Tags whose construction is super-linear in the yaml package; Psych's safe_load refuses them too. */
export const REFUSED_TAGS = ['omap', 'set', 'pairs']
const refusedTag = /^!(?:!(?:omap|set|pairs)|<tag:yaml\.org,2002:(?:omap|set|pairs)>)$/

// Lexer markers that stand for no text (yaml's cst.ts: DOCUMENT, FLOW_END, SCALAR).
const DOCUMENT = '\u0002'
const FLOW_END = '\u0018'
const SCALAR = '\u001F'

/** The first reason to refuse `text` as `file:line:col: message`, or undefined. */
export function prescanYaml(text: string, fileName: string): string | undefined {
  let tokens = 0
  let aliases = 0
  let markers = 0
  let withContent = 0
  let hasContent = false
  let offset = 0
  let afterScalarMarker = false
  const at = (message: string) => `${fileName}:${position(text, offset)}: ${message}`

  for (const token of new Lexer().lex(text)) {
    tokens += 1
    if (tokens > MAX_TOKENS) return at(`The parsed YAML is too big (more than ${MAX_TOKENS} yaml tokens)`)
    if (token === DOCUMENT || token === FLOW_END || token === SCALAR) {
      afterScalarMarker = token === SCALAR
      continue
    }

    if (afterScalarMarker) {
      // A scalar's text, whatever it looks like.
      afterScalarMarker = false
      if (!hasContent) hasContent = true
    } else if (token === '---') {
      if (hasContent) withContent += 1
      hasContent = false
      markers += 1
      if (markers > MAX_ALL_DOCUMENTS) return at(`too many yaml documents (more than ${MAX_ALL_DOCUMENTS}; gitlab reads a spec: header and the configuration)`)
    } else if (token[0] === '*') {
      aliases += 1
      hasContent = true
      if (aliases > MAX_ALIASES) return at(`too many yaml aliases (more than ${MAX_ALIASES})`)
    } else if (token[0] === '!') {
      if (refusedTag.test(token)) return at(`yaml tag ${token} is not allowed (gitlab's yaml loader refuses it)`)
    } else if (!isLayout(token)) hasContent = true

    if (hasContent && withContent >= MAX_DOCUMENTS) return at(`too many yaml documents (more than ${MAX_DOCUMENTS}; gitlab reads a spec: header and the configuration)`)
    offset += token.length
  }

  return undefined
}

/** Space, line breaks, comments, directives, `...`: nothing a document holds. */
function isLayout(token: string): boolean {
  const first = token[0]
  return first === ' ' || first === '\t' || first === '\n' || first === '\r' || first === '#' || first === '%' || token === '...' || token === '\uFEFF'
}

/** 1-based `line:col` of a UTF-16 offset. */
export function position(text: string, offset: number): string {
  let line = 1
  let lineStart = 0
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line += 1
    lineStart = i + 1
  }

  return `${line}:${offset - lineStart + 1}`
}
