import type {ImportedSecret} from '../formats/imported-secret.js'
import {usage} from '../errors.js'
import {type NewSecret, checkNewSecret, insertSecret, writeVersion} from './add-secret.js'
import type {SecretRow} from './records.js'
import {insertTombstone} from './remove-secret.js'
import {checkValue} from './rules.js'
import {liveSecrets, stampAfter, versionsOf} from './secret-rows.js'
import type {Session} from './session.js'
import {describeSecret} from './vault.js'

export type ImportAction = 'add' | 'skip' | 'overwrite'

export interface ImportResult {
  dryRun: boolean
  added: number
  skipped: number
  overwritten: number
  secrets: {name: string; environment: string; branch: string; action: ImportAction}[]
}

/**
 * Imports records in ONE transaction: every record is checked against GitLab's rules first,
 * so one bad line leaves the vault untouched. A secret that exists (same name and scope) is
 * skipped, or with `overwrite` gets the imported value as a new version. When the format
 * carries metadata (GitLab's variables) that differs, the old secret is tombstoned and a new
 * one takes its place, since a secret's row is signed as written.
 */
export function importSecrets(
  session: Session,
  records: readonly ImportedSecret[],
  options: {now: Date; maxValueBytes: number; overwrite: boolean; dryRun: boolean; /** false: the format has values only (dotenv), keep what the vault knows */ metadata: boolean},
): ImportResult {
  const inputs = records.map((record, index) => {
    const input: NewSecret = {
      name: record.name, environment: record.environment, branch: record.branch, description: record.description,
      variable: record.variable, file: record.file, protected: record.protected,
    }
    try {
      checkNewSecret(input)
      checkValue(record.value, options.maxValueBytes)
    } catch (error) {
      const {message} = error as Error
      throw usage(`entry ${index + 1} (${record.name.slice(0, 255)}): ${message}`, 'nothing was imported')
    }

    return {input, value: record.value}
  })
  refuseDuplicates(inputs.map((i) => i.input))

  const {vault} = session
  const existing = new Map(liveSecrets(vault).map((s) => [key(s), s]))
  const planned = inputs.map(({input, value}) => {
    const found = existing.get(key(input))
    const action: ImportAction = !found ? 'add' : options.overwrite ? 'overwrite' : 'skip'
    return {input, value, found, action}
  })
  for (const p of planned) {
    if (p.action === 'add') session.require('create', p.input)
    if (p.action === 'overwrite') session.require('update', p.input)
  }

  const result: ImportResult = {
    dryRun: options.dryRun,
    added: planned.filter((p) => p.action === 'add').length,
    skipped: planned.filter((p) => p.action === 'skip').length,
    overwritten: planned.filter((p) => p.action === 'overwrite').length,
    secrets: planned.map((p) => ({name: p.input.name, environment: p.input.environment, branch: p.input.branch, action: p.action})),
  }
  if (options.dryRun) return result

  vault.write(() => {
    const createdAt = options.now.toISOString()
    for (const p of planned) {
      if (p.action === 'add') insertSecret(session, p.input, p.value, createdAt)
      if (p.action !== 'overwrite' || !p.found) continue
      if (!options.metadata || sameMetadata(p.found, p.input)) {
        writeVersion(session, p.found, p.value, stampAfter(options.now, versionsOf(vault, p.found.id).at(-1)?.created_at))
      } else {
        insertTombstone(session, p.found, createdAt)
        insertSecret(session, {...p.input, rotationDays: p.found.rotation_days ?? undefined}, p.value, stampAfter(options.now, p.found.created_at))
      }
    }
  })
  return result
}

function key(s: {name: string; environment: string; branch: string}): string {
  return JSON.stringify([s.name, s.environment, s.branch])
}

function refuseDuplicates(inputs: NewSecret[]): void {
  const seen = new Set<string>()
  for (const input of inputs) {
    if (seen.has(key(input))) throw usage(`the file has ${describeSecret(input)} twice`, 'nothing was imported')
    seen.add(key(input))
  }
}

function sameMetadata(row: SecretRow, input: NewSecret): boolean {
  return (
    (row.description ?? undefined) === input.description &&
    (row.variable === 1) === input.variable &&
    (row.file === 1) === input.file &&
    (row.protected === 1) === input.protected
  )
}
