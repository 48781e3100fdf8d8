// The one text form of a provider reference, the part a user writes after
// `secrets add --ref PROVIDER:`, so a secret bound once is found by every job that asks for it.
import {type SecretSource} from './types.js'

/**
 * vault `path/field@engine-path` (e.g. `production/db/password@ops`, the form GitLab's short
 * syntax uses), aws `secret-id` or `secret-id#field`, gcp `name` or `name@version` (a
 * `latest` version is left out), azure `name` or `name@version`, GitLab Secrets Manager `name`.
 */
export function canonicalReference(source: SecretSource): string {
  switch (source.provider) {
    case 'vault': {
      const secret = source.path === '' ? source.field : `${source.path}/${source.field}`
      return `${secret}@${source.engine.path}`
    }

    case 'aws_secrets_manager': {
      return source.field === undefined ? source.secretId : `${source.secretId}#${source.field}`
    }

    case 'gcp_secret_manager': {
      return source.version === 'latest' ? source.name : `${source.name}@${source.version}`
    }

    case 'azure_key_vault': {
      return source.version === undefined ? source.name : `${source.name}@${source.version}`
    }

    case 'gitlab_secrets_manager': {
      return source.name
    }
  }
}
