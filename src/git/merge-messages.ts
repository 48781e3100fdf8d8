// What the merge driver tells people on stderr, one line each, from a merge report.
import {format1MergeMessages} from './format1/merge-messages.js'
import type {SecretRef} from './merge-findings.js'
import type {MergeReport} from './merge-vaults.js'

export function mergeMessages(report: MergeReport): string[] {
  if (report.format === 1) return format1MergeMessages(report)
  const scope = (s: SecretRef) => `${s.name} (environment ${s.environment}, branch ${s.branch})`
  return [
    ...report.changedOnBothSides.map((s) => `${scope(s)} was changed on both sides; both versions are kept and one is current until someone rotates it (\`secrets list\` shows CONFLICT)`),
    ...report.removedAndChanged.map((s) => `${scope(s)} was removed on one side and changed on the other; it stays removed, its versions are kept`),
    ...report.voided.map((v) => `operation ${v.what} no longer counts: ${v.reason}`),
    ...(report.readersWithoutKey.length > 0
      ? [`${report.readersWithoutKey.join(', ')} cannot read values written under keys made on the other side until an owner runs \`secrets permit\` or someone with read writes there`]
      : []),
  ]
}
