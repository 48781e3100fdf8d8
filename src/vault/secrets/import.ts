import {usage} from '../../errors.js'
import {checkInjectableName} from '../../run/startup-variables.js'
import type {ImportedSecret} from '../../formats/imported-secret.js'
import {describeScope, describeSecret, secretKey, shadows} from '../../scope.js'
import type {VaultSession} from '../session.js'
import {checkValue} from '../validate.js'
import {type NewSecret, checkNewSecret, metadataOfInput} from './add.js'
import {requireRight, requireVariableRight} from './rights.js'
import type {KeyChoices} from '../keys/choose-key.js'
import {appendVersion, metadataOf} from './write-value.js'

export type ImportAction = 'add' | 'skip' | 'overwrite'

export interface ImportResult {
  dryRun: boolean
  added: number
  skipped: number
  overwritten: number
  secrets: {name: string; environment: string; branch: string; action: ImportAction}[]
}

export interface ImportOptions {
  maxValueBytes: number
  overwrite: boolean
  dryRun: boolean
  /** false: the format has values only (dotenv), so an overwritten secret keeps the metadata the vault has. */
  metadata: boolean
  onProgress?: (done: number, total: number) => void
}

/**
 * Imports records in ONE transaction: every record is checked against GitLab's rules and the
 * importer's rights first, so one bad line leaves the vault untouched. A secret that exists
 * (same name and scope) is skipped, or with `overwrite` gets the imported value (and, for a
 * format with metadata, the imported metadata) as a new version.
 */
export function importSecrets(session: VaultSession, records: readonly ImportedSecret[], options: ImportOptions): ImportResult {
  const inputs = records.map((record, index) => {
    const input: NewSecret = {
      name: record.name, environment: record.environment, branch: record.branch, description: record.description,
      variable: record.variable, file: record.file, protected: record.protected,
    }
    try {
      checkNewSecret(input)
      checkValue(record.value, options.maxValueBytes)
    } catch (error) {
      throw usage(`entry ${index + 1} (${record.name.slice(0, 255)}): ${(error as Error).message}`, 'nothing was imported')
    }

    return {input, value: record.value}
  })
  refuseDuplicates(inputs.map((i) => i.input))

  const plan = () =>
    inputs.map(({input, value}) => {
      const found = session.history.secret(input)
      const action: ImportAction = !found ? 'add' : options.overwrite ? 'overwrite' : 'skip'
      if (action === 'add') requireRight(session, 'create', input)
      const shadowed = action === 'add' ? session.history.secretsNamed(input.name).find((s) => shadows(input, s)) : undefined
      if (shadowed) requireRight(session, 'update', input, `runs there would get it instead of the one in ${describeScope(shadowed)}`)
      if (action === 'overwrite') requireRight(session, 'update', input)
      const variable = input.variable || (found !== undefined && action === 'overwrite' && session.history.version(found.current).data.variable)
      // A new value for a --variable secret stored under a name no run injects would be a value
      // nobody can use (`run` refuses it): refuse it here too, by name.
      if (action !== 'skip' && variable) checkInjectableName(input.name, `cannot import ${input.name}`)
      if (action !== 'skip' && variable) requireVariableRight(session, 'import --variable secrets')
      return {input, value, found, action}
    })

  const planned = plan()
  const result: ImportResult = {
    dryRun: options.dryRun,
    added: planned.filter((p) => p.action === 'add').length,
    skipped: planned.filter((p) => p.action === 'skip').length,
    overwritten: planned.filter((p) => p.action === 'overwrite').length,
    secrets: planned.map((p) => ({name: p.input.name, environment: p.input.environment, branch: p.input.branch, action: p.action})),
  }
  if (options.dryRun) return result

  session.write(() => {
    // Decided on the history as the transaction found it; the appends below do not change it.
    const steps = plan()
      .filter((p) => p.action !== 'skip')
      .map((p) => {
        const existing = p.found ? session.history.version(p.found.current).data : undefined
        const metadata = existing && !options.metadata ? metadataOf(existing) : {...metadataOfInput(p.input), rotation_days: existing?.rotation_days ?? null}
        return {...p, metadata}
      })
    const choices: KeyChoices = new Map()
    steps.forEach((p, i) => {
      appendVersion(session, p.input, p.metadata, p.value, {choices})
      options.onProgress?.(i + 1, steps.length)
    })
  })
  return result
}

function refuseDuplicates(inputs: NewSecret[]): void {
  const seen = new Set<string>()
  for (const input of inputs) {
    if (seen.has(secretKey(input))) throw usage(`the file has ${describeSecret(input)} twice`, 'nothing was imported')
    seen.add(secretKey(input))
  }
}
