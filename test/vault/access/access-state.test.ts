// Who may do what where, from rules, groups, settings and revocations. Each rule kind is
// checked on its own, with a member it must not reach beside one it must, so a rule that
// grants too much fails as surely as one that grants too little.
import {beforeAll, describe, expect, it} from 'vitest'

import {loadSodium} from '../../../src/crypto/index.js'
import {AccessState, DEFAULT_PROTECTED_BRANCHES, type Rule} from '../../../src/vault/access/access-state.js'
import type {Action} from '../../../src/vault/validate.js'
import {HistoryBuilder} from '../../helpers/history-builder.js'
import {ALL_ACTIONS, allowed, member, namesOf, rule} from './support.js'

beforeAll(async () => {
  await loadSodium()
})

const state = (rules: Rule[], groups: Record<string, string[]> = {}, revoked: string[] = [], protectedBranches?: string[]) =>
  new AccessState(rules, new Map(Object.entries(groups)), new Set(revoked), protectedBranches)

describe('owners', () => {
  it('may do everything everywhere without a rule', () => {
    const alice = member('alice', 'owner')
    const s = state([])
    expect(allowed(s, alice)).toEqual(ALL_ACTIONS)
    expect(allowed(s, alice, 'production', 'main')).toEqual(ALL_ACTIONS)
    expect(allowed(s, alice, 'review/*', 'feature-*')).toEqual(ALL_ACTIONS)
    expect(s.isMaintainer(alice)).toBe(true)
  })

  it('lose everything once revoked', () => {
    const alice = member('alice', 'owner')
    const s = state([rule('user:alice', [...ALL_ACTIONS])], {}, [alice.id])
    expect(s.isActive(alice)).toBe(false)
    expect(allowed(s, alice)).toEqual([])
    expect(s.isMaintainer(alice)).toBe(false)
  })
})

describe('user rules', () => {
  it('grant nothing when there is no rule', () => {
    expect(allowed(state([]), member('bob', 'developer'))).toEqual([])
    expect(allowed(state([]), member('mia', 'maintainer'))).toEqual([])
  })

  it.each(ALL_ACTIONS)('grant %s and nothing else when the rule lists only it', (action: Action) => {
    const s = state([rule('user:bob', [action])])
    expect(allowed(s, member('bob', 'developer'))).toEqual([action])
  })

  it('grant only the member they name', () => {
    const s = state([rule('user:bob', ['read'])])
    expect(allowed(s, member('bob', 'developer'))).toEqual(['read'])
    expect(allowed(s, member('carol', 'developer'))).toEqual([])
    // The same short name as a machine is another principal.
    expect(allowed(s, member('bob', 'reporter', {kind: 'machine'}))).toEqual([])
  })

  it('add up across several rules for the same member', () => {
    const s = state([rule('user:bob', ['read']), rule('user:bob', ['delete'], 'staging')])
    expect(allowed(s, member('bob', 'developer'), 'staging')).toEqual(['read', 'delete'])
    expect(allowed(s, member('bob', 'developer'), 'production')).toEqual(['read'])
  })

  it('stop granting once the member is revoked', () => {
    const bob = member('bob', 'developer')
    const s = state([rule('user:bob', [...ALL_ACTIONS])], {}, [bob.id])
    expect(allowed(s, bob)).toEqual([])
    expect(s.isActive(bob)).toBe(false)
  })
})

describe('machine rules', () => {
  it('grant a machine named by machine:NAME', () => {
    const ci = member('ci', 'reporter', {kind: 'machine'})
    expect(allowed(state([rule('machine:ci', ['read'])]), ci)).toEqual(['read'])
    expect(allowed(state([rule('user:ci', ['read'])]), ci)).toEqual([])
  })

  it('stay within the environment the machine was created with', () => {
    const ci = member('ci', 'reporter', {kind: 'machine', environment: 'production'})
    const s = state([rule('machine:ci', ['read', 'create'])])
    expect(allowed(s, ci, 'production')).toEqual(['read', 'create'])
    expect(allowed(s, ci, 'staging')).toEqual([])
    // A machine limited to production may not read what is meant for every environment.
    expect(allowed(s, ci, '*')).toEqual([])
  })

  it('stay within the branch the machine was created with', () => {
    const ci = member('ci', 'reporter', {kind: 'machine', branch: 'main'})
    const s = state([rule('machine:ci', ['read'])])
    expect(allowed(s, ci, '*', 'main')).toEqual(['read'])
    expect(allowed(s, ci, '*', 'develop')).toEqual([])
    expect(allowed(s, ci, '*', '*')).toEqual([])
  })

  it('apply a glob limit to literal scopes only', () => {
    const ci = member('ci', 'reporter', {kind: 'machine', environment: 'review/*'})
    const s = state([rule('machine:ci', ['read'])])
    expect(allowed(s, ci, 'review/app-1')).toEqual(['read'])
    expect(allowed(s, ci, 'review/*')).toEqual(['read'])
    expect(allowed(s, ci, 'production')).toEqual([])
    expect(allowed(s, ci, 'review/app-*')).toEqual([])
  })

  it('need both the rule and the limit to cover the scope', () => {
    const ci = member('ci', 'reporter', {kind: 'machine', environment: 'production'})
    const s = state([rule('machine:ci', ['read'], 'staging')])
    expect(allowed(s, ci, 'staging')).toEqual([])
    expect(allowed(s, ci, 'production')).toEqual([])
  })
})

describe('group rules', () => {
  it('grant the members of the group by name, and no one else', () => {
    const s = state([rule('group:devs', ['read', 'update'])], {'group:devs': ['user:bob', 'machine:ci']})
    expect(allowed(s, member('bob', 'developer'))).toEqual(['read', 'update'])
    expect(allowed(s, member('ci', 'reporter', {kind: 'machine'}))).toEqual(['read', 'update'])
    expect(allowed(s, member('carol', 'developer'))).toEqual([])
    expect(allowed(s, member('bob', 'reporter', {kind: 'machine'}))).toEqual([])
  })

  it('list the groups among a member\'s principals', () => {
    const s = state([], {'group:devs': ['user:bob'], 'group:ops': ['user:bob'], 'group:qa': ['user:carol']})
    expect(s.principalsOf(member('bob', 'developer')).sort()).toEqual(['group:devs', 'group:ops', 'role:developer', 'user:bob'])
  })

  it('stop granting once a later group.set leaves the member out', () => {
    const h = new HistoryBuilder()
    h.addMember('alice', 'bob')
    h.addMember('alice', 'carol')
    h.rule('alice', 'group:devs', ['read'])
    h.group('alice', 'group:devs', ['user:bob', 'user:carol'])
    const before = h.history()
    h.group('alice', 'group:devs', ['user:carol'])
    const after = h.history()
    const bob = after.allMembers().find((m) => m.name === 'user:bob')!
    const carol = after.allMembers().find((m) => m.name === 'user:carol')!
    expect(allowed(before.access, bob)).toEqual(['read'])
    expect(allowed(after.access, bob)).toEqual([])
    expect(allowed(after.access, carol)).toEqual(['read'])
  })

  it('stop granting once the group is emptied', () => {
    const h = new HistoryBuilder()
    h.addMember('alice', 'bob')
    h.rule('alice', 'group:devs', ['read'])
    h.group('alice', 'group:devs', ['user:bob'])
    h.group('alice', 'group:devs', [])
    const history = h.history()
    expect(allowed(history.access, history.allMembers().find((m) => m.name === 'user:bob')!)).toEqual([])
  })
})

describe('role rules', () => {
  it('grant every member of the role, and no other role', () => {
    const s = state([rule('role:developer', ['read'])])
    expect(allowed(s, member('bob', 'developer'))).toEqual(['read'])
    expect(allowed(s, member('carol', 'developer'))).toEqual(['read'])
    expect(allowed(s, member('rita', 'reporter'))).toEqual([])
    expect(allowed(s, member('mia', 'maintainer'))).toEqual([])
  })

  it('reach machines by their role too, within their limits', () => {
    const s = state([rule('role:reporter', ['read'])])
    const ci = member('ci', 'reporter', {kind: 'machine', environment: 'production'})
    expect(allowed(s, ci, 'production')).toEqual(['read'])
    expect(allowed(s, ci, 'staging')).toEqual([])
  })

  it('give maintainers no action right of their own: a maintainer needs a rule like anyone', () => {
    const mia = member('mia', 'maintainer')
    expect(allowed(state([]), mia)).toEqual([])
    expect(state([]).isMaintainer(mia)).toBe(true)
    expect(state([]).isMaintainer(member('bob', 'developer'))).toBe(false)
    expect(allowed(state([rule('role:maintainer', ['create'])]), mia)).toEqual(['create'])
  })
})

describe('scope covering', () => {
  const bob = member('bob', 'developer')

  it('lets a rule for one environment cover that environment only', () => {
    const s = state([rule('user:bob', ['read'], 'production')])
    expect(allowed(s, bob, 'production')).toEqual(['read'])
    expect(allowed(s, bob, 'staging')).toEqual([])
    // `production` does not cover `*`: the secret is meant for every environment.
    expect(allowed(s, bob, '*')).toEqual([])
  })

  it('lets a `*` rule cover every environment, `*` itself included', () => {
    const s = state([rule('user:bob', ['read'], '*')])
    expect(allowed(s, bob, '*')).toEqual(['read'])
    expect(allowed(s, bob, 'production')).toEqual(['read'])
    expect(allowed(s, bob, 'review/*')).toEqual(['read'])
  })

  it('lets a glob rule cover the literal scopes it matches and its own pattern, not other patterns', () => {
    const s = state([rule('user:bob', ['read'], 'review/*')])
    expect(allowed(s, bob, 'review/app-1')).toEqual(['read'])
    expect(allowed(s, bob, 'review/a/b')).toEqual(['read'])
    expect(allowed(s, bob, 'review/*')).toEqual(['read'])
    expect(allowed(s, bob, 'review/app-*')).toEqual([])
    expect(allowed(s, bob, 'staging')).toEqual([])
    expect(allowed(s, bob, '*')).toEqual([])
  })

  it('covers branches the same way', () => {
    const s = state([rule('user:bob', ['read'], '*', 'main'), rule('user:bob', ['update'], '*', 'feature/*')])
    expect(allowed(s, bob, '*', 'main')).toEqual(['read'])
    expect(allowed(s, bob, '*', 'feature/x')).toEqual(['update'])
    expect(allowed(s, bob, '*', 'feature/*')).toEqual(['update'])
    expect(allowed(s, bob, '*', 'develop')).toEqual([])
    expect(allowed(s, bob, '*', '*')).toEqual([])
  })

  it('needs the environment and the branch covered by the same rule', () => {
    const s = state([rule('user:bob', ['read'], 'production', '*'), rule('user:bob', ['update'], '*', 'main')])
    expect(allowed(s, bob, 'production', 'main')).toEqual(['read', 'update'])
    expect(allowed(s, bob, 'production', 'dev')).toEqual(['read'])
    expect(allowed(s, bob, 'staging', 'main')).toEqual(['update'])
    expect(allowed(s, bob, 'staging', 'dev')).toEqual([])
  })

  it('is case-sensitive', () => {
    expect(allowed(state([rule('user:bob', ['read'], 'Production')]), bob, 'production')).toEqual([])
  })
})

describe('rules from operations', () => {
  it('replaces an earlier rule for the same principal and scope', () => {
    const h = new HistoryBuilder()
    h.addMember('alice', 'bob')
    h.rule('alice', 'user:bob', ['read', 'update'], 'production')
    h.rule('alice', 'user:bob', ['read'], 'production')
    const history = h.history()
    const bob = history.allMembers().find((m) => m.name === 'user:bob')!
    expect(allowed(history.access, bob, 'production')).toEqual(['read'])
    expect(history.access.rules.filter((r) => r.principal === 'user:bob')).toHaveLength(1)
  })

  it('keeps rules for the same principal on other scopes', () => {
    const h = new HistoryBuilder()
    h.addMember('alice', 'bob')
    h.rule('alice', 'user:bob', ['read'], 'production')
    h.rule('alice', 'user:bob', ['update'], 'staging')
    const history = h.history()
    const bob = history.allMembers().find((m) => m.name === 'user:bob')!
    expect(allowed(history.access, bob, 'production')).toEqual(['read'])
    expect(allowed(history.access, bob, 'staging')).toEqual(['update'])
  })

  it('removes a rule set with no actions, and only that one', () => {
    const h = new HistoryBuilder()
    h.addMember('alice', 'bob')
    h.rule('alice', 'user:bob', ['read'], 'production')
    h.rule('alice', 'role:developer', ['create'], 'production')
    h.rule('alice', 'user:bob', [], 'production')
    const history = h.history()
    const bob = history.allMembers().find((m) => m.name === 'user:bob')!
    expect(allowed(history.access, bob, 'production')).toEqual(['create'])
    expect(history.access.rules.map((r) => r.principal)).toEqual(['role:developer'])
  })

  it('lets a rule set after a removal grant again', () => {
    const h = new HistoryBuilder()
    h.addMember('alice', 'bob')
    h.rule('alice', 'user:bob', ['read'])
    h.rule('alice', 'user:bob', [])
    h.rule('alice', 'user:bob', ['delete'])
    const history = h.history()
    expect(allowed(history.access, history.allMembers().find((m) => m.name === 'user:bob')!)).toEqual(['delete'])
  })

  it('records revoked members, who then may do nothing', () => {
    const h = new HistoryBuilder()
    h.addMember('alice', 'bob')
    h.rule('alice', 'user:bob', [...ALL_ACTIONS])
    h.revoke('alice', 'bob')
    const history = h.history()
    const bob = history.allMembers().find((m) => m.name === 'user:bob')!
    expect(history.access.revoked.has(bob.id)).toBe(true)
    expect(allowed(history.access, bob)).toEqual([])
    expect(history.activeMembers().map((m) => m.name)).toEqual(['user:alice'])
  })
})

describe('readers of a scope', () => {
  it('are the active members who may read it: owners, granted members, machines within limits', () => {
    const h = new HistoryBuilder()
    h.addMember('alice', 'bob')
    h.addMember('alice', 'carol')
    h.addMember('alice', 'dave')
    h.addMember('alice', 'ci', {kind: 'machine', environment: 'production'})
    h.addMember('alice', 'nightly', {kind: 'machine', environment: 'staging'})
    h.rule('alice', 'user:bob', ['read'], 'production')
    h.rule('alice', 'user:carol', ['create', 'update'], 'production')
    h.rule('alice', 'user:dave', ['read'])
    h.rule('alice', 'role:reporter', ['read'])
    h.revoke('alice', 'dave')
    const history = h.history()
    expect(history.readersOf({environment: 'production', branch: 'main'}).map((m) => m.name).sort()).toEqual(['machine:ci', 'user:alice', 'user:bob'])
    expect(history.readersOf({environment: 'staging', branch: 'main'}).map((m) => m.name).sort()).toEqual(['machine:nightly', 'user:alice'])
    expect(history.readersOf({environment: '*', branch: '*'}).map((m) => m.name)).toEqual(['user:alice'])
  })
})

describe('protected branches', () => {
  it('are main and master until a setting says otherwise', () => {
    const history = new HistoryBuilder().history()
    expect(DEFAULT_PROTECTED_BRANCHES).toEqual(['main', 'master'])
    expect(history.access.protectedBranches).toBeUndefined()
    expect(history.access.protectedBranchPatterns()).toEqual(['main', 'master'])
  })

  it('are what the latest setting says, even an empty list', () => {
    const h = new HistoryBuilder()
    h.protect('alice', ['release/*', 'main'])
    expect(h.history().access.protectedBranchPatterns()).toEqual(['release/*', 'main'])
    h.protect('alice', [])
    expect(h.history().access.protectedBranchPatterns()).toEqual([])
  })

  it('stay as set through later operations of other kinds', () => {
    const h = new HistoryBuilder()
    h.protect('alice', ['release/*'])
    h.addMember('alice', 'bob')
    h.rule('alice', 'user:bob', ['read'])
    h.group('alice', 'group:ops', ['user:bob'])
    h.revoke('alice', 'bob')
    h.set('alice', 'DB_PASSWORD')
    expect(h.history().access.protectedBranchPatterns()).toEqual(['release/*'])
  })

  it('follow a maintainer\'s setting but not a developer\'s', () => {
    const h = new HistoryBuilder()
    h.addMember('alice', 'mia', {role: 'maintainer'})
    h.addMember('alice', 'bob', {role: 'developer'})
    h.protect('mia', ['prod'])
    h.protect('bob', ['nothing-protected'])
    const history = h.history()
    expect(history.access.protectedBranchPatterns()).toEqual(['prod'])
  })
})

describe('operations whose fields did not parse', () => {
  it('are passed over: they grant, group, revoke and set nothing', () => {
    const h = new HistoryBuilder()
    h.addMember('alice', 'bob')
    h.rule('alice', 'user:bob', ['read'])
    const ops = [...h.operations()]
    const malformed = ops.map((op) => ({...op, data: undefined, problem: 'unreadable fields'}))
    const state = AccessState.of([...malformed, ops.at(-1)!])
    expect(state.rules.map((r) => [r.principal, r.actions])).toEqual([['user:bob', ['read']]])
    expect(AccessState.of(malformed).rules).toEqual([])
  })
})

describe('revoked members in the access state', () => {
  it('are named by the revocations that count', () => {
    const h = new HistoryBuilder()
    h.addMember('alice', 'bob')
    h.addMember('alice', 'carol')
    h.revoke('alice', 'carol')
    const history = h.history()
    expect(namesOf(history, history.access.revoked)).toEqual(['user:carol'])
  })
})
