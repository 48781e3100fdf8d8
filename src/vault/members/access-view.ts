import {Recipient} from '../../crypto/index.js'
import {denied} from '../../errors.js'
import type {Rule} from '../access/access-state.js'
import type {VaultSession} from '../session.js'

export interface AccessView {
  members: {name: string; kind: string; role: string; fingerprint: string; environment: string; branch: string; revoked: boolean}[]
  groups: {name: string; members: string[]}[]
  rules: (Omit<Rule, 'op' | 'at'> & {createdAt: string})[]
  protectedBranches: string[]
}

/** Members, groups, rules and settings: owners and maintainers may see them. */
export function describeAccess(session: VaultSession): AccessView {
  const {member} = session.me()
  if (member.role !== 'owner' && member.role !== 'maintainer') {
    throw denied(`${member.name} (${member.role}) may not view access rules: owners and maintainers can`)
  }

  const {access} = session.history
  return {
    members: session.history.allMembers().map((m) => ({
      name: m.name, kind: m.kind, role: m.role, fingerprint: Recipient.parse(m.recipient).fingerprint,
      environment: m.environment, branch: m.branch, revoked: !access.isActive(m),
    })),
    groups: [...access.groups].filter(([, members]) => members.length > 0).map(([name, members]) => ({name, members: [...members]})),
    rules: access.rules.map(({principal, actions, environment, branch, at}) => ({principal, actions, environment, branch, createdAt: at})),
    protectedBranches: [...access.protectedBranchPatterns()],
  }
}
