import {parse as dotenvParse} from 'dotenv'
import {describe, expect, it} from 'vitest'

import {formatDotenv, parseDotenv} from '../../src/formats/dotenv.js'
import {usageError} from './usage-error.js'

const bytes = (text: string) => new TextEncoder().encode(text)
const plain = (name: string, value: string) => ({
  name,
  value: bytes(value),
  environment: '*',
  branch: '*',
  variable: false,
  file: false,
  protected: false,
})

// Values in the error fixtures: no error message may contain it.
const SECRET = 'hunter2-s3cret'

const PRIVATE_KEY = [
  '-----BEGIN PRIVATE KEY-----',
  'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj',
  'MzEfYyjiWA4R4/M2bS1GB4t7NXp98C3SC6dVMvDuictGeurT8jNbvJZHtCSuYEvu',
  '-----END PRIVATE KEY-----',
].join('\n')

// As Rails and Node projects write them: exports, all three quotes, comments, a PEM key in
// double quotes over several lines, URLs with `#` and `?`.
const REALISTIC_ENV = [
  '# Application settings -- copy to .env.local and fill in',
  'export RAILS_ENV=production',
  'export NODE_ENV="production"',
  '',
  '# Database',
  'DATABASE_URL=postgres://app:p%40ss@db.internal:5432/app?sslmode=require&pool=5',
  "REDIS_URL='redis://:s3cret@cache:6379/0'   # cache and sessions",
  '  SECRET_KEY_BASE = 8f1d0c3b9e7a4f2d6c5b8a9e0f1d2c3b   ',
  'SENTRY_DSN="https://abc123@o4504.ingest.sentry.io/42"',
  'OAUTH_CALLBACK="https://example.com/auth/callback?next=/home#top" # where the provider returns',
  'STRIPE_WEBHOOK_SECRET=whsec_5f8b2a # rotated monthly',
  '',
  'GREETING="Hello,\\nWorld"',
  "LITERAL='no \\n escape in single quotes'",
  'SHELL_SNIPPET=`echo "it\'s $HOME"`',
  "PASSWORD_WITH_DOLLAR='pa$$w0rd#1'",
  'PADDED="  keep my spaces  "',
  `JWT_PRIVATE_KEY="${PRIVATE_KEY}"`,
  'UNICODE_GREETING="grüße 👋"',
  'LOG_LEVEL=info',
  '',
].join('\n')

const REALISTIC_RECORDS = [
  plain('RAILS_ENV', 'production'),
  plain('NODE_ENV', 'production'),
  plain('DATABASE_URL', 'postgres://app:p%40ss@db.internal:5432/app?sslmode=require&pool=5'),
  plain('REDIS_URL', 'redis://:s3cret@cache:6379/0'),
  plain('SECRET_KEY_BASE', '8f1d0c3b9e7a4f2d6c5b8a9e0f1d2c3b'),
  plain('SENTRY_DSN', 'https://abc123@o4504.ingest.sentry.io/42'),
  plain('OAUTH_CALLBACK', 'https://example.com/auth/callback?next=/home#top'),
  plain('STRIPE_WEBHOOK_SECRET', 'whsec_5f8b2a'),
  plain('GREETING', 'Hello,\nWorld'),
  plain('LITERAL', 'no \\n escape in single quotes'),
  plain('SHELL_SNIPPET', 'echo "it\'s $HOME"'),
  plain('PASSWORD_WITH_DOLLAR', 'pa$$w0rd#1'),
  plain('PADDED', '  keep my spaces  '),
  plain('JWT_PRIVATE_KEY', PRIVATE_KEY),
  plain('UNICODE_GREETING', 'grüße 👋'),
  plain('LOG_LEVEL', 'info'),
]

describe('parseDotenv', () => {
  it('reads a realistic .env file into plain secrets, in file order', () => {
    expect(parseDotenv(REALISTIC_ENV)).toStrictEqual(REALISTIC_RECORDS)
  })

  it('reads the same file with CRLF line endings the same way', () => {
    expect(parseDotenv(REALISTIC_ENV.replace(/\n/g, '\r\n'))).toStrictEqual(REALISTIC_RECORDS)
  })

  it('agrees with dotenv on every value', () => {
    const fromDotenv = dotenvParse(REALISTIC_ENV)
    const decoder = new TextDecoder()
    const ours = Object.fromEntries(parseDotenv(REALISTIC_ENV).map((s) => [s.name, decoder.decode(s.value)]))
    expect(ours).toStrictEqual(fromDotenv)
  })

  it('reads an empty file, or one of comments, as no secrets', () => {
    expect(parseDotenv('')).toStrictEqual([])
    expect(parseDotenv('# nothing yet\n\n   \n  # indented comment\n')).toStrictEqual([])
  })

  it('reads keys with dots and dashes as dotenv does (the caller checks names)', () => {
    expect(parseDotenv('app.key-1=x\n').map((s) => s.name)).toStrictEqual(['app.key-1'])
  })

  describe('errors name the line and never the value', () => {
    const cases: [string, string, string][] = [
      ['a duplicate key, with both lines', `A=1\n# note\nexport A=${SECRET}\n`, 'line 3: A is set twice (first on line 1)'],
      [
        'a duplicate key after a multi-line value',
        `KEY="${SECRET}\nmore"\nOTHER=x\nKEY=${SECRET}\n`,
        'line 4: KEY is set twice (first on line 1)',
      ],
      ['a line that is not KEY=value', `A=1\n${SECRET}\n`, 'line 2: expected KEY=value'],
      ['a YAML-style line', `A: ${SECRET}\n`, 'line 1: expected KEY=value'],
      ['a bare key', `A=1\n\nEMPTY_KEY\n`, 'line 3: expected KEY=value'],
      ['the rest of an unquoted multi-line value', `KEY=${SECRET}\nsecond line\n`, 'line 2: expected KEY=value'],
      ['an empty value', 'A=1\nB=\n', 'line 2: B has an empty value'],
      ['an empty value with a comment', 'B=   # to be filled in\n', 'line 1: B has an empty value'],
      ['empty double quotes', 'B=""\n', 'line 1: B has an empty value'],
      ['empty single quotes', "export B=''\n", 'line 1: B has an empty value'],
      [
        'an unclosed double quote',
        `A=1\nKEY="${SECRET}\nB=2\n`,
        'line 2: the quoted value of KEY is not closed, or has text after its closing quote',
      ],
      ['an unclosed single quote', `KEY='${SECRET}\n`, 'line 1: the quoted value of KEY is not closed, or has text after its closing quote'],
      [
        'text after the closing quote',
        `KEY="${SECRET}" trailing\n`,
        'line 1: the quoted value of KEY is not closed, or has text after its closing quote',
      ],
      [
        'a # inside an unquoted value',
        `PASSWORD=${SECRET}#42\n`,
        'line 1: the unquoted value of PASSWORD contains #, which dotenv reads as a comment',
      ],
      [
        'a line that dotenv reads as a key inside a comment',
        `# note\u2028HIDDEN=${SECRET}\n`,
        'dotenv reads HIDDEN from a line that is not KEY=value',
      ],
      ['a lone surrogate', 'KEY="\ud800x"\n', 'line 1: KEY: the value is not valid unicode (a lone surrogate)'],
    ]
    it.each(cases)('%s', (_, text, message) => {
      const error = usageError(() => parseDotenv(text))
      expect(error.message).toBe(message)
      expect(`${error.message} ${error.hint ?? ''}`).not.toContain(SECRET)
    })
  })
})

describe('formatDotenv', () => {
  const format = (value: string, name = 'KEY') => formatDotenv([{name, value: bytes(value)}])

  // Single quotes: inert when a shell sources the file, literal to dotenv (dotenv-shell.test.ts).
  it('writes single quotes, newlines kept, nothing escaped', () => {
    expect(format('plain')).toBe("KEY='plain'\n")
    expect(format(PRIVATE_KEY)).toBe(`KEY='${PRIVATE_KEY}'\n`)
    expect(format(`$HOME # not a comment "quoted" C:\\new\\dir`)).toBe(`KEY='$HOME # not a comment "quoted" C:\\new\\dir'\n`)
  })

  it("writes double quotes for a value with a ' and nothing a shell or dotenv would change", () => {
    expect(format("it's\nmulti-line")).toBe(`KEY="it's\nmulti-line"\n`)
  })

  it('guards a value that ends with a backslash against a later quote closing it', () => {
    const text = formatDotenv([
      {name: 'WIN_DIR', value: bytes('C:\\Program Files\\')},
      {name: 'NEXT', value: bytes(' # looks like a comment')},
    ])
    expect(text).toBe("WIN_DIR='C:\\Program Files\\' # 'value ends with a backslash'\nNEXT=' # looks like a comment'\n")
    expect(dotenvParse(text)).toStrictEqual({WIN_DIR: 'C:\\Program Files\\', NEXT: ' # looks like a comment'})
  })

  it('writes what parseDotenv reads back, in the order given', () => {
    // SHELL_SNIPPET holds ', " and $ at once: no quoting is inert in a shell and exact in dotenv.
    const exportable = REALISTIC_RECORDS.filter(({name}) => name !== 'SHELL_SNIPPET')
    const secrets = exportable.map(({name, value}) => ({name, value}))
    expect(parseDotenv(formatDotenv(secrets))).toStrictEqual(exportable)
    expect(usageError(() => formatDotenv(REALISTIC_RECORDS)).message).toMatch(/^cannot export SHELL_SNIPPET as dotenv: /)
  })

  it('writes nothing for no secrets', () => {
    expect(formatDotenv([])).toBe('')
  })

  describe('refuses, naming the key and never the value', () => {
    const cases: [string, {name: string; value: Uint8Array}[], string][] = [
      [
        'a carriage return with a double quote',
        [{name: 'KEY', value: bytes(`"${SECRET}"\r\n`)}],
        'cannot export KEY as dotenv: no quoting keeps its value both exact for dotenv and inert in a shell that sources the file',
      ],
      [
        'a carriage return with a literal backslash-n',
        [{name: 'KEY', value: bytes(`${SECRET}\\n\r`)}],
        'cannot export KEY as dotenv: no quoting keeps its value both exact for dotenv and inert in a shell that sources the file',
      ],
      [
        'all three quotes and a newline',
        [{name: 'KEY', value: bytes(`"${SECRET}'\n\``)}],
        'cannot export KEY as dotenv: no quoting keeps its value both exact for dotenv and inert in a shell that sources the file',
      ],
      [
        'a value that is not utf-8',
        [{name: 'BLOB', value: Uint8Array.of(0x73, 0x65, 0xff, 0xfe)}],
        'cannot export BLOB as dotenv: its value is not valid utf-8',
      ],
      ['an empty value', [{name: 'KEY', value: bytes('')}], 'cannot export KEY as dotenv: its value is empty'],
      [
        'the same name twice',
        [
          {name: 'KEY', value: bytes(SECRET)},
          {name: 'KEY', value: bytes(SECRET)},
        ],
        'cannot export KEY twice to one dotenv file',
      ],
      ['a name dotenv cannot read', [{name: 'MY KEY', value: bytes(SECRET)}], 'cannot export "MY KEY" as dotenv: not a dotenv key'],
    ]
    it.each(cases)('%s', (_, secrets, message) => {
      const error = usageError(() => formatDotenv(secrets))
      expect(error.message).toBe(message)
      expect(`${error.message} ${error.hint ?? ''}`).not.toContain(SECRET)
    })
  })
})
