import type {VaultSession} from '../session.js'
import {requireRight, requireVariableRight} from './rights.js'
import {type Selector, selectExact} from './select.js'
import {type SecretSummary, summarize} from './summary.js'

/** Removes a secret with a signed secret.remove; its versions stay in the history until `disable`. */
export function removeSecret(session: VaultSession, selector: Selector): SecretSummary {
  return session.write(() => {
    const secret = selectExact(session.history, selector)
    requireRight(session, 'delete', secret)
    if (session.history.version(secret.current).data.variable) requireVariableRight(session, 'remove --variable secrets')
    const summary = summarize(session.history, secret, session.now)
    session.append({kind: 'secret.remove', name: secret.name, environment: secret.environment, branch: secret.branch})
    return summary
  })
}
