// The state a history leaves: secrets and their current version, keys and who holds them, and
// whether a current value is exposed. Ties between concurrent versions are built so that the
// larger operation id alone would pick the wrong one (ids are hashes: a case is rebuilt with
// another description until they fall the wrong way: support.ts `until`), so each rule of the
// ranking is checked.
import {beforeAll, describe, expect, it} from 'vitest'

import {loadSodium} from '../../../src/crypto/index.js'
import {History} from '../../../src/vault/access/history.js'
import type {Operation} from '../../../src/vault/store/operations.js'
import {HistoryBuilder, verdictOf} from '../../helpers/history-builder.js'
import {inlineSet, until} from './support.js'

beforeAll(async () => {
  await loadSodium()
})

const ANY = {environment: '*', branch: '*'}
const token = (history: History, name = 'TOKEN', scope = ANY) => history.secret({name, ...scope})
const indexOf = (history: History, op: Operation) => history.indexOf(op.id)!

describe('secret state', () => {
  it('is live after a set and gone after a removal', () => {
    const h = new HistoryBuilder()
    const set = h.set('alice', 'TOKEN')
    const live = h.history()
    h.remove('alice', 'TOKEN')
    const removed = h.history()
    expect(token(live)).toMatchObject({name: 'TOKEN', environment: '*', branch: '*', current: indexOf(live, set), versions: [indexOf(live, set)], conflict: false})
    expect(token(removed)).toBeUndefined()
    expect(removed.secrets()).toEqual([])
  })

  it('lists secrets by name, then environment, then branch', () => {
    const h = new HistoryBuilder()
    h.set('alice', 'B')
    h.set('alice', 'A', {environment: 'staging'})
    h.set('alice', 'A', {environment: 'production', branch: 'main'})
    h.set('alice', 'A', {environment: 'production', branch: 'dev'})
    const history = h.history()
    expect(history.secrets().map((s) => [s.name, s.environment, s.branch])).toEqual([
      ['A', 'production', 'dev'], ['A', 'production', 'main'], ['A', 'staging', '*'], ['B', '*', '*'],
    ])
    expect(history.secretsNamed('A')).toHaveLength(3)
  })

  it('makes the latest version on a line current, whatever the ids', () => {
    const built = until((attempt) => {
      const h = new HistoryBuilder()
      const first = h.set('alice', 'TOKEN', {description: `first ${attempt}`})
      const second = h.set('alice', 'TOKEN')
      return {history: h.history(), first, second}
    }, ({first, second}) => first.id > second.id)
    expect(token(built.history)!.current).toBe(indexOf(built.history, built.second))
    expect(token(built.history)!.conflict).toBe(false)
  })

  it('ignores a version that does not count', () => {
    const h = new HistoryBuilder()
    h.addMember('alice', 'bob')
    const valid = h.set('alice', 'TOKEN')
    const denied = h.set('bob', 'TOKEN')
    const history = h.history()
    expect(verdictOf(history, denied).valid).toBe(false)
    expect(token(history)).toMatchObject({current: indexOf(history, valid), versions: [indexOf(history, valid)]})
  })

  it('prefers a concurrent update over a concurrent creation, even with the smaller id', () => {
    const {history, update, creation} = until((attempt) => {
      const h = new HistoryBuilder()
      h.on('side')
      h.set('alice', 'TOKEN')
      const update = h.set('alice', 'TOKEN')
      const creation = h.on('main').set('alice', 'TOKEN', {description: `attempt ${attempt}`})
      h.merge('side')
      h.set('alice', 'OTHER')
      return {history: h.history(), update, creation}
    }, ({update, creation}) => creation.id > update.id)
    expect(verdictOf(history, update)).toMatchObject({valid: true, update: true})
    expect(verdictOf(history, creation)).toMatchObject({valid: true, update: false})
    expect(token(history)).toMatchObject({current: indexOf(history, update), conflict: true})
  })

  it('prefers, of two concurrent updates, the one whose author may still update it', () => {
    const {history, stale, kept} = until((attempt) => {
      const h = new HistoryBuilder()
      h.addMember('alice', 'bob')
      h.addMember('alice', 'carol')
      h.rule('alice', 'user:bob', ['update'])
      h.rule('alice', 'user:carol', ['update'])
      h.set('alice', 'TOKEN')
      const stale = h.on('side').set('bob', 'TOKEN', {description: `attempt ${attempt}`})
      const kept = h.on('main').set('carol', 'TOKEN')
      h.merge('side')
      h.rule('alice', 'user:bob', [])
      return {history: h.history(), stale, kept}
    }, ({stale, kept}) => stale.id > kept.id)
    expect(verdictOf(history, stale)).toMatchObject({valid: true, update: true})
    expect(token(history)).toMatchObject({current: indexOf(history, kept), conflict: true})
  })

  it('prefers, of two concurrent updates, the one whose author was not revoked since', () => {
    const {history, stale, kept} = until((attempt) => {
      const h = new HistoryBuilder()
      h.addMember('alice', 'bob')
      h.addMember('alice', 'carol')
      h.rule('alice', 'role:developer', ['update'])
      h.set('alice', 'TOKEN')
      const stale = h.on('side').set('bob', 'TOKEN', {description: `attempt ${attempt}`})
      const kept = h.on('main').set('carol', 'TOKEN')
      h.merge('side')
      h.revoke('alice', 'bob')
      return {history: h.history(), stale, kept}
    }, ({stale, kept}) => stale.id > kept.id)
    // The revocation saw bob's version: it still counts, but bob may no longer update.
    expect(verdictOf(history, stale).valid).toBe(true)
    expect(token(history)!.current).toBe(indexOf(history, kept))
  })

  it('prefers, of two concurrent updates by members who may both update, the larger id', () => {
    const h = new HistoryBuilder()
    h.addMember('alice', 'carol', {role: 'owner'})
    h.set('alice', 'TOKEN')
    const a = h.on('side').set('alice', 'TOKEN')
    const b = h.on('main').set('carol', 'TOKEN')
    h.merge('side')
    h.set('alice', 'OTHER')
    const history = h.history()
    const larger = a.id > b.id ? a : b
    expect(token(history)).toMatchObject({current: indexOf(history, larger), conflict: true})
  })

  it('gives the same current version and conflict whichever order the operations arrive in', () => {
    const h = new HistoryBuilder()
    h.addMember('alice', 'carol', {role: 'owner'})
    h.set('alice', 'TOKEN')
    h.on('side').set('alice', 'TOKEN')
    h.on('main').set('carol', 'TOKEN')
    const ops = [...h.operations()]
    const forward = h.history()
    const reversed = History.of([...ops].reverse())
    const pick = (history: History) => {
      const s = token(history)!
      return {current: history.op(s.current).id, versions: s.versions.map((v) => history.op(v).id), conflict: s.conflict}
    }

    expect(pick(reversed)).toEqual(pick(forward))
  })

  it('clears the conflict once a later version follows both', () => {
    const h = new HistoryBuilder()
    h.set('alice', 'TOKEN')
    h.on('side').set('alice', 'TOKEN')
    h.on('main').set('alice', 'TOKEN')
    h.merge('side')
    const conflicted = h.history()
    const resolved = h.set('alice', 'TOKEN')
    const history = h.history()
    expect(token(conflicted)!.conflict).toBe(true)
    expect(token(history)).toMatchObject({current: indexOf(history, resolved), conflict: false})
  })

  it('keeps a secret removed when a concurrent line gave it a new value', () => {
    const h = new HistoryBuilder()
    h.set('alice', 'TOKEN')
    h.on('side').remove('alice', 'TOKEN')
    h.on('main').set('alice', 'TOKEN')
    h.merge('side')
    h.set('alice', 'OTHER')
    const history = h.history()
    expect(token(history)).toBeUndefined()
    expect(history.secrets().map((s) => s.name)).toEqual(['OTHER'])
  })

  it('numbers versions from the last removal', () => {
    const h = new HistoryBuilder()
    h.set('alice', 'TOKEN')
    h.set('alice', 'TOKEN')
    h.remove('alice', 'TOKEN')
    const v3 = h.set('alice', 'TOKEN')
    const v4 = h.set('alice', 'TOKEN')
    const history = h.history()
    expect(token(history)!.versions).toEqual([indexOf(history, v3), indexOf(history, v4)])
  })

  it('lists concurrent versions of the current life in canonical order', () => {
    const h = new HistoryBuilder()
    const v1 = h.set('alice', 'TOKEN')
    const a = h.on('side').set('alice', 'TOKEN')
    const b = h.on('main').set('alice', 'TOKEN')
    h.merge('side')
    const v4 = h.set('alice', 'TOKEN')
    const history = h.history()
    expect(token(history)!.versions).toEqual([v1, a, b, v4].map((op) => indexOf(history, op)).sort((x, y) => x - y))
  })

  it('does not count a value that lost to a concurrent removal among the versions of the next life', () => {
    // The removal won over `lost` (the secret stayed removed), so `lost` belongs to the life the
    // removal ended; the set after the merge starts a new life (it is judged a creation). The
    // ids are chosen so that `lost` also comes before the removal in canonical order: then
    // "since the last removal" excludes it whether read causally or in canonical order.
    const {history, lost, removal, reborn} = until((attempt) => {
      const h = new HistoryBuilder()
      h.set('alice', 'TOKEN')
      const removal = h.on('side').remove('alice', 'TOKEN')
      const lost = h.on('main').set('alice', 'TOKEN', {description: `attempt ${attempt}`})
      h.merge('side')
      const reborn = h.set('alice', 'TOKEN')
      return {history: h.history(), lost, removal, reborn}
    }, (built) => indexOf(built.history, built.lost) < indexOf(built.history, built.removal))
    expect(verdictOf(history, reborn)).toMatchObject({valid: true, update: false})
    expect(token(history)!.current).toBe(indexOf(history, reborn))
    expect(token(history)!.versions).toEqual([indexOf(history, reborn)])
    expect(token(history)!.versions).not.toContain(indexOf(history, lost))
  })

  it('does not bring back a value that lost to a removal when the removal\'s line creates the secret again', () => {
    // `stale` updates the old value concurrently with its removal: the removal wins over it.
    // The removal's line then creates the secret afresh (`fresh`). Once merged, the secret is
    // live again, and its value must be the fresh one: the removed value must not come back
    // as current because it was judged an update of a secret that no longer exists.
    const h = new HistoryBuilder()
    h.set('alice', 'TOKEN')
    const stale = h.on('side').set('alice', 'TOKEN')
    h.on('main').remove('alice', 'TOKEN')
    const fresh = h.set('alice', 'TOKEN')
    h.merge('side')
    h.set('alice', 'OTHER')
    const history = h.history()
    expect(verdictOf(history, stale)).toMatchObject({valid: true, update: true})
    expect(verdictOf(history, fresh)).toMatchObject({valid: true, update: false})
    expect(token(history)).toBeDefined()
    expect(token(history)!.current).toBe(indexOf(history, fresh))
    expect(token(history)!.versions).not.toContain(indexOf(history, stale))
  })
})

describe('keys', () => {
  it('lists valid keys for exactly a scope', () => {
    const h = new HistoryBuilder()
    h.addMember('alice', 'carol')
    const production = h.key('alice', 'production')
    h.key('alice', '*')
    h.key('carol', 'production')
    const history = h.history()
    expect(history.keysOf({environment: 'production', branch: '*'})).toEqual([indexOf(history, production)])
    expect(history.keyScopes().map((s) => `${s.environment}/${s.branch}`).sort()).toEqual(['*/*', 'production/*'])
    expect(history.currentKey({environment: 'staging', branch: '*'})).toBeUndefined()
  })

  it('makes the latest key on a line current, whatever the ids', () => {
    const built = until((attempt) => {
      const h = new HistoryBuilder()
      const first = h.key('alice', 'production')
      h.set('alice', 'NOISE', {description: `attempt ${attempt}`})
      const second = h.key('alice', 'production')
      return {history: h.history(), first, second}
    }, ({first, second}) => first.id > second.id)
    expect(built.history.currentKey({environment: 'production', branch: '*'})).toBe(indexOf(built.history, built.second))
  })

  it('makes the later of concurrent keys in canonical order current, and a key after both current', () => {
    const h = new HistoryBuilder()
    const a = h.on('side').key('alice', 'production')
    const b = h.on('main').key('alice', 'production')
    h.merge('side')
    h.set('alice', 'NOISE')
    const concurrent = h.history()
    const c = h.key('alice', 'production')
    const after = h.history()
    expect(concurrent.currentKey({environment: 'production', branch: '*'})).toBe(Math.max(indexOf(concurrent, a), indexOf(concurrent, b)))
    expect(after.currentKey({environment: 'production', branch: '*'})).toBe(indexOf(after, c))
  })

  it('ignores a key that does not count when choosing the current one', () => {
    const h = new HistoryBuilder()
    h.addMember('alice', 'carol')
    h.rule('alice', 'user:carol', ['create'], 'production')
    const valid = h.key('alice', 'production')
    h.key('carol', 'production')
    const history = h.history()
    expect(history.currentKey({environment: 'production', branch: '*'})).toBe(indexOf(history, valid))
  })

  it('is held by its author, the members it is sealed to and those it was validly shared with', () => {
    const h = new HistoryBuilder()
    h.addMember('alice', 'bob')
    h.addMember('alice', 'carol')
    h.addMember('alice', 'dave')
    h.addMember('alice', 'erin')
    h.rule('alice', 'user:bob', ['read'], 'production')
    h.rule('alice', 'user:dave', ['create'], 'production')
    const key = h.key('bob', 'production', '*', ['carol'])
    h.share('alice', key, ['dave'])
    // Dave may not read production: his share does not count.
    h.share('dave', key, ['erin'])
    const history = h.history()
    const holders = [...history.holders(indexOf(history, key))].map((id) => history.memberName(id)).sort()
    expect(holders).toEqual(['user:bob', 'user:carol', 'user:dave'])
  })

  it('has as holders of an inline key only whom it is sealed or shared to, not the author', () => {
    const h = new HistoryBuilder()
    h.addMember('alice', 'bob')
    h.addMember('alice', 'carol')
    h.rule('alice', 'user:bob', ['create'])
    const version = h.by('bob', inlineSet(h, 'TOKEN', ['alice']))
    h.share('alice', version, ['carol'])
    const history = h.history()
    const holders = [...history.holders(indexOf(history, version))].map((id) => history.memberName(id)).sort()
    expect(holders).toEqual(['user:alice', 'user:carol'])
  })
})

describe('exposure', () => {
  it('is none when every holder of the current key may read the scope', () => {
    const h = new HistoryBuilder()
    h.addMember('alice', 'bob')
    h.rule('alice', 'user:bob', ['read'], 'production')
    const key = h.key('alice', 'production', '*', ['alice', 'bob'])
    h.set('alice', 'TOKEN', {environment: 'production', key})
    const history = h.history()
    expect(history.exposure(token(history, 'TOKEN', {environment: 'production', branch: '*'})!)).toEqual({exposed: false, to: [], marked: false})
  })

  it('names a holder who lost read on the scope', () => {
    const h = new HistoryBuilder()
    h.addMember('alice', 'bob')
    h.rule('alice', 'user:bob', ['read'], 'production')
    const key = h.key('alice', 'production', '*', ['alice', 'bob'])
    h.set('alice', 'TOKEN', {environment: 'production', key})
    h.rule('alice', 'user:bob', [], 'production')
    const history = h.history()
    expect(history.exposure(token(history, 'TOKEN', {environment: 'production', branch: '*'})!)).toEqual({exposed: true, to: ['user:bob'], marked: false})
  })

  it('names a holder through a share who may not read', () => {
    const h = new HistoryBuilder()
    h.addMember('alice', 'bob')
    h.rule('alice', 'user:bob', ['read'], 'production')
    const key = h.key('alice', 'production')
    h.share('alice', key, ['bob'])
    h.set('alice', 'TOKEN', {environment: 'production', key})
    h.rule('alice', 'user:bob', ['read'], 'staging')
    h.rule('alice', 'user:bob', [], 'production')
    const history = h.history()
    expect(history.exposure(token(history, 'TOKEN', {environment: 'production', branch: '*'})!).to).toEqual(['user:bob'])
  })

  it('names the author of a key who lost read, even if it was not sealed to them', () => {
    const h = new HistoryBuilder()
    h.addMember('alice', 'bob')
    h.rule('alice', 'user:bob', ['read'], 'production')
    const key = h.key('bob', 'production', '*', ['alice'])
    h.set('alice', 'TOKEN', {environment: 'production', key})
    h.rule('alice', 'user:bob', [], 'production')
    const history = h.history()
    expect(history.exposure(token(history, 'TOKEN', {environment: 'production', branch: '*'})!).to).toEqual(['user:bob'])
  })

  it('names a revoked holder', () => {
    const h = new HistoryBuilder()
    h.addMember('alice', 'carol', {role: 'owner'})
    const key = h.key('alice', 'production', '*', ['alice', 'carol'])
    h.set('alice', 'TOKEN', {environment: 'production', key})
    h.revoke('alice', 'carol')
    const history = h.history()
    expect(history.exposure(token(history, 'TOKEN', {environment: 'production', branch: '*'})!)).toEqual({exposed: true, to: ['user:carol'], marked: false})
  })

  it('names a revoked author of the current value', () => {
    const h = new HistoryBuilder()
    h.addMember('alice', 'bob')
    h.rule('alice', 'user:bob', ['create'])
    h.by('bob', inlineSet(h, 'TOKEN', ['alice']))
    h.revoke('alice', 'bob')
    const history = h.history()
    expect(history.exposure(token(history)!)).toEqual({exposed: true, to: ['user:bob'], marked: false})
  })

  it('names a non-reader an inline key was sealed to, and not its writer who may not read', () => {
    const h = new HistoryBuilder()
    h.addMember('alice', 'bob')
    h.addMember('alice', 'carol')
    h.rule('alice', 'user:bob', ['create'])
    h.by('bob', inlineSet(h, 'TOKEN', ['alice', 'carol']))
    const history = h.history()
    expect(history.exposure(token(history)!)).toEqual({exposed: true, to: ['user:carol'], marked: false})
  })

  it('is marked by a secret.expose of the current version, and cleared by a new version', () => {
    const h = new HistoryBuilder()
    const version = h.set('alice', 'TOKEN')
    h.expose('alice', version)
    const marked = h.history()
    h.set('alice', 'TOKEN')
    const rotated = h.history()
    expect(marked.exposure(token(marked)!)).toEqual({exposed: true, to: [], marked: true})
    expect(rotated.exposure(token(rotated)!)).toEqual({exposed: false, to: [], marked: false})
  })

  it('ignores a mark that does not count', () => {
    const h = new HistoryBuilder()
    h.addMember('alice', 'rita')
    h.rule('alice', 'user:rita', ['read'])
    const version = h.set('alice', 'TOKEN')
    h.expose('rita', version)
    const history = h.history()
    expect(history.exposure(token(history)!).marked).toBe(false)
  })

  it('is cleared by a new value under a key the lost reader never held', () => {
    const h = new HistoryBuilder()
    h.addMember('alice', 'bob')
    h.rule('alice', 'user:bob', ['read'], 'production')
    const old = h.key('alice', 'production', '*', ['alice', 'bob'])
    h.set('alice', 'TOKEN', {environment: 'production', key: old})
    h.rule('alice', 'user:bob', [], 'production')
    const exposed = h.history()
    const fresh = h.key('alice', 'production', '*', ['alice'])
    h.set('alice', 'TOKEN', {environment: 'production', key: fresh})
    const rotated = h.history()
    const scope = {environment: 'production', branch: '*'}
    expect(exposed.exposure(token(exposed, 'TOKEN', scope)!).exposed).toBe(true)
    expect(rotated.exposure(token(rotated, 'TOKEN', scope)!)).toEqual({exposed: false, to: [], marked: false})
  })
})
