import {denied} from '../../errors.js'
import type {Scoped} from '../../scope.js'
import {scopeKey} from '../access/history.js'
import type {VaultSession} from '../session.js'
import {rekeyScopes} from './choose-key.js'

export interface RekeyResult {
  /** Scopes that got a new key, sealed to their readers today. */
  scopes: number
  /** Scopes with a key that this member may not read: a key they made would be theirs to read, so none is made. */
  skipped: number
}

/**
 * `rotate --key` (owners and maintainers): a new key for every scope that has a key or a
 * secret, sealed to its readers today, in one transaction. Values written from then on use
 * them. Stored values keep the keys they were written under: the history is append-only, so
 * re-encrypting them would leave the old ciphertexts (and git's copies) readable to anyone
 * who held the old key, and protect nothing. What does protect is rotating the value, which
 * `list` asks for (EXPOSED) wherever someone who lost access could read it.
 */
export function rekeyVault(session: VaultSession): RekeyResult {
  return session.write(() => {
    const {member} = session.me()
    const history = session.history
    if (!history.access.isMaintainer(member)) {
      throw denied(`${member.name} (${member.role}) may not re-key the vault`, 'owners and maintainers can run `secrets rotate --key`')
    }

    const scopes = new Map<string, Scoped>()
    for (const scope of history.keyScopes()) scopes.set(scopeKey(scope), scope)
    for (const secret of history.secrets()) scopes.set(scopeKey(secret), {environment: secret.environment, branch: secret.branch})
    const readable = [...scopes.values()].filter((scope) => history.access.allows(member, 'read', scope))
    return {scopes: rekeyScopes(session, readable), skipped: scopes.size - readable.length}
  })
}
