import {describe, expect, it} from 'vitest'

import {formatGitlabVariables, isMaskable, parseGitlabVariables} from '../../src/formats/gitlab-variables.js'
import {type ExportedSecret} from '../../src/formats/imported-secret.js'
import {usageError} from './usage-error.js'

const bytes = (text: string) => new TextEncoder().encode(text)
const SECRET = 'hunter2-s3cret'

const KUBECONFIG = [
  'apiVersion: v1',
  'kind: Config',
  'clusters:',
  '- cluster:',
  '    certificate-authority-data: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUM=',
  '    server: https://k8s.example.com:6443',
  '  name: production',
  'users:',
  '- name: deployer',
  '  user:',
  '    token: eyJhbGciOiJSUzI1NiIsImtpZCI6IiJ9.payload.sig',
  '',
].join('\n')

const TLS_KEY = '-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIBkg4LVWM9nuwNSk3yByxZpYRTBnVJk5oZtdsBz1CqDSoAoGCCqGSM49\n-----END EC PRIVATE KEY-----\n'

// What GET /projects/:id/variables returns, with fields this tool ignores (hidden) and one
// key set for two environment scopes.
const API_RESPONSE = JSON.stringify(
  [
    {
      variable_type: 'env_var',
      key: 'DATABASE_PASSWORD',
      value: 'pr0d-p@ssw0rd',
      protected: true,
      masked: true,
      hidden: false,
      raw: false,
      environment_scope: 'production',
      description: 'Primary database, rotated quarterly',
    },
    {
      variable_type: 'env_var',
      key: 'DATABASE_PASSWORD',
      value: 'st@ging-pass',
      protected: false,
      masked: true,
      hidden: false,
      raw: false,
      environment_scope: 'staging',
      description: null,
    },
    {
      variable_type: 'file',
      key: 'KUBECONFIG',
      value: KUBECONFIG,
      protected: true,
      masked: false,
      hidden: false,
      raw: true,
      environment_scope: '*',
      description: null,
    },
    {
      variable_type: 'file',
      key: 'TLS_KEY',
      value: TLS_KEY,
      protected: false,
      masked: false,
      hidden: false,
      raw: true,
      environment_scope: 'review/*',
      description: 'Wildcard certificate key',
    },
    {
      variable_type: 'env_var',
      key: 'GREETING',
      value: 'grüße $USER',
      protected: false,
      masked: false,
      hidden: false,
      raw: true,
      environment_scope: '*',
      description: null,
    },
  ],
  null,
  2,
)

const secret = (fields: Omit<Partial<ExportedSecret>, 'value'> & {name: string; value: string}): ExportedSecret => ({
  environment: '*',
  branch: '*',
  variable: true,
  file: false,
  protected: false,
  ...fields,
  value: bytes(fields.value),
})

const IMPORTED: ExportedSecret[] = [
  secret({
    name: 'DATABASE_PASSWORD',
    value: 'pr0d-p@ssw0rd',
    environment: 'production',
    protected: true,
    description: 'Primary database, rotated quarterly',
  }),
  secret({name: 'DATABASE_PASSWORD', value: 'st@ging-pass', environment: 'staging'}),
  secret({name: 'KUBECONFIG', value: KUBECONFIG, file: true, protected: true}),
  secret({name: 'TLS_KEY', value: TLS_KEY, file: true, environment: 'review/*', description: 'Wildcard certificate key'}),
  secret({name: 'GREETING', value: 'grüße $USER'}),
]

describe('parseGitlabVariables', () => {
  it('reads the API list into variables, keeping values exactly', () => {
    expect(parseGitlabVariables(API_RESPONSE)).toStrictEqual(IMPORTED)
  })

  it('reads the minimal shape of older GitLab versions with the API defaults', () => {
    expect(parseGitlabVariables('[{"key": "TOKEN", "value": "abc"}]')).toStrictEqual([secret({name: 'TOKEN', value: 'abc'})])
  })

  it('reads a null environment_scope as every environment', () => {
    const [imported] = parseGitlabVariables('[{"key": "A", "value": "v", "environment_scope": null}]')
    expect(imported?.environment).toBe('*')
  })

  it('passes keys through unchanged: the caller checks names', () => {
    expect(parseGitlabVariables('[{"key": "not a name", "value": "v"}]')[0]?.name).toBe('not a name')
  })

  it('reads an empty list as no secrets', () => {
    expect(parseGitlabVariables('[]')).toStrictEqual([])
  })

  describe('errors name the entry and never the value', () => {
    const entry = (fields: Record<string, unknown>) => JSON.stringify([{key: 'OK', value: 'fine'}, fields])
    const cases: [string, string, string][] = [
      ['not json', `[{"key": "A", "value": "${SECRET}" oops}]`, 'gitlab variables: not valid json (line 1, column 41)'],
      ['not json, on a later line', `[\n  {"key": "A",\n   "value": "${SECRET}",}\n]`, 'gitlab variables: not valid json (line 3, column 30)'],
      ['truncated json', `[{"key": "A", "value": "${SECRET}`, 'gitlab variables: not valid json (line 1, column 39)'],
      ['an empty file', '', 'gitlab variables: not valid json'],
      ['not an array', JSON.stringify({key: 'A', value: SECRET}), 'gitlab variables: expected a json array of variables'],
      ['an entry that is not an object', JSON.stringify([SECRET]), 'variables[0]: expected an object with key and value'],
      ['an entry that is null', '[null]', 'variables[0]: expected an object with key and value'],
      ['an entry that is an array', `[["A", "${SECRET}"]]`, 'variables[0]: expected an object with key and value'],
      ['a missing key', entry({value: SECRET}), 'variables[1]: "key" must be a string'],
      ['a key that is not a string', entry({key: 42, value: SECRET}), 'variables[1]: "key" must be a string'],
      ['a missing value', entry({key: 'TOKEN'}), 'variables[1] (TOKEN): "value" must be a string'],
      ['a value that is not a string', entry({key: 'PORT', value: 5432}), 'variables[1] (PORT): "value" must be a string'],
      [
        'a hidden value',
        entry({key: 'TOKEN', value: null, hidden: true, masked: true}),
        'variables[1] (TOKEN): the value is hidden, and gitlab never returns hidden values',
      ],
      [
        'an unknown variable_type',
        entry({key: 'TOKEN', value: SECRET, variable_type: 'secret'}),
        'variables[1] (TOKEN): "variable_type" must be "env_var" or "file"',
      ],
      [
        'a protected that is not a boolean',
        entry({key: 'TOKEN', value: SECRET, protected: 'true'}),
        'variables[1] (TOKEN): "protected" must be true or false',
      ],
      ['a masked that is not a boolean', entry({key: 'TOKEN', value: SECRET, masked: 1}), 'variables[1] (TOKEN): "masked" must be true or false'],
      [
        'an environment_scope that is not a string',
        entry({key: 'TOKEN', value: SECRET, environment_scope: ['production']}),
        'variables[1] (TOKEN): "environment_scope" must be a non-empty string',
      ],
      [
        'an empty environment_scope',
        entry({key: 'TOKEN', value: SECRET, environment_scope: ''}),
        'variables[1] (TOKEN): "environment_scope" must be a non-empty string',
      ],
      [
        'a description that is not a string',
        entry({key: 'TOKEN', value: SECRET, description: {text: 'x'}}),
        'variables[1] (TOKEN): "description" must be a string or null',
      ],
      [
        'a key with a line break, shown quoted',
        entry({key: 'BAD\nKEY', value: SECRET, protected: 'yes'}),
        'variables[1] ("BAD\\nKEY"): "protected" must be true or false',
      ],
      [
        'the same key and scope twice',
        JSON.stringify([
          {key: 'TOKEN', value: SECRET, environment_scope: 'production'},
          {key: 'TOKEN', value: SECRET, environment_scope: 'staging'},
          {key: 'TOKEN', value: SECRET, environment_scope: 'production'},
        ]),
        'variables[2] (TOKEN): same key and environment_scope as variables[0]',
      ],
      [
        'the same key twice with the default scope',
        JSON.stringify([
          {key: 'TOKEN', value: SECRET},
          {key: 'TOKEN', value: SECRET, environment_scope: '*'},
        ]),
        'variables[1] (TOKEN): same key and environment_scope as variables[0]',
      ],
      ['a lone surrogate', '[{"key": "TOKEN", "value": "\\ud800"}]', 'variables[0] (TOKEN): the value is not valid unicode (a lone surrogate)'],
    ]
    it.each(cases)('%s', (_, text, message) => {
      const error = usageError(() => parseGitlabVariables(text))
      expect(error.message).toBe(message)
      expect(`${error.message} ${error.hint ?? ''}`).not.toContain(SECRET)
    })
  })
})

describe('formatGitlabVariables', () => {
  it('writes the API shape, masking what GitLab can mask, raw so that $ stays literal', () => {
    const text = formatGitlabVariables(IMPORTED.slice(0, 3))
    expect(text.endsWith('}\n]\n')).toBe(true)
    expect(JSON.parse(text)).toStrictEqual([
      {
        key: 'DATABASE_PASSWORD',
        value: 'pr0d-p@ssw0rd',
        variable_type: 'env_var',
        environment_scope: 'production',
        protected: true,
        masked: true,
        raw: true,
        description: 'Primary database, rotated quarterly',
      },
      {
        key: 'DATABASE_PASSWORD',
        value: 'st@ging-pass',
        variable_type: 'env_var',
        environment_scope: 'staging',
        protected: false,
        masked: true,
        raw: true,
        description: null,
      },
      {
        key: 'KUBECONFIG',
        value: KUBECONFIG,
        variable_type: 'file',
        environment_scope: '*',
        protected: true,
        masked: false,
        raw: true,
        description: null,
      },
    ])
  })

  it('reads back what it writes', () => {
    expect(parseGitlabVariables(formatGitlabVariables(IMPORTED))).toStrictEqual(IMPORTED)
  })

  it('exports plain secrets as variables too', () => {
    const [exported] = JSON.parse(formatGitlabVariables([secret({name: 'A', value: 'v', variable: false})])) as {key: string}[]
    expect(exported?.key).toBe('A')
  })

  describe('refuses, naming the key and never the value', () => {
    const cases: [string, ExportedSecret[], string][] = [
      [
        'a value that is not utf-8',
        [{...secret({name: 'BLOB', value: ''}), value: Uint8Array.of(0xc3, 0x28)}],
        'cannot export BLOB as gitlab variables: its value is not valid utf-8',
      ],
      [
        'a branch-scoped secret',
        [secret({name: 'TOKEN', value: SECRET, branch: 'main'})],
        'cannot export TOKEN (branch main) as gitlab variables: gitlab variables have no branch scope',
      ],
      [
        'the same key and environment twice',
        [secret({name: 'TOKEN', value: SECRET}), secret({name: 'TOKEN', value: SECRET})],
        'cannot export TOKEN twice with environment scope *',
      ],
    ]
    it.each(cases)('%s', (_, secrets, message) => {
      const error = usageError(() => formatGitlabVariables(secrets))
      expect(error.message).toBe(message)
      expect(`${error.message} ${error.hint ?? ''}`).not.toContain(SECRET)
    })
  })
})

describe('isMaskable', () => {
  it.each([
    ['12345678', true],
    ['glpat-xxxxxxxxxxxxxxxxxxxx', true],
    ['p@$$w0rd!#%&*', true],
    ['grüße-und-mehr', true],
    ['1234567', false],
    ['seven77', false],
    ['has a space', false],
    ['tab\tinside', false],
    ['two\nlines', false],
    ['trailing-newline\n', false],
    ['😀😀😀😀😀😀😀😀', true], // eight characters, sixteen UTF-16 units
    ['😀😀😀😀', false],
  ])('%j → %s', (value, maskable) => {
    expect(isMaskable(value)).toBe(maskable)
  })
})
