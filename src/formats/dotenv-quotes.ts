// How the `dotenv` package (17.x) reads quoted values, written down once: the importer needs it
// to find where a multi-line value ends (so that every line gets its number), the exporter to
// pick a quoting that dotenv reads back unchanged.
//
// dotenv reads a quoted value with the pattern q(?:\\q|[^q])*q, for q one of " ' `, followed by
// blanks and an optional `# comment` up to the end of the line. Consequences:
//  - a quote preceded by a backslash may sit inside the value, and the backslash stays in it;
//  - the first quote NOT preceded by a backslash cannot: the value ends there or earlier;
//  - the match is greedy: of the quotes that may close the value, the farthest one followed
//    only by blanks or a comment wins, even lines further down;
//  - inside double quotes `\n` and `\r` become LF and CR, and nothing else is unescaped (`\\`
//    and `\"` stay as written), so a value holding a literal backslash-n has no double-quoted form;
//  - every CR in the file becomes LF before parsing: only `\r` in double quotes carries a CR;
//  - unquoted values stop at `#` and are trimmed.

export const QUOTES: readonly string[] = ['"', "'", '`']

// What dotenv accepts after a closing quote: blanks, then an optional comment, then the end of
// the line. Its `$` is multiline, so U+2028 and U+2029 end a line too.
const ONLY_COMMENT_FOLLOWS = /^\s*(?:#.*)?(?:$|[\u2028\u2029])/

/**
 * The index of the quote that closes the value opened by the quote at `open`, as dotenv decides
 * it; undefined when no quote can (dotenv then reads the line as an unquoted value).
 */
export function closingQuote(source: string, open: number): number | undefined {
  const quote = source[open]
  if (quote === undefined || !QUOTES.includes(quote)) return undefined
  const candidates: number[] = []
  for (let at = source.indexOf(quote, open + 1); at !== -1; at = source.indexOf(quote, at + 1)) {
    candidates.push(at)
    if (source[at - 1] !== '\\') break // an unescaped quote: nothing after it can be inside
  }
  return candidates.reverse().find((at) => ONLY_COMMENT_FOLLOWS.test(restOfLine(source, at + 1)))
}

function restOfLine(source: string, from: number): string {
  const end = source.indexOf('\n', from)
  return source.slice(from, end === -1 ? undefined : end)
}

/**
 * What to write after `NAME=` so that dotenv reads back exactly `text`, or undefined when no
 * quoting can. Double quotes first (one line, newlines as `\n`), then single quotes and
 * backticks (taken literally, newlines kept), then no quotes at all.
 */
export function quoteValue(text: string): string | undefined {
  for (const quote of QUOTES) {
    const quoted = quoteWith(quote, text)
    if (quoted !== undefined) return quoted
  }
  return isSafeUnquoted(text) ? text : undefined
}

// A comment after the closing quote that holds a bare quote of the same kind: when the value
// ends with a backslash its closing quote counts as escaped, and without this bare quote dotenv
// could pick a quote further down the file as the closing one.
const TRAILING_BACKSLASH_NOTE = 'value ends with a backslash'

function quoteWith(quote: string, text: string): string | undefined {
  let body: string
  if (quote === '"') {
    if (/\\[nr]/.test(text)) return undefined // dotenv would turn it into a newline or CR
    body = text.replace(/\r/g, '\\r').replace(/\n/g, '\\n')
  } else {
    if (text.includes('\r')) return undefined // dotenv turns it into LF before parsing
    body = text
  }
  for (let at = body.indexOf(quote); at !== -1; at = body.indexOf(quote, at + 1)) {
    if (body[at - 1] !== '\\') return undefined // would close the value early
  }
  const quoted = `${quote}${body}${quote}`
  return body.endsWith('\\') ? `${quoted} # ${quote}${TRAILING_BACKSLASH_NOTE}${quote}` : quoted
}

function isSafeUnquoted(text: string): boolean {
  return (
    text !== '' &&
    !/[#\n\r]/.test(text) && // a comment or a line break would cut it
    !/[\u2028\u2029]/.test(text) && // dotenv strips quotes after these "line" breaks
    text.trim() === text && // dotenv trims unquoted values
    !QUOTES.includes(text[0] ?? '') // a leading quote would be stripped or unescaped
  )
}
