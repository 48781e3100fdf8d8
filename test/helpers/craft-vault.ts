// Red-team helpers: a member with push access building whole vault files of their own making
// (a new genesis, any vault id), with the project's own code, as anyone with a copy of it could.
import {rmSync} from 'node:fs'

import type {Identity} from '../../src/crypto/index.js'
import {VaultSession} from '../../src/vault/session.js'
import type {MemberSpec} from '../../src/vault/store/operations.js'
import {appendVersion} from '../../src/vault/secrets/write-value.js'

export interface CraftedSecret {
  name: string
  environment?: string
  branch?: string
  value: string
  variable?: boolean
  protected?: boolean
  ref?: string | null
}

/**
 * A new vault at `path` (overwritten) with id `vaultId`, created by `owner`, with `members`
 * added (recipients the attacker knows: they are public) and `secrets` written by `owner`.
 */
export function craftVault(
  path: string,
  vaultId: string,
  owner: {identity: Identity; name: string},
  members: Omit<MemberSpec, 'kind' | 'environment' | 'branch'>[] = [],
  secrets: CraftedSecret[] = [],
  now = new Date(),
): void {
  rmSync(path, {force: true})
  const first: MemberSpec = {name: owner.name, kind: 'user', recipient: owner.identity.recipient.toString(), role: 'owner', environment: '*', branch: '*'}
  const session = VaultSession.create(path, vaultId, owner.identity, {kind: 'vault.create', member: first}, {now}, (s) => {
    for (const m of members) s.append({kind: 'member.add', member: {...m, kind: 'user', environment: '*', branch: '*'}})
    for (const secret of secrets) {
      appendVersion(
        s,
        {name: secret.name, environment: secret.environment ?? '*', branch: secret.branch ?? '*'},
        {description: null, rotation_days: null, variable: secret.variable ?? false, file: false, protected: secret.protected ?? false, ref: secret.ref ?? null},
        new TextEncoder().encode(secret.value),
      )
    }
  })
  // close() wipes the identity: callers pass a copy (team.identity() parses a fresh one)
  session.close()
}
