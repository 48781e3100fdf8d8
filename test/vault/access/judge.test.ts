// Which operations count. Each case builds the smallest history that tells a right verdict
// from a wrong one: an operation next to the one it must not borrow authority from (a later
// rule, a concurrent key, a revoked author's concurrent work).
import {beforeAll, describe, expect, it} from 'vitest'

import {loadSodium} from '../../../src/crypto/index.js'
import type {History} from '../../../src/vault/access/history.js'
import type {Operation} from '../../../src/vault/store/operations.js'
import {HistoryBuilder, verdictOf} from '../../helpers/history-builder.js'
import {inlineSet, namesOf, until} from './support.js'

beforeAll(async () => {
  await loadSodium()
})

const counts = (history: History, op: Operation) => verdictOf(history, op).valid
const memberNames = (history: History) => history.allMembers().map((m) => m.name)
const revokedNames = (history: History) => namesOf(history, history.access.revoked)

describe('static checks', () => {
  it('refuses access changes from a maintainer', () => {
    const h = new HistoryBuilder()
    h.addMember('alice', 'mia', {role: 'maintainer'})
    h.addMember('alice', 'bob')
    const add = h.addMember('mia', 'eve', {role: 'owner'})
    const rule = h.rule('mia', 'user:bob', ['read'])
    const group = h.group('mia', 'group:devs', ['user:bob'])
    const revoke = h.revoke('mia', 'bob')
    const history = h.history()
    for (const op of [add, rule, group, revoke]) {
      expect(verdictOf(history, op)).toMatchObject({valid: false, reason: expect.stringContaining('only owners')})
    }

    expect(memberNames(history)).toEqual(['user:alice', 'user:mia', 'user:bob'])
    expect(history.access.rules).toEqual([])
    expect(history.access.groups.size).toBe(0)
    expect(history.access.revoked.size).toBe(0)
  })

  it('refuses access changes from a developer and a reporter', () => {
    const h = new HistoryBuilder()
    h.addMember('alice', 'bob', {role: 'developer'})
    h.addMember('alice', 'rita', {role: 'reporter'})
    const byDeveloper = h.rule('bob', 'user:bob', ['read', 'create', 'update', 'delete'])
    const byReporter = h.addMember('rita', 'eve', {role: 'owner'})
    const history = h.history()
    expect(counts(history, byDeveloper)).toBe(false)
    expect(counts(history, byReporter)).toBe(false)
  })

  it('accepts access changes from an owner other than the vault\'s creator', () => {
    const h = new HistoryBuilder()
    h.addMember('alice', 'carol', {role: 'owner'})
    const add = h.addMember('carol', 'bob')
    const rule = h.rule('carol', 'user:bob', ['read'])
    const history = h.history()
    expect(counts(history, add)).toBe(true)
    expect(counts(history, rule)).toBe(true)
  })

  it('accepts protected branches from a maintainer and refuses them from a developer', () => {
    const h = new HistoryBuilder()
    h.addMember('alice', 'mia', {role: 'maintainer'})
    h.addMember('alice', 'bob', {role: 'developer'})
    const byMaintainer = h.protect('mia', ['main', 'release/*'])
    const byDeveloper = h.protect('bob', [])
    const history = h.history()
    expect(counts(history, byMaintainer)).toBe(true)
    expect(verdictOf(history, byDeveloper)).toMatchObject({valid: false, reason: expect.stringContaining('may not change settings')})
    expect(history.access.protectedBranchPatterns()).toEqual(['main', 'release/*'])
  })

  it('refuses an operation whose author was not added in the history it saw, even once merged', () => {
    const h = new HistoryBuilder()
    h.on('early')
    h.on('main')
    h.addMember('alice', 'bob', {role: 'owner'})
    // Bob writes on a line that forked before he was added: his membership is not among its parents.
    const early = h.on('early').set('bob', 'TOKEN')
    h.on('main').merge('early')
    const after = h.set('bob', 'OTHER')
    const history = h.history()
    expect(verdictOf(history, early)).toMatchObject({valid: false, reason: expect.stringContaining('had not been added')})
    expect(counts(history, after)).toBe(true)
    expect(history.secrets().map((s) => s.name)).toEqual(['OTHER'])
  })

  it('refuses an operation whose author is no member at all', () => {
    const h = new HistoryBuilder()
    const rule = h.rule('alice', 'role:developer', ['read'])
    // A member id that names an operation which added no one.
    h.ids.set('ghost', rule.id)
    const ghost = h.set('ghost', 'TOKEN')
    expect(verdictOf(h.history(), ghost)).toMatchObject({valid: false, reason: expect.stringContaining('not a member')})
  })

  it('refuses a member revoking themselves', () => {
    const h = new HistoryBuilder()
    h.addMember('alice', 'carol', {role: 'owner'})
    const revoke = h.revoke('carol', 'carol')
    const history = h.history()
    expect(verdictOf(history, revoke)).toMatchObject({valid: false, reason: expect.stringContaining('cannot revoke themselves')})
    expect(history.access.revoked.size).toBe(0)
  })

  it('refuses a revocation of a member added on a line it had not seen', () => {
    const h = new HistoryBuilder()
    h.on('side').addMember('alice', 'bob')
    const revoke = h.on('main').revoke('alice', 'bob')
    h.merge('side')
    h.set('alice', 'TOKEN')
    const history = h.history()
    expect(verdictOf(history, revoke)).toMatchObject({valid: false, reason: expect.stringContaining('had not seen added')})
    expect(history.activeMembers().map((m) => m.name)).toEqual(['user:alice', 'user:bob'])
  })

  it('refuses a revocation naming an operation that added no one', () => {
    const h = new HistoryBuilder()
    const rule = h.rule('alice', 'role:developer', ['read'])
    const revoke = h.by('alice', {kind: 'member.revoke', member: rule.id})
    expect(counts(h.history(), revoke)).toBe(false)
  })
})

describe('authority chains', () => {
  it('voids a member added by a non-owner, and everything they do', () => {
    const h = new HistoryBuilder()
    h.addMember('alice', 'bob', {role: 'developer'})
    h.addMember('bob', 'mallory', {role: 'owner'})
    const rule = h.rule('mallory', 'user:bob', ['read', 'create'])
    const set = h.set('mallory', 'TOKEN')
    const history = h.history()
    expect(verdictOf(history, rule)).toMatchObject({valid: false, reason: expect.stringContaining('membership does not count')})
    expect(counts(history, set)).toBe(false)
    expect(memberNames(history)).toEqual(['user:alice', 'user:bob'])
    expect(history.secrets()).toEqual([])
  })

  it('voids the end of a chain with a void link anywhere in it', () => {
    const h = new HistoryBuilder()
    h.addMember('alice', 'bob', {role: 'developer'})
    h.addMember('bob', 'mallory', {role: 'owner'})
    h.addMember('mallory', 'eve', {role: 'owner'})
    const set = h.set('eve', 'TOKEN')
    const history = h.history()
    expect(counts(history, set)).toBe(false)
    expect(memberNames(history)).toEqual(['user:alice', 'user:bob'])
  })

  it('follows a valid chain of owners up to the vault', () => {
    const h = new HistoryBuilder()
    h.addMember('alice', 'carol', {role: 'owner'})
    h.addMember('carol', 'dave', {role: 'owner'})
    h.addMember('dave', 'erin', {role: 'developer'})
    h.rule('dave', 'user:erin', ['create'])
    const set = h.set('erin', 'TOKEN')
    const history = h.history()
    expect(counts(history, set)).toBe(true)
    expect(memberNames(history)).toEqual(['user:alice', 'user:carol', 'user:dave', 'user:erin'])
  })
})

describe('judged in the history the operation saw', () => {
  it('does not count an operation made before the rule that would have allowed it', () => {
    const h = new HistoryBuilder()
    h.addMember('alice', 'bob')
    const before = h.set('bob', 'TOKEN')
    h.rule('alice', 'user:bob', ['create'])
    const after = h.set('bob', 'OTHER')
    const history = h.history()
    expect(verdictOf(history, before)).toMatchObject({valid: false, reason: expect.stringContaining('could not create')})
    expect(counts(history, after)).toBe(true)
  })

  it('does not count an operation concurrent with the rule that would have allowed it, even once merged', () => {
    // The ids are chosen so the grant comes first in canonical order.
    const {history, grant, concurrent, after} = until((attempt) => {
      const h = new HistoryBuilder()
      h.addMember('alice', 'bob')
      const grant = h.on('grant').rule('alice', 'user:bob', ['create'])
      const concurrent = h.on('main').set('bob', 'TOKEN', {description: `attempt ${attempt}`})
      h.merge('grant')
      const after = h.set('bob', 'OTHER')
      return {history: h.history(), grant, concurrent, after}
    }, (built) => built.history.indexOf(built.grant.id)! < built.history.indexOf(built.concurrent.id)!)
    expect(counts(history, grant)).toBe(true)
    expect(counts(history, concurrent)).toBe(false)
    expect(counts(history, after)).toBe(true)
  })

  it('keeps an operation the rule allowed when the rule is removed later', () => {
    const h = new HistoryBuilder()
    h.addMember('alice', 'bob')
    h.rule('alice', 'user:bob', ['create'])
    const allowed = h.set('bob', 'TOKEN')
    h.rule('alice', 'user:bob', [])
    const denied = h.set('bob', 'OTHER')
    const history = h.history()
    expect(counts(history, allowed)).toBe(true)
    expect(counts(history, denied)).toBe(false)
    expect(history.secrets().map((s) => s.name)).toEqual(['TOKEN'])
  })

  it('voids an operation whose right a concurrent line took away: a backdated one cannot be told apart', () => {
    // The ids are chosen so the removal comes first in canonical order, and the rule holds in the
    // operation's own ancestors: only the concurrent removal can void it.
    const {history, removal, sawRule, afterRemoval} = until((attempt) => {
      const h = new HistoryBuilder()
      h.addMember('alice', 'bob')
      h.rule('alice', 'user:bob', ['create'])
      h.on('side')
      const removal = h.on('main').rule('alice', 'user:bob', [])
      const sawRule = h.on('side').set('bob', 'TOKEN', {description: `attempt ${attempt}`})
      h.on('main').merge('side')
      const afterRemoval = h.set('bob', 'OTHER')
      return {history: h.history(), removal, sawRule, afterRemoval}
    }, (built) => built.history.indexOf(built.removal.id)! < built.history.indexOf(built.sawRule.id)!)
    expect(counts(history, removal)).toBe(true)
    expect(counts(history, sawRule)).toBe(false)
    expect(history.verdict(history.indexOf(sawRule.id)!).reason).toBe('user:bob (developer) could not create secret TOKEN in environment *, branch *: an access change that operation did not see took the right away')
    expect(counts(history, afterRemoval)).toBe(false)
  })

  it('ignores timestamps: a backdated operation after the grant counts, a postdated one before it does not', () => {
    // The postdated operation also comes after the grant in canonical order (ids chosen so).
    const {history, grant, backdated, postdated} = until((attempt) => {
      const h = new HistoryBuilder()
      h.addMember('alice', 'bob')
      h.on('early')
      const grant = h.on('main').rule('alice', 'user:bob', ['create'])
      const backdated = h.at('2001-01-01T00:00:00Z').set('bob', 'TOKEN')
      const postdated = h.on('early').at('2099-01-01T00:00:00Z').set('bob', 'OTHER', {description: `attempt ${attempt}`})
      return {history: h.history(), grant, backdated, postdated}
    }, (built) => built.history.indexOf(built.grant.id)! < built.history.indexOf(built.postdated.id)!)
    expect(counts(history, grant)).toBe(true)
    expect(counts(history, backdated)).toBe(true)
    expect(counts(history, postdated)).toBe(false)
  })
})

describe('create and update', () => {
  it('lets a create-only member create a secret but not overwrite it', () => {
    const h = new HistoryBuilder()
    h.addMember('alice', 'bob')
    h.rule('alice', 'user:bob', ['create'])
    const created = h.set('bob', 'TOKEN')
    const overwrite = h.set('bob', 'TOKEN')
    h.set('alice', 'OTHER')
    const overwriteOther = h.set('bob', 'OTHER')
    const history = h.history()
    expect(verdictOf(history, created)).toEqual({valid: true, update: false})
    expect(verdictOf(history, overwrite)).toMatchObject({valid: false, reason: expect.stringContaining('could not update')})
    expect(counts(history, overwriteOther)).toBe(false)
    expect(history.secret({name: 'TOKEN', environment: '*', branch: '*'})!.current).toBe(history.indexOf(created.id))
  })

  it('lets an update-only member change an existing secret but not create one', () => {
    const h = new HistoryBuilder()
    h.addMember('alice', 'carol')
    h.rule('alice', 'user:carol', ['update'])
    h.set('alice', 'TOKEN')
    const update = h.set('carol', 'TOKEN')
    const create = h.set('carol', 'NEW')
    const history = h.history()
    expect(verdictOf(history, update)).toEqual({valid: true, update: true})
    expect(verdictOf(history, create)).toMatchObject({valid: false, reason: expect.stringContaining('could not create')})
  })

  it('treats a set after a removal as a creation', () => {
    const h = new HistoryBuilder()
    h.addMember('alice', 'bob')
    h.rule('alice', 'user:bob', ['create'])
    h.set('alice', 'TOKEN')
    h.remove('alice', 'TOKEN')
    const recreate = h.set('bob', 'TOKEN')
    expect(verdictOf(h.history(), recreate)).toEqual({valid: true, update: false})
  })

  it('treats the same name in a scope no run shares as another secret', () => {
    const h = new HistoryBuilder()
    h.addMember('alice', 'bob')
    h.rule('alice', 'user:bob', ['create'], 'production')
    h.set('alice', 'TOKEN', {environment: 'staging'})
    const scoped = h.set('bob', 'TOKEN', {environment: 'production'})
    expect(verdictOf(h.history(), scoped)).toEqual({valid: true, update: false})
  })

  it('needs update to create a secret that runs would choose over a live one of the same name (it shadows it)', () => {
    const h = new HistoryBuilder()
    h.addMember('alice', 'bob')
    h.addMember('alice', 'carol')
    h.rule('alice', 'user:bob', ['create'], 'production')
    h.rule('alice', 'user:carol', ['create', 'update'], 'production')
    h.set('alice', 'TOKEN')
    const createOnly = h.set('bob', 'TOKEN', {environment: 'production'})
    const mayUpdate = h.set('carol', 'TOKEN', {environment: 'production', description: 'carol'})
    const history = h.history()
    expect(verdictOf(history, createOnly)).toEqual({
      valid: false,
      reason: 'user:bob (developer) could not create secret TOKEN in environment production, branch *: runs there would get it instead of the one in environment *, branch *, which is an update',
    })
    expect(verdictOf(history, mayUpdate)).toEqual({valid: true, update: false})
  })


  it('treats a secret set only on a concurrent line as absent, and present once merged', () => {
    const h = new HistoryBuilder()
    h.addMember('alice', 'bob')
    h.rule('alice', 'user:bob', ['create'])
    h.on('side').set('alice', 'TOKEN')
    const concurrent = h.on('main').set('bob', 'TOKEN')
    h.merge('side')
    const afterMerge = h.set('bob', 'TOKEN')
    const history = h.history()
    expect(verdictOf(history, concurrent)).toEqual({valid: true, update: false})
    expect(counts(history, afterMerge)).toBe(false)
  })

  it('treats a secret whose removal won over a concurrent value as absent', () => {
    const h = new HistoryBuilder()
    h.addMember('alice', 'bob')
    h.addMember('alice', 'carol')
    h.rule('alice', 'user:bob', ['create'])
    h.rule('alice', 'user:carol', ['update'])
    h.set('alice', 'TOKEN')
    h.on('side').remove('alice', 'TOKEN')
    h.on('main').set('alice', 'TOKEN')
    h.merge('side')
    const bobCreates = h.set('bob', 'TOKEN')
    // Carol writes the same value on the same parents (the merge), without bob's version.
    const carolUpdates = h.by('carol', bobCreates.data!, bobCreates.parents)
    const history = h.history()
    expect(verdictOf(history, bobCreates)).toEqual({valid: true, update: false})
    expect(counts(history, carolUpdates)).toBe(false)
  })
})

describe('--variable secrets', () => {
  it('refuses a variable from a developer who may create', () => {
    const h = new HistoryBuilder()
    h.addMember('alice', 'bob')
    h.rule('alice', 'user:bob', ['create', 'update'])
    const variable = h.set('bob', 'CI_FLAG', {variable: true})
    const plain = h.set('bob', 'TOKEN')
    const history = h.history()
    expect(verdictOf(history, variable)).toMatchObject({valid: false, reason: expect.stringContaining('variable')})
    expect(counts(history, plain)).toBe(true)
  })

  it('accepts a variable from a maintainer who may create, and from an owner', () => {
    const h = new HistoryBuilder()
    h.addMember('alice', 'mia', {role: 'maintainer'})
    h.rule('alice', 'user:mia', ['create'])
    const byMaintainer = h.set('mia', 'CI_FLAG', {variable: true})
    const byOwner = h.set('alice', 'OTHER_FLAG', {variable: true})
    const history = h.history()
    expect(counts(history, byMaintainer)).toBe(true)
    expect(counts(history, byOwner)).toBe(true)
  })

  it('refuses a variable from a maintainer without the action right', () => {
    const h = new HistoryBuilder()
    h.addMember('alice', 'mia', {role: 'maintainer'})
    h.rule('alice', 'user:mia', ['read'])
    const variable = h.set('mia', 'CI_FLAG', {variable: true})
    expect(counts(h.history(), variable)).toBe(false)
  })

  it('refuses a developer changing an existing variable, even into a plain secret', () => {
    const h = new HistoryBuilder()
    h.addMember('alice', 'bob')
    h.rule('alice', 'user:bob', ['create', 'update'])
    h.set('alice', 'CI_FLAG', {variable: true})
    const asVariable = h.set('bob', 'CI_FLAG', {variable: true})
    const asPlain = h.set('bob', 'CI_FLAG')
    const history = h.history()
    expect(counts(history, asVariable)).toBe(false)
    expect(counts(history, asPlain)).toBe(false)
    expect(history.version(history.secret({name: 'CI_FLAG', environment: '*', branch: '*'})!.current).data.variable).toBe(true)
  })

  it('refuses a developer removing a variable, even with the delete right, and lets a maintainer remove it', () => {
    const h = new HistoryBuilder()
    h.addMember('alice', 'bob')
    h.addMember('alice', 'mia', {role: 'maintainer'})
    h.rule('alice', 'user:bob', ['delete'])
    h.rule('alice', 'user:mia', ['delete'])
    h.set('alice', 'CI_FLAG', {variable: true})
    h.set('alice', 'TOKEN')
    const byDeveloper = h.remove('bob', 'CI_FLAG')
    const plainByDeveloper = h.remove('bob', 'TOKEN')
    const history = h.history()
    expect(verdictOf(history, byDeveloper)).toMatchObject({valid: false, reason: 'user:bob (developer) may not remove --variable secrets: maintainers and owners do'})
    expect(counts(history, plainByDeveloper)).toBe(true)
    expect(history.secret({name: 'CI_FLAG', environment: '*', branch: '*'})).toBeDefined()

    const byMaintainer = h.remove('mia', 'CI_FLAG')
    expect(counts(h.history(), byMaintainer)).toBe(true)
  })
})

describe('versions carried over from format 1', () => {
  const withOrigin = (h: HistoryBuilder, author: string) =>
    h.by(author, {
      kind: 'secret.set', name: 'TOKEN', environment: '*', branch: '*', description: null, rotation_days: null, variable: false, file: false, protected: false, ref: null,
      key: {commitment: new Uint8Array(32), sealed: []}, nonce: new Uint8Array(24), ciphertext: new Uint8Array(16), origin: {author: 'user:alice', at: '2025-01-01T00:00:00.000Z'},
    })

  it('count only from the vault\'s creator (secrets upgrade), not from another owner or a writer who would name someone else', () => {
    const h = new HistoryBuilder()
    h.addMember('alice', 'dave', {role: 'owner'})
    h.addMember('alice', 'bob')
    h.rule('alice', 'user:bob', ['create', 'update'])
    const byCreator = withOrigin(h, 'alice')
    const byOwner = withOrigin(h, 'dave')
    const byWriter = withOrigin(h, 'bob')
    const history = h.history()
    expect(counts(history, byCreator)).toBe(true)
    for (const op of [byOwner, byWriter]) {
      expect(verdictOf(history, op)).toEqual({valid: false, reason: "only the vault's creator carries versions over from format 1 (secrets upgrade)"})
    }
  })
})

describe('provider references', () => {
  it('are bound or changed only by maintainers and owners; rotating a bound secret keeps its binding for anyone who may update', () => {
    const h = new HistoryBuilder()
    h.addMember('alice', 'bob')
    h.addMember('alice', 'mia', {role: 'maintainer'})
    for (const who of ['bob', 'mia']) h.rule('alice', `user:${who}`, ['create', 'update'])
    const ref = (name: string, value: string | null) => ({
      kind: 'secret.set' as const, name, environment: '*', branch: '*', description: null, rotation_days: null, variable: false, file: false, protected: false, ref: value,
      key: {commitment: new Uint8Array(32), sealed: []}, nonce: new Uint8Array(24), ciphertext: new Uint8Array(16), origin: null,
    })
    const bobBinds = h.by('bob', ref('BOB_SECRET', 'vault:db/password@ops'))
    const miaBinds = h.by('mia', ref('MIA_SECRET', 'vault:db/password@ops'))
    const bobRotates = h.by('bob', ref('MIA_SECRET', 'vault:db/password@ops'))
    const bobRebinds = h.by('bob', ref('MIA_SECRET', 'vault:other/path@ops'))
    const history = h.history()
    expect(verdictOf(history, bobBinds)).toEqual({valid: false, reason: 'user:bob (developer) may not bind provider references (--ref): maintainers and owners do'})
    expect(counts(history, miaBinds)).toBe(true)
    expect(counts(history, bobRotates)).toBe(true)
    expect(counts(history, bobRebinds)).toBe(false)
  })
})

describe('keys', () => {
  it('lets a reader of a scope make its key, and not a member who may only write there', () => {
    const h = new HistoryBuilder()
    h.addMember('alice', 'bob')
    h.addMember('alice', 'carol')
    h.rule('alice', 'user:bob', ['read'], 'production')
    h.rule('alice', 'user:carol', ['create', 'update'], 'production')
    const byReader = h.key('bob', 'production')
    const byWriter = h.key('carol', 'production')
    const history = h.history()
    expect(counts(history, byReader)).toBe(true)
    expect(verdictOf(history, byWriter)).toMatchObject({valid: false, reason: expect.stringContaining('could not make a key')})
    expect(history.keysOf({environment: 'production', branch: '*'})).toEqual([history.indexOf(byReader.id)])
  })

  it('refuses a reader of one environment a key for every environment', () => {
    const h = new HistoryBuilder()
    h.addMember('alice', 'bob')
    h.rule('alice', 'user:bob', ['read'], 'production')
    const everywhere = h.key('bob', '*')
    const otherEnvironment = h.key('bob', 'staging')
    const history = h.history()
    expect(counts(history, everywhere)).toBe(false)
    expect(counts(history, otherEnvironment)).toBe(false)
  })

  it('lets owners and maintainers re-key any scope without a rule', () => {
    const h = new HistoryBuilder()
    h.addMember('alice', 'mia', {role: 'maintainer'})
    const keys = [h.key('mia', '*'), h.key('mia', 'production', 'main'), h.key('alice', 'staging')]
    const history = h.history()
    for (const key of keys) expect(counts(history, key)).toBe(true)
  })

  it('lets a member who may only create write under the scope key', () => {
    const h = new HistoryBuilder()
    h.addMember('alice', 'carol')
    h.rule('alice', 'user:carol', ['create'], 'production')
    const key = h.key('alice', 'production')
    const set = h.set('carol', 'TOKEN', {environment: 'production', key})
    expect(verdictOf(h.history(), set)).toEqual({valid: true, update: false})
  })

  it('refuses a value under the key of another scope', () => {
    const h = new HistoryBuilder()
    const key = h.key('alice', 'production')
    const set = h.set('alice', 'TOKEN', {environment: 'staging', key})
    const wider = h.set('alice', 'TOKEN', {environment: '*', key})
    const history = h.history()
    expect(verdictOf(history, set)).toMatchObject({valid: false, reason: expect.stringContaining('another scope')})
    expect(counts(history, wider)).toBe(false)
  })

  it('refuses a value under a key it had not seen, even once merged', () => {
    const h = new HistoryBuilder()
    const key = h.on('side').key('alice', 'production')
    const set = h.on('main').set('alice', 'TOKEN', {environment: 'production', key})
    h.merge('side')
    const after = h.set('alice', 'TOKEN', {environment: 'production', key})
    const history = h.history()
    expect(verdictOf(history, set)).toMatchObject({valid: false, reason: expect.stringContaining('had not seen')})
    expect(counts(history, after)).toBe(true)
  })

  it('refuses a value under a key that does not count', () => {
    const h = new HistoryBuilder()
    h.addMember('alice', 'carol')
    h.rule('alice', 'user:carol', ['create'], 'production')
    const key = h.key('carol', 'production')
    const set = h.set('alice', 'TOKEN', {environment: 'production', key})
    expect(verdictOf(h.history(), set)).toMatchObject({valid: false, reason: expect.stringContaining('does not count')})
  })

  it('refuses a value under another version\'s inline key: only a key.add is a scope key', () => {
    const h = new HistoryBuilder()
    const inline = h.set('alice', 'A')
    const borrowed = h.by('alice', {...inlineSet(h, 'B', []), key: inline.id})
    expect(counts(h.history(), borrowed)).toBe(false)
  })

  it('lets a reader of the key\'s scope share it, and a maintainer, but not a writer', () => {
    const h = new HistoryBuilder()
    h.addMember('alice', 'bob')
    h.addMember('alice', 'carol')
    h.addMember('alice', 'mia', {role: 'maintainer'})
    h.rule('alice', 'user:bob', ['read'], 'production')
    h.rule('alice', 'user:carol', ['create'], 'production')
    const key = h.key('alice', 'production')
    const byReader = h.share('bob', key, ['carol'])
    const byWriter = h.share('carol', key, ['carol'])
    const byMaintainer = h.share('mia', key, ['carol'])
    const history = h.history()
    expect(counts(history, byReader)).toBe(true)
    expect(verdictOf(history, byWriter)).toMatchObject({valid: false, reason: expect.stringContaining('could not share a key')})
    expect(counts(history, byMaintainer)).toBe(true)
  })

  it('refuses a share of a key it had not seen', () => {
    const h = new HistoryBuilder()
    h.addMember('alice', 'bob')
    const key = h.on('side').key('alice', 'production')
    const share = h.on('main').share('alice', key, ['bob'])
    h.merge('side')
    h.set('alice', 'TOKEN')
    expect(verdictOf(h.history(), share)).toMatchObject({valid: false, reason: expect.stringContaining('had not seen')})
  })

  it('refuses a share of a key that does not count', () => {
    const h = new HistoryBuilder()
    h.addMember('alice', 'carol')
    h.rule('alice', 'user:carol', ['create'], 'production')
    const key = h.key('carol', 'production')
    const share = h.share('alice', key, ['carol'])
    expect(counts(h.history(), share)).toBe(false)
  })

  it('refuses a share from a reader whose read was removed before it', () => {
    const h = new HistoryBuilder()
    h.addMember('alice', 'bob')
    h.rule('alice', 'user:bob', ['read'], 'production')
    const key = h.key('alice', 'production')
    h.rule('alice', 'user:bob', [], 'production')
    const share = h.share('bob', key, ['bob'])
    expect(counts(h.history(), share)).toBe(false)
  })
})

describe('removal', () => {
  it('needs delete', () => {
    const h = new HistoryBuilder()
    h.addMember('alice', 'bob')
    h.addMember('alice', 'dave')
    h.rule('alice', 'user:bob', ['read', 'create', 'update'])
    h.rule('alice', 'user:dave', ['delete'])
    h.set('alice', 'TOKEN')
    const byBob = h.remove('bob', 'TOKEN')
    const byDave = h.remove('dave', 'TOKEN')
    const history = h.history()
    expect(verdictOf(history, byBob)).toMatchObject({valid: false, reason: expect.stringContaining('could not delete')})
    expect(counts(history, byDave)).toBe(true)
    expect(history.secrets()).toEqual([])
  })

  it('needs the secret to exist in the history it saw', () => {
    const h = new HistoryBuilder()
    const never = h.remove('alice', 'NEVER')
    h.set('alice', 'TOKEN')
    h.remove('alice', 'TOKEN')
    const twice = h.remove('alice', 'TOKEN')
    const otherScope = h.remove('alice', 'TOKEN', 'production')
    const history = h.history()
    expect(verdictOf(history, never)).toMatchObject({valid: false, reason: expect.stringContaining('did not exist')})
    expect(counts(history, twice)).toBe(false)
    expect(counts(history, otherScope)).toBe(false)
  })

  it('refuses to remove a secret set only on a concurrent line', () => {
    const h = new HistoryBuilder()
    h.on('side').set('alice', 'TOKEN')
    const removal = h.on('main').remove('alice', 'TOKEN')
    h.merge('side')
    h.set('alice', 'OTHER')
    const history = h.history()
    expect(counts(history, removal)).toBe(false)
    expect(history.secrets().map((s) => s.name)).toEqual(['OTHER', 'TOKEN'])
  })
})

describe('exposure marks', () => {
  it('count from an owner and from a member who may update the secret, not from a reader', () => {
    const h = new HistoryBuilder()
    h.addMember('alice', 'bob')
    h.addMember('alice', 'rita')
    h.rule('alice', 'user:bob', ['read', 'update'])
    h.rule('alice', 'user:rita', ['read'])
    const version = h.set('alice', 'TOKEN')
    const byOwner = h.expose('alice', version)
    const byUpdater = h.expose('bob', version)
    const byReader = h.expose('rita', version)
    const history = h.history()
    expect(counts(history, byOwner)).toBe(true)
    expect(counts(history, byUpdater)).toBe(true)
    expect(verdictOf(history, byReader)).toMatchObject({valid: false, reason: expect.stringContaining('could not mark')})
  })

  it('refuse a version the mark had not seen', () => {
    const h = new HistoryBuilder()
    const version = h.on('side').set('alice', 'TOKEN')
    const mark = h.on('main').expose('alice', version)
    const history = h.history()
    expect(verdictOf(history, mark)).toMatchObject({valid: false, reason: expect.stringContaining('had not seen')})
  })

  it('refuse a mark that names a version of another secret', () => {
    const h = new HistoryBuilder()
    const version = h.set('alice', 'TOKEN')
    const mark = h.by('alice', {kind: 'secret.expose', name: 'OTHER', environment: '*', branch: '*', version: version.id})
    expect(counts(h.history(), mark)).toBe(false)
  })

  it('refuse a mark of a version that does not count', () => {
    const h = new HistoryBuilder()
    h.addMember('alice', 'bob')
    const version = h.set('bob', 'TOKEN')
    const mark = h.expose('alice', version)
    expect(counts(h.history(), mark)).toBe(false)
  })
})

describe('revocations', () => {
  it('voids a revoked member\'s operations written after the revocation', () => {
    const h = new HistoryBuilder()
    h.addMember('alice', 'bob')
    h.rule('alice', 'user:bob', ['create', 'update'])
    h.revoke('alice', 'bob')
    const after = h.set('bob', 'TOKEN')
    const history = h.history()
    expect(counts(history, after)).toBe(false)
    expect(history.secrets()).toEqual([])
  })

  it('voids a revoked owner\'s access changes in a history that saw the revocation', () => {
    const h = new HistoryBuilder()
    h.addMember('alice', 'carol', {role: 'owner'})
    h.addMember('alice', 'bob')
    h.revoke('alice', 'carol')
    const add = h.addMember('carol', 'eve', {role: 'owner'})
    const revoke = h.revoke('carol', 'bob')
    const history = h.history()
    expect(counts(history, add)).toBe(false)
    expect(counts(history, revoke)).toBe(false)
    expect(revokedNames(history)).toEqual(['user:carol'])
  })

  it('voids a revoked member\'s operations on a concurrent line, once merged and before', () => {
    const h = new HistoryBuilder()
    h.addMember('alice', 'bob')
    h.rule('alice', 'user:bob', ['create', 'update'])
    h.on('bob-line')
    const revoke = h.on('main').revoke('alice', 'bob')
    const concurrent = h.on('bob-line').set('bob', 'TOKEN')
    const beforeMerge = h.history()
    h.on('main').merge('bob-line')
    h.set('alice', 'OTHER')
    const history = h.history()
    expect(counts(beforeMerge, concurrent)).toBe(false)
    expect(counts(history, revoke)).toBe(true)
    expect(verdictOf(history, concurrent)).toMatchObject({valid: false, reason: expect.stringContaining('had not seen their revocation')})
    expect(history.secrets().map((s) => s.name)).toEqual(['OTHER'])
  })

  it('voids a revoked owner\'s access change backdated to before the revocation', () => {
    const h = new HistoryBuilder()
    h.addMember('alice', 'carol', {role: 'owner'})
    h.addMember('alice', 'bob')
    h.on('carol-line')
    h.on('main').at('2026-06-01T00:00:00Z').revoke('alice', 'carol')
    const backdated = h.on('carol-line').at('2026-01-01T00:00:01Z').rule('carol', 'user:bob', ['read'])
    h.on('main').merge('carol-line')
    h.set('alice', 'TOKEN')
    const history = h.history()
    expect(counts(history, backdated)).toBe(false)
    expect(history.access.rules).toEqual([])
  })

  it('keeps the operations a revocation saw: the member\'s earlier work, and members they added before it', () => {
    const h = new HistoryBuilder()
    h.addMember('alice', 'carol', {role: 'owner'})
    const earlierSet = h.set('carol', 'TOKEN')
    const addDave = h.addMember('carol', 'dave')
    const grant = h.rule('carol', 'user:dave', ['create'])
    h.revoke('alice', 'carol')
    // Dave was added by carol before her revocation: his later work still counts.
    const daveLater = h.set('dave', 'DAVE_TOKEN')
    const history = h.history()
    for (const op of [earlierSet, addDave, grant, daveLater]) expect(counts(history, op)).toBe(true)
    expect(history.activeMembers().map((m) => m.name)).toEqual(['user:alice', 'user:dave'])
    expect(history.secrets().map((s) => s.name)).toEqual(['DAVE_TOKEN', 'TOKEN'])
  })

  it('voids a puppet: a member a revoked owner added concurrently, and all the puppet does', () => {
    const h = new HistoryBuilder()
    h.addMember('alice', 'carol', {role: 'owner'})
    h.on('carol-line')
    h.on('main').revoke('alice', 'carol')
    const addDave = h.on('carol-line').addMember('carol', 'dave', {role: 'owner'})
    const grant = h.rule('carol', 'user:dave', ['create'])
    const daveSet = h.set('dave', 'PUPPET')
    const daveAdd = h.addMember('dave', 'eve')
    h.on('main').merge('carol-line')
    const daveAfterMerge = h.set('dave', 'PUPPET_2')
    const history = h.history()
    for (const op of [addDave, grant, daveSet, daveAdd, daveAfterMerge]) expect(counts(history, op)).toBe(false)
    expect(verdictOf(history, daveSet)).toMatchObject({valid: false, reason: expect.stringContaining('was added by user:carol')})
    expect(memberNames(history)).toEqual(['user:alice', 'user:carol'])
    expect(history.secrets()).toEqual([])
  })

  it('voids the rules a revoked owner set concurrently, and what they would have allowed', () => {
    const h = new HistoryBuilder()
    h.addMember('alice', 'carol', {role: 'owner'})
    h.addMember('alice', 'bob')
    h.on('carol-line')
    h.on('main').revoke('alice', 'carol')
    const grant = h.on('carol-line').rule('carol', 'user:bob', ['create', 'update'])
    const group = h.group('carol', 'group:admins', ['user:bob'])
    const onCarolLine = h.set('bob', 'TOKEN')
    h.on('main').merge('carol-line')
    const afterMerge = h.set('bob', 'OTHER')
    const history = h.history()
    for (const op of [grant, group, onCarolLine, afterMerge]) expect(counts(history, op)).toBe(false)
    expect(history.access.rules).toEqual([])
    expect(history.access.groups.size).toBe(0)
  })

  it('does not let a revoked owner\'s concurrent revocation of someone else take effect', () => {
    const h = new HistoryBuilder()
    h.addMember('alice', 'carol', {role: 'owner'})
    h.addMember('alice', 'bob')
    h.on('carol-line')
    h.on('main').revoke('alice', 'carol')
    const carolRevokesBob = h.on('carol-line').revoke('carol', 'bob')
    h.on('main').merge('carol-line')
    h.set('alice', 'TOKEN')
    const history = h.history()
    expect(counts(history, carolRevokesBob)).toBe(false)
    expect(revokedNames(history)).toEqual(['user:carol'])
  })

  it('voids a revoked member\'s work that either of two revocations on two lines did not see', () => {
    const h = new HistoryBuilder()
    h.addMember('alice', 'carol', {role: 'owner'})
    h.addMember('alice', 'bob')
    h.rule('alice', 'user:bob', ['create'])
    h.on('side')
    const onMain = h.on('main').revoke('alice', 'bob')
    // Seen by carol's revocation, not by alice's.
    const bobSet = h.on('side').set('bob', 'TOKEN')
    const onSide = h.revoke('carol', 'bob')
    h.on('main').merge('side')
    h.set('alice', 'OTHER')
    const history = h.history()
    expect(counts(history, onMain)).toBe(true)
    expect(counts(history, onSide)).toBe(true)
    expect(counts(history, bobSet)).toBe(false)
  })

  it('revokes both owners who revoke each other concurrently', () => {
    const h = new HistoryBuilder()
    h.addMember('alice', 'carol', {role: 'owner'})
    h.addMember('alice', 'bob', {role: 'owner'})
    h.on('carol-line')
    const aliceRevokesCarol = h.on('main').revoke('alice', 'carol')
    const aliceAfter = h.set('alice', 'ALICE')
    const carolRevokesAlice = h.on('carol-line').revoke('carol', 'alice')
    const carolAfter = h.set('carol', 'CAROL')
    h.on('main').merge('carol-line')
    const bobAfter = h.set('bob', 'BOB')
    const aliceAfterMerge = h.set('alice', 'ALICE_2')
    const history = h.history()
    expect(counts(history, aliceRevokesCarol)).toBe(true)
    expect(counts(history, carolRevokesAlice)).toBe(true)
    expect(revokedNames(history)).toEqual(['user:alice', 'user:carol'])
    for (const op of [aliceAfter, carolAfter, aliceAfterMerge]) expect(counts(history, op)).toBe(false)
    expect(counts(history, bobAfter)).toBe(true)
    expect(history.activeMembers().map((m) => m.name)).toEqual(['user:bob'])
  })

  it('treats a revocation through a puppet the other owner added concurrently as part of the cycle', () => {
    // Carol, concurrently with her revocation, adds dave as an owner and dave revokes alice: the
    // two revocations void each other (dave's membership passes through carol's unseen work,
    // alice's revocation is unseen by dave's), so both take effect and neither owner keeps power.
    const h = new HistoryBuilder()
    h.addMember('alice', 'carol', {role: 'owner'})
    h.addMember('alice', 'bob', {role: 'owner'})
    h.on('carol-line')
    const aliceRevokesCarol = h.on('main').revoke('alice', 'carol')
    const addDave = h.on('carol-line').addMember('carol', 'dave', {role: 'owner'})
    const daveRevokesAlice = h.revoke('dave', 'alice')
    h.on('main').merge('carol-line')
    h.set('bob', 'BOB')
    const history = h.history()
    expect(counts(history, aliceRevokesCarol)).toBe(true)
    expect(counts(history, daveRevokesAlice)).toBe(true)
    expect(counts(history, addDave)).toBe(false)
    expect(revokedNames(history)).toEqual(['user:alice', 'user:carol'])
    expect(history.activeMembers().map((m) => m.name)).toEqual(['user:bob'])
  })

  it('does not let a revocation only attacked by a cycle take effect', () => {
    // Alice and carol revoke each other (a cycle). On carol's line, frank, whom carol added
    // there, revokes erin: frank's authority passes through carol's work that alice's
    // revocation did not see, and frank's revocation voids nothing of the cycle.
    const h = new HistoryBuilder()
    h.addMember('alice', 'carol', {role: 'owner'})
    h.addMember('alice', 'erin', {role: 'owner'})
    h.on('carol-line')
    const aliceRevokesCarol = h.on('main').revoke('alice', 'carol')
    const carolRevokesAlice = h.on('carol-line').revoke('carol', 'alice')
    h.addMember('carol', 'frank', {role: 'owner'})
    const frankRevokesErin = h.revoke('frank', 'erin')
    h.on('main').merge('carol-line')
    const erinAfter = h.set('erin', 'ERIN')
    const history = h.history()
    expect(counts(history, aliceRevokesCarol)).toBe(true)
    expect(counts(history, carolRevokesAlice)).toBe(true)
    expect(counts(history, frankRevokesErin)).toBe(false)
    expect(counts(history, erinAfter)).toBe(true)
    expect(revokedNames(history)).toEqual(['user:alice', 'user:carol'])
  })

  it('reinstates a revocation whose only attacker was voided by one that takes effect', () => {
    // alice revokes carol; concurrently carol revokes dave; concurrently dave revokes erin.
    // Carol's revocation is void (alice's did not see it), so it no longer defeats dave's.
    const h = new HistoryBuilder()
    h.addMember('alice', 'carol', {role: 'owner'})
    h.addMember('alice', 'dave', {role: 'owner'})
    h.addMember('alice', 'erin', {role: 'owner'})
    h.on('carol-line')
    h.on('dave-line')
    const aliceRevokesCarol = h.on('main').revoke('alice', 'carol')
    const carolRevokesDave = h.on('carol-line').revoke('carol', 'dave')
    const daveRevokesErin = h.on('dave-line').revoke('dave', 'erin')
    const daveSet = h.set('dave', 'DAVE')
    h.on('main').merge('carol-line').merge('dave-line')
    h.set('alice', 'TOKEN')
    const history = h.history()
    expect(counts(history, aliceRevokesCarol)).toBe(true)
    expect(counts(history, carolRevokesDave)).toBe(false)
    expect(counts(history, daveRevokesErin)).toBe(true)
    expect(counts(history, daveSet)).toBe(true)
    expect(revokedNames(history)).toEqual(['user:carol', 'user:erin'])
  })

  it('lets another owner revoke the vault\'s creator', () => {
    const h = new HistoryBuilder()
    h.addMember('alice', 'carol', {role: 'owner'})
    h.revoke('carol', 'alice')
    const aliceAfter = h.set('alice', 'ALICE')
    const carolAfter = h.set('carol', 'CAROL')
    const history = h.loaded()
    expect(counts(history, aliceAfter)).toBe(false)
    expect(counts(history, carolAfter)).toBe(true)
    expect(history.activeMembers().map((m) => m.name)).toEqual(['user:carol'])
  })
})
