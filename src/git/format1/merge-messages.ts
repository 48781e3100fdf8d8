// What the merge driver tells people on stderr, one line each, from a merge report.
import type {Format1MergeReport} from './merge-format1.js'
import type {SecretRef} from './merge-findings.js'

export function format1MergeMessages(report: Format1MergeReport): string[] {
  const scope = (s: SecretRef) => `${s.name} (environment ${s.environment}, branch ${s.branch})`
  return [
    ...report.changedOnBothSides.map((s) => `${scope(s)} was changed on both sides; kept both versions, the newer is current`),
    ...report.addedOnBothSides.map((s) => `${scope(s)} was added on both sides as two secrets; kept both, check it with \`secrets list\``),
    ...report.removedAndChanged.map((s) => `${scope(s)} was removed on one side and changed on the other; it stays removed, its versions are kept`),
    ...report.underOlderKey.map(
      (s) => `${scope(s)} has a value under an older key than the other side's re-key; run \`secrets rotate --key\` if that re-key was to shut someone out`,
    ),
    ...report.membersWithoutNewestKey.map(
      (name) => `${name} was added on one side while the other re-keyed the vault; they cannot read its values until \`secrets rotate --key\``,
    ),
    ...report.rowConflicts.map((c) => `row ${c.id} of table ${c.table} was changed differently on both sides; kept ours`),
    ...(report.keptDeletions > 0
      ? [`${report.keptDeletions === 1 ? '1 row deleted on one side was' : `${report.keptDeletions} rows deleted on one side were`} kept (a vault merges by union)`]
      : []),
  ]
}
