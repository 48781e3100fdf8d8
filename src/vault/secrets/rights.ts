// The CLI refuses up front (PERMISSION_DENIED, nothing written) what the history model would
// ignore anyway: the same rules, asked of today's state.
import {denied} from '../../errors.js'
import {type Scoped, describeSecret} from '../../scope.js'
import type {VaultSession} from '../session.js'
import type {Action} from '../validate.js'

const ASK_AN_OWNER = 'ask an owner of the vault: `secrets permit` grants read, create, update and delete'

/** `because`: why this needs `action` when it may not look like it (a creation that is an update). */
export function requireRight(session: VaultSession, action: Action, target: Scoped & {name: string}, because?: string): void {
  const {member} = session.me()
  if (!session.history.access.allows(member, action, target)) {
    throw denied(`${member.name} (${member.role}) may not ${action} ${describeSecret(target)}${because ? `: ${because}` : ''}`, ASK_AN_OWNER)
  }
}

/**
 * What changes what every run gets — --variable secrets (injected into every matching run, like
 * GitLab's CI/CD variables) and provider references (which secret a job's entry resolves to) —
 * maintainers and owners manage.
 */
export function requireVariableRight(session: VaultSession, what: string, why = '--variable secrets are injected into every matching run'): void {
  const {member} = session.me()
  if (!session.history.access.isMaintainer(member)) {
    throw denied(`${member.name} (${member.role}) may not ${what}: ${why}, so maintainers and owners manage them`)
  }
}
