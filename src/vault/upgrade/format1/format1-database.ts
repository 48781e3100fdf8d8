// Format-1 vault files, as `secrets upgrade` and the diff and merge drivers still meet them (old
// commits, branches not upgraded yet): opened with the same schema guard, and (read-write,
// on a copy) brought forward to format 1's last schema.
import {SecretsError} from '../../../errors.js'
import {type Database, openVaultFile} from '../../store/database.js'
import {FORMAT1_MIGRATIONS} from '../../store/schema.js'

export const FORMAT1_LATEST = FORMAT1_MIGRATIONS.length

export function openFormat1(path: string, options: {readonly?: boolean} = {}): Database {
  const file = openVaultFile(path, {readonly: options.readonly, format1: true})
  if (file.format !== 1) {
    file.db.close()
    throw new SecretsError('ERROR', `${path} is not a format-1 vault`)
  }

  if (!options.readonly && file.schemaVersion < FORMAT1_LATEST) {
    const {db} = file
    db.transaction(() => {
      for (let v = file.schemaVersion; v < FORMAT1_LATEST; v++) db.exec(FORMAT1_MIGRATIONS[v]!)
      db.pragma(`user_version = ${FORMAT1_LATEST}`)
    })()
  }

  return file.db
}
