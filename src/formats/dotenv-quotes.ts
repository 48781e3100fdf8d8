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
 * What to write after `NAME=` so that dotenv reads back exactly `text` AND a POSIX shell that
 * sources the file (`set -a; . ./.env`) assigns exactly `text` and runs nothing; undefined when
 * no quoting does both. A shell is the other common reader of a `.env` file, and a value is
 * input (anyone who may write the secret chose it): `$(…)`, backticks or `$VAR` in it must stay
 * text.
 *
 *  - Single quotes first: literal in sh (nothing at all is special inside them) and literal in
 *    dotenv (which unescapes only in double quotes), newlines included. The value must not hold
 *    a `'`. A value ending with a backslash gets the comment described below.
 *  - Double quotes for a value with a `'`: sh still expands `$`, `` ` `` and `\` before `$ ` " \`
 *    or a newline inside them, and dotenv turns `\n` and `\r` into line breaks, so the value must
 *    hold none of `$ ` "` and no backslash before those, `n`, `r`, or the closing quote.
 *  - Never backticks (command substitution in sh) and never bare (sh splits and expands it).
 *  - A carriage return has no form (dotenv turns every CR in the file into LF, and `\r` in double
 *    quotes is a backslash and an r to sh), nor has NUL (a shell variable cannot hold it).
 */
export function quoteValue(text: string): string | undefined {
  if (/[\0\r]/.test(text)) return undefined
  if (!text.includes("'")) {
    const quoted = `'${text}'`
    // sh reads `# …` after a blank as a comment too, so the guard is inert there.
    return text.endsWith('\\') ? `${quoted} # '${TRAILING_BACKSLASH_NOTE}'` : quoted
  }
  if (/[$`"]/.test(text) || /\\(?:[$`"\\\nnr]|$)/.test(text)) return undefined
  return `"${text}"`
}

// A comment after the closing quote that holds a bare quote of the same kind: when the value
// ends with a backslash its closing quote counts as escaped (dotenv reads `\'` as part of the
// value), and without this bare quote dotenv could pick a quote further down the file as the
// closing one.
const TRAILING_BACKSLASH_NOTE = 'value ends with a backslash'
