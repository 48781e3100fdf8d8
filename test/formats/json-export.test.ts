import {describe, expect, it} from 'vitest'

import {type ExportedSecret} from '../../src/formats/imported-secret.js'
import {formatJson} from '../../src/formats/json-export.js'
import {usageError} from './usage-error.js'

const bytes = (text: string) => new TextEncoder().encode(text)

const SECRETS: ExportedSecret[] = [
  {
    name: 'DATABASE_URL',
    value: bytes('postgres://app:p@ss@db/app'),
    environment: 'production',
    branch: 'main',
    description: 'Primary database',
    variable: false,
    file: false,
    protected: true,
  },
  {
    name: 'KUBECONFIG',
    value: bytes('apiVersion: v1\nkind: Config\n'),
    environment: '*',
    branch: '*',
    variable: true,
    file: true,
    protected: false,
  },
  {
    name: 'BOM_AND_UNICODE',
    value: bytes('\ufeffgrüße "quoted" \\ 😀'),
    environment: 'review/*',
    branch: 'feature/*',
    variable: false,
    file: false,
    protected: false,
  },
]

describe('formatJson', () => {
  it('writes every field, values as text, a missing description as null', () => {
    const text = formatJson(SECRETS)
    expect(text).toBe(
      [
        '[',
        '  {',
        '    "name": "DATABASE_URL",',
        '    "value": "postgres://app:p@ss@db/app",',
        '    "environment": "production",',
        '    "branch": "main",',
        '    "description": "Primary database",',
        '    "variable": false,',
        '    "file": false,',
        '    "protected": true',
        '  },',
        '  {',
        '    "name": "KUBECONFIG",',
        '    "value": "apiVersion: v1\\nkind: Config\\n",',
        '    "environment": "*",',
        '    "branch": "*",',
        '    "description": null,',
        '    "variable": true,',
        '    "file": true,',
        '    "protected": false',
        '  },',
        '  {',
        '    "name": "BOM_AND_UNICODE",',
        '    "value": "\ufeffgrüße \\"quoted\\" \\\\ 😀",',
        '    "environment": "review/*",',
        '    "branch": "feature/*",',
        '    "description": null,',
        '    "variable": false,',
        '    "file": false,',
        '    "protected": false',
        '  }',
        ']',
        '',
      ].join('\n'),
    )
  })

  it('keeps the exact bytes of every value, a leading BOM included', () => {
    const parsed = JSON.parse(formatJson(SECRETS)) as {value: string}[]
    expect(parsed.map((record) => bytes(record.value))).toStrictEqual(SECRETS.map((secret) => secret.value))
  })

  it('writes an empty list for no secrets', () => {
    expect(formatJson([])).toBe('[]\n')
  })

  it('refuses a value that is not utf-8, naming the key', () => {
    const blob = {...SECRETS[1]!, name: 'BLOB', value: Uint8Array.of(0x80, 0x81)}
    expect(usageError(() => formatJson([blob])).message).toBe('cannot export BLOB as json: its value is not valid utf-8')
  })
})
