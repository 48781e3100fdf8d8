import {printable} from '../terminal/printable.js'
import {renderTable} from '../terminal/table.js'
import type {RunPlan} from './plan-run.js'
import type {PlannedSecret} from './resolve-secrets.js'

/** The human view of `run --dry-run`: what each variable would get, never a value. */
export function renderPlan(plan: RunPlan): string {
  // The job and environment come from the CI file, the branch from CI_COMMIT_REF_NAME: input.
  const head = printable(`job ${plan.job ?? '(none)'}, environment ${plan.environment || '(none)'}, branch ${plan.branch || '(none)'}${plan.protectedBranch ? ' (protected)' : ''}`)
  const rows = [...plan.secrets, ...plan.variables].map(row)
  if (rows.length === 0) return `${head}\nno secrets to inject`
  return `${head}\n${renderTable(['VARIABLE', 'PROVIDER', 'REFERENCE', 'SECRET', 'SCOPE', 'AS', 'STATUS'], rows)}`
}

function row(s: PlannedSecret): string[] {
  return [
    s.variable,
    s.provider,
    s.reference ?? '-',
    s.secret ?? '-',
    s.scope ? `${s.scope.environment} / ${s.scope.branch}` : '-',
    s.file ? 'file' : 'value',
    s.ambiguous ? `AMBIGUOUS (${s.ambiguous.join(', ')})` : s.resolved ? 'ok' : 'NOT FOUND',
  ]
}
