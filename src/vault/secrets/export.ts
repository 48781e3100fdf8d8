import {mostSpecific} from '../../scope.js'
import type {ExportedSecret} from '../../formats/imported-secret.js'
import type {SecretSummary} from './summary.js'

export interface ExportScope {
  environment?: string
  branch?: string
}

/**
 * The secrets an export holds. Without scope flags, every secret; with them, for each name the
 * secret a run in that environment and branch would get (the most specific match; a missing
 * environment or branch matches only `*` scopes).
 */
export function selectForExport(secrets: readonly SecretSummary[], scope: ExportScope): SecretSummary[] {
  if (scope.environment === undefined && scope.branch === undefined) return [...secrets]
  const byName = new Map<string, SecretSummary[]>()
  for (const s of secrets) byName.set(s.name, [...(byName.get(s.name) ?? []), s])
  const chosen: SecretSummary[] = []
  for (const candidates of byName.values()) {
    const found = mostSpecific(candidates, scope.environment ?? '', scope.branch ?? '')
    if (found) chosen.push(found)
  }

  return chosen
}

/** What an export reads: any SecretStore. */
export interface ExportSource {
  list(): SecretSummary[]
  valueOf(secret: {name: string; environment: string; branch: string}): Uint8Array
}

export function exportSecrets(store: ExportSource, scope: ExportScope): ExportedSecret[] {
  return selectForExport(store.list(), scope).map((s) => ({
    name: s.name,
    value: store.valueOf(s),
    environment: s.environment,
    branch: s.branch,
    description: s.description ?? undefined,
    variable: s.variable,
    file: s.file,
    protected: s.protected,
  }))
}
