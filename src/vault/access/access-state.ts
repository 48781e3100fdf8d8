// Who may do what where, as a set of operations leaves it: the members they added, the rules
// and groups they set, the settings, and who was revoked. Pure: built by applying operations
// in canonical order, never reading a clock.
import {type Scoped, covers} from '../../scope.js'
import type {Operation} from '../store/operations.js'
import type {Action, Role} from '../validate.js'

export interface Member {
  /** The id of the operation that added them (vault.create for the first owner). */
  id: string
  name: string
  kind: 'user' | 'machine'
  recipient: string
  role: Role
  /** A machine's limits (`*` for people). */
  environment: string
  branch: string
  /** Who added them (null: they created the vault). */
  addedBy: string | null
  at: string
}

export interface Rule {
  /** `user:NAME`, `machine:NAME`, `group:NAME` or `role:ROLE`. */
  principal: string
  actions: Action[]
  environment: string
  branch: string
  /** The operation that set it. */
  op: string
  at: string
}

export const DEFAULT_PROTECTED_BRANCHES: readonly string[] = ['main', 'master']

export class AccessState {
  constructor(
    readonly rules: readonly Rule[],
    readonly groups: ReadonlyMap<string, readonly string[]>,
    /** Member ids revoked by revocations in this state. */
    readonly revoked: ReadonlySet<string>,
    /** The signed setting; undefined until one is set. */
    readonly protectedBranches: readonly string[] | undefined,
  ) {}

  /** Rules, groups, settings and revocations of `ops` (valid ones, in canonical order). */
  static of(ops: Iterable<Operation>): AccessState {
    const rules = new Map<string, Rule>()
    const groups = new Map<string, string[]>()
    const revoked = new Set<string>()
    let protectedBranches: string[] | undefined
    for (const op of ops) {
      const data = op.data
      if (!data) continue
      if (data.kind === 'rule.set') {
        // The latest rule for a principal and scope replaces the earlier one; no actions removes it.
        const key = JSON.stringify([data.principal, data.environment, data.branch])
        rules.delete(key)
        if (data.actions.length > 0) {
          rules.set(key, {principal: data.principal, actions: data.actions, environment: data.environment, branch: data.branch, op: op.id, at: op.at})
        }
      } else if (data.kind === 'group.set') {
        groups.set(data.group, data.members)
      } else if (data.kind === 'member.revoke') {
        revoked.add(data.member)
      } else if (data.kind === 'setting.set') {
        protectedBranches = data.value
      }
    }

    return new AccessState([...rules.values()], groups, revoked, protectedBranches)
  }

  isActive(member: Member): boolean {
    return !this.revoked.has(member.id)
  }

  /** The principals a member acts as: themselves, their groups, their role. */
  principalsOf(member: Member): string[] {
    const groups = [...this.groups].filter(([, names]) => names.includes(member.name)).map(([group]) => group)
    return [member.name, ...groups, `role:${member.role}`]
  }

  /** Owners may do everything everywhere (GitLab's owners); everyone else what rules grant. */
  allows(member: Member, action: Action, scope: Scoped): boolean {
    if (!this.isActive(member)) return false
    if (member.role === 'owner') return true
    const principals = this.principalsOf(member)
    return this.rules.some(
      (rule) =>
        principals.includes(rule.principal) &&
        rule.actions.includes(action) &&
        covers(rule.environment, scope.environment) &&
        covers(rule.branch, scope.branch) &&
        // A machine member is also bounded by the limits it was created with.
        covers(member.environment, scope.environment) &&
        covers(member.branch, scope.branch),
    )
  }

  /** Owners and maintainers: re-key, settings, --variable secrets (GitLab's CI/CD variables). */
  isMaintainer(member: Member): boolean {
    return this.isActive(member) && (member.role === 'owner' || member.role === 'maintainer')
  }

  protectedBranchPatterns(): readonly string[] {
    return this.protectedBranches ?? DEFAULT_PROTECTED_BRANCHES
  }
}
