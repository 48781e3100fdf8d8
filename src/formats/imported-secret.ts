// The record every import format produces and every export format consumes: one secret with
// its scope and flags, its value as the exact bytes. Formats are pure (text in, records out,
// and back); the commands check names and sizes against the vault's rules.

export interface ImportedSecret {
  name: string
  /** The exact bytes of the value. */
  value: Uint8Array
  /** Environment scope pattern; `*` unless the format carries one. */
  environment: string
  /** Branch scope pattern; `*` unless the format carries one. */
  branch: string
  description?: string
  /** Injected into every matching run, as a GitLab CI/CD variable is. */
  variable: boolean
  /** A file-type variable: the run gets a path to a file holding the value. */
  file: boolean
  /** Resolves only on protected branches. */
  protected: boolean
}

/** What the export formats read: the same fields, taken from the vault. */
export type ExportedSecret = ImportedSecret & {}
