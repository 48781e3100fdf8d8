// `export --format dotenv` writes files a POSIX shell can source (`set -a; . ./.env`) without
// running or expanding anything in a value, that dotenv still reads back exactly; a value no
// quoting carries both ways is refused by name. The long run is test/soak/dotenv-shell.soak.ts.
import {parse as dotenvParse} from 'dotenv'
import {describe, expect, it} from 'vitest'

import {formatDotenv} from '../../src/formats/dotenv.js'
import {checkDotenvInShells} from './dotenv-shell-property.js'
import {usageError} from './usage-error.js'

const bytes = (text: string) => new TextEncoder().encode(text)
const format = (value: string, name = 'KEY') => formatDotenv([{name, value: bytes(value)}])

describe('dotenv export a shell can source', () => {
  it('single-quotes values (nothing is special inside them in sh, nor in dotenv)', () => {
    expect(format('$(touch PWNED) `id` $HOME \\n # x')).toBe("KEY='$(touch PWNED) `id` $HOME \\n # x'\n")
    expect(format('line one\nline two\n')).toBe("KEY='line one\nline two\n'\n")
    expect(format('C:\\dir\\')).toBe("KEY='C:\\dir\\' # 'value ends with a backslash'\n")
  })

  it("double-quotes a value with a ' only when nothing in it is special to sh or dotenv there", () => {
    expect(format("it's here\nand there")).toBe(`KEY="it's here\nand there"\n`)
    expect(format("it's C:\\dir\\x")).toBe(`KEY="it's C:\\dir\\x"\n`)
    expect(dotenvParse(format("it's C:\\dir\\x"))).toStrictEqual({KEY: "it's C:\\dir\\x"})
  })

  it.each([
    ["it's $HOME"],
    ["it's `id`"],
    [`it's "quoted"`],
    ["it's a\\nb"],
    ["it's a\\\\b"],
    ["it's the end\\"],
    ['windows\r\nline'],
    ['nul\u0000byte'],
  ])('refuses %j by name, never quoting the value', (value) => {
    const error = usageError(() => format(value, 'API_TOKEN'))
    expect(error.message).toBe('cannot export API_TOKEN as dotenv: no quoting keeps its value both exact for dotenv and inert in a shell that sources the file')
    expect(error.hint).toBe("a value with a carriage return, a NUL, or a ' together with $, `, \" or a backslash has no such form; use --format json")
  })

  it('refuses a name a shell would run as a command', () => {
    expect(usageError(() => format('x', '1PASSWORD')).message).toBe('cannot export 1PASSWORD as dotenv: a shell sourcing the file would run it as a command, not set it')
  })

  it('property: generated values are refused by name, or read back exactly by dotenv, /bin/sh and bash --posix, running nothing', {timeout: 60_000}, async () => {
    await checkDotenvInShells(Number(process.env.DOTENV_SHELL_RUNS ?? 12))
  })
})
