// The vault's own view of its secrets as JSON, for scripts and for moving secrets between
// tools: every field of the record, values as UTF-8 text.
import {type ExportedSecret} from './imported-secret.js'
import {decodeValue} from './utf8.js'

export interface JsonSecret {
  name: string
  value: string
  environment: string
  branch: string
  description: string | null
  variable: boolean
  file: boolean
  protected: boolean
}

/** Pretty JSON, one object per secret in the order given; a missing description is null. */
export function formatJson(secrets: readonly ExportedSecret[]): string {
  const records = secrets.map(
    (secret): JsonSecret => ({
      name: secret.name,
      value: decodeValue(secret.name, secret.value, 'json'),
      environment: secret.environment,
      branch: secret.branch,
      description: secret.description ?? null,
      variable: secret.variable,
      file: secret.file,
      protected: secret.protected,
    }),
  )
  return `${JSON.stringify(records, null, 2)}\n`
}
