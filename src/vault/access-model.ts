// Who may do what where, derived from the signed member rows and the signed log, as of a
// moment (a row is judged by the rules in force when it was written, so revoking someone
// does not invalidate what they wrote before).
import {scopeMatches} from '../ci/scope-match.js'
import type {LogRow} from './access-log.js'
import type {MemberRow} from './records.js'

export type Action = 'read' | 'create' | 'update' | 'delete'
export const ACTIONS: readonly Action[] = ['read', 'create', 'update', 'delete']

export interface Rule {
  /** `user:NAME`, `machine:NAME`, `group:NAME` or `role:ROLE`. */
  principal: string
  actions: Action[]
  environment: string
  branch: string
  createdAt: string
  author: string
}

export interface Scope {
  environment: string
  branch: string
}

/**
 * A rule's pattern covers a scope pattern when it is `*`, the same pattern, or a glob that
 * matches a literal scope. `production` does not cover `*`: a member limited to production
 * cannot read secrets meant for every environment.
 */
export function covers(rulePattern: string, scopePattern: string): boolean {
  return rulePattern === '*' || rulePattern === scopePattern || (!scopePattern.includes('*') && scopeMatches(rulePattern, scopePattern))
}

export class AccessModel {
  readonly rules: Rule[]
  readonly groups: Map<string, string[]>
  readonly revoked: Map<string, string>

  constructor(
    readonly members: readonly MemberRow[],
    log: readonly LogRow[],
    /** Only entries written up to this moment count; undefined: all of them. */
    readonly asOf?: string,
  ) {
    const entries = asOf === undefined ? log : log.filter((e) => e.created_at <= asOf)
    const rules = new Map<string, Rule>()
    this.groups = new Map()
    this.revoked = new Map()
    for (const entry of entries) {
      const data = JSON.parse(entry.data) as Record<string, unknown>
      if (entry.kind === 'rule.set') {
        const rule: Rule = {
          principal: entry.subject,
          actions: (data.actions as Action[]) ?? [],
          environment: String(data.environment ?? '*'),
          branch: String(data.branch ?? '*'),
          createdAt: entry.created_at,
          author: entry.author_id,
        }
        // The latest rule for a principal and scope replaces the earlier one; no actions removes it.
        const key = JSON.stringify([rule.principal, rule.environment, rule.branch])
        if (rule.actions.length === 0) rules.delete(key)
        else rules.set(key, rule)
      } else if (entry.kind === 'group.set') {
        this.groups.set(entry.subject, (data.members as string[]) ?? [])
      } else if (entry.kind === 'member.revoke') {
        this.revoked.set(String(data.member_id), entry.created_at)
      }
    }

    this.rules = [...rules.values()]
  }

  /**
   * Not revoked (as of the model's moment). A member's own creation time is not checked:
   * clocks differ between machines, and SECRETS_NOW may point anywhere.
   */
  isActive(member: MemberRow): boolean {
    return !this.revoked.has(member.id)
  }

  activeMembers(): MemberRow[] {
    return this.members.filter((m) => this.isActive(m))
  }

  /** The principals a member acts as: themselves, their groups, their role. */
  principalsOf(member: MemberRow): string[] {
    const groups = [...this.groups].filter(([, names]) => names.includes(member.name)).map(([group]) => group)
    return [member.name, ...groups, `role:${member.role}`]
  }

  /** Owners may do everything everywhere (GitLab's owners); everyone else what rules grant. */
  allows(member: MemberRow, action: Action, scope: Scope): boolean {
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

  readersOf(scope: Scope): MemberRow[] {
    return this.activeMembers().filter((m) => this.allows(m, 'read', scope))
  }
}
