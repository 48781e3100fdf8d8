// What the GitLab CI parser hands to the rest of the tool: plain data, no YAML nodes.

/** Where a secret comes from, one shape per provider GitLab's `secrets:` keyword knows. */
export type SecretSource =
  | {provider: 'gitlab_secrets_manager'; name: string; source?: string}
  | {provider: 'vault'; engine: {name: string; path: string}; path: string; field: string}
  | {
      provider: 'aws_secrets_manager'
      secretId: string
      field?: string
      versionId?: string
      versionStage?: string
      region?: string
      roleArn?: string
      roleSessionName?: string
    }
  | {provider: 'gcp_secret_manager'; name: string; version: string}
  | {provider: 'azure_key_vault'; name: string; version?: string}

export type SecretProvider = SecretSource['provider']

/** One key under a job's `secrets:`. Values are kept as written: `$VAR`s are expanded later. */
export interface SecretEntry {
  variable: string
  source: SecretSource
  /** GitLab's default is true: the variable holds the path of a file with the value. */
  file: boolean
  token?: string
}

export interface Job {
  name: string
  /** `environment:` as a string or `{name: …}`, unexpanded. */
  environment?: string
  /** The job's own `variables:` after extends and !reference; `{value: …}` entries give their value. */
  variables: Record<string, string>
  /** From `inherit: variables:`: true (the default), false, or the global names to inherit. */
  inheritGlobalVariables: boolean | string[]
  /** In the order written; entries that failed validation are left out (their errors are in `errors`). */
  secrets: SecretEntry[]
  /** After `default:` (and top-level) inheritance, honouring `inherit: default:`; nested arrays flattened. */
  beforeScript: string[]
  script: string[]
  afterScript: string[]
  /** This job's errors in GitLab's wording; empty when GitLab would accept the job. */
  errors: string[]
}

export interface Pipeline {
  /** Visible jobs (not `.hidden` templates), in the order of the merged configuration. */
  jobs: Job[]
  /** The global `variables:`. */
  variables: Record<string, string>
  /** `local`: the local files followed, in order; `other`: one line per include that was not fetched. */
  includes: {local: string[]; other: string[]}
  /** File-level errors: YAML syntax (file:line:col), bad or missing includes, a bad `default:`. */
  errors: string[]
}

export interface ParseOptions {
  /** Used to locate YAML errors, e.g. `.gitlab-ci.yml`. */
  fileName: string
  /**
   * A local include's text, `path` as written in the include relative to the repository root with
   * any leading `/` removed; undefined when the file does not exist. Without it, local includes
   * are listed in `includes.other` and not followed.
   */
  readLocal?: (path: string) => string | undefined
}
