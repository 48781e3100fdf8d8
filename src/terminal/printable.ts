// Text that came from input (a CI file, an import, a vault anyone with push access writes)
// reaches people's terminals only through here: control characters, DEL, C1 controls and
// bidirectional overrides would clear lines, fake output, or write the clipboard (OSC 52).

// eslint-disable-next-line no-control-regex
const TERMINAL_CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g

/** `text` with every terminal control written as a visible `\uXXXX` escape; one line stays one line. */
export function printable(text: string): string {
  return text.replaceAll(TERMINAL_CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
}

/** As `printable`, keeping line breaks: for messages of several lines that we compose. */
export function printableLines(text: string): string {
  return text.split('\n').map(printable).join('\n')
}
