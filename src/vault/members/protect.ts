// Protected branches: where --protected secrets resolve. They change what `run` hands out, so
// they live in the signed history (owners and maintainers set them, as in GitLab), not in a
// file anyone with push access could edit.
import {denied} from '../../errors.js'
import type {VaultSession} from '../session.js'
import {checkBranchScope} from '../validate.js'

export interface ProtectResult {
  protectedBranches: string[]
  changed: boolean
}

export function protectedBranches(session: VaultSession): ProtectResult {
  return {protectedBranches: [...session.history.access.protectedBranchPatterns()], changed: false}
}

export function setProtectedBranches(session: VaultSession, patterns: readonly string[]): ProtectResult {
  for (const pattern of patterns) checkBranchScope(pattern)
  const wanted = [...new Set(patterns)]
  return session.write(() => {
    const {member} = session.me()
    if (!session.history.access.isMaintainer(member)) {
      throw denied(`${member.name} (${member.role}) may not change protected branches: maintainers and owners do`)
    }

    const current = session.history.access.protectedBranches
    if (current !== undefined && current.length === wanted.length && current.every((p, i) => p === wanted[i])) {
      return {protectedBranches: wanted, changed: false}
    }

    session.append({kind: 'setting.set', name: 'protected_branches', value: wanted})
    return {protectedBranches: wanted, changed: true}
  })
}
