// GitLab's scope matching, one case per test: which patterns match an environment or branch,
// and which of several matching secrets a job gets.
import {describe, expect, it} from 'vitest'

import {type Scoped, covers, describeScope, describeSecret, mayOverlap, mostSpecific, sameSecret, scopeMatches, secretKey, shadows, specificity} from '../src/scope.js'

describe('scopeMatches', () => {
  it.each([
    ['*', 'production'],
    ['*', 'review/a/b'],
    ['*', ''],
    ['production', 'production'],
    ['review/*', 'review/a'],
    ['review/*', 'review/a/b'],
    ['review/*', 'review/'],
    ['*-prod', 'eu-prod'],
    ['*-prod', '-prod'],
    ['eu-*-prod', 'eu-west-1-prod'],
    ['*/*', 'a/b'],
    ['a.b', 'a.b'],
    ['a.b*', 'a.bc'],
    ['(x)*', '(x)y'],
    ['$CI_*', '$CI_X'],
    ['${X}.*', '${X}.y'],
    ['[ab]*', '[ab]c'],
    ['a\\*', 'a\\b'],
    // `*` matches any run of characters, a line break too: a value is never cut into lines.
    ['review/*', 'review/a\nb'],
  ])('%j matches %j', (pattern, value) => {
    expect(scopeMatches(pattern, value)).toBe(true)
  })

  it.each([
    ['production', 'staging'],
    ['production', 'production-2'],
    ['production', ''],
    ['review/*', 'review'],
    ['review/*', 'reviewer/a'],
    ['review/*', 'x/review/a'],
    ['*-prod', 'eu-prod-2'],
    ['*-prod', 'euprod'],
    ['Production', 'production'],
    ['production', 'Production'],
    ['review/*', 'Review/a'],
    // Regex metacharacters in a pattern are literal characters.
    ['a.b', 'axb'],
    ['a.b*', 'axbc'],
    ['a+', 'aa'],
    ['a+*', 'aab'],
    ['a?*', 'b'],
    ['(x|y)*', 'x'],
    ['[ab]*', 'a'],
    ['^a*', 'ab'],
    ['a$*', 'a'],
    ['a{2}*', 'aa'],
    ['a\\d*', 'a1'],
    // `*` is the only wildcard.
    ['a?', 'ab'],
    // A value is matched as a whole, never one line of it.
    ['review/*', 'staging\nreview/x'],
    ['staging', 'staging\nreview/x'],
  ])('%j does not match %j', (pattern, value) => {
    expect(scopeMatches(pattern, value)).toBe(false)
  })
})

describe('specificity', () => {
  it.each([
    ['production', 'review/*'],
    ['review/*', '*'],
    ['production', '*'],
    ['review/app/*', 'review/*'],
    ['a', '*-very-long-suffix-pattern'],
    // Literal characters count, wildcards do not.
    ['abc*', '*a*b*'],
    ['release/*', '*-*-*-*'],
  ])('%j is more specific than %j', (more, less) => {
    expect(specificity(more)).toBeGreaterThan(specificity(less))
  })
})

interface Candidate extends Scoped {
  id: string
}

const c = (id: string, environment: string, branch = '*'): Candidate => ({id, environment, branch})

describe('mostSpecific', () => {
  // Each case is run in both orders: the answer must not depend on the order of the rows.
  it.each([
    ['exact environment beats a wildcard', [c('wild', 'review/*'), c('exact', 'review/app')], 'review/app', 'main', 'exact'],
    ['a wildcard environment beats *', [c('any', '*'), c('wild', 'review/*')], 'review/app', 'main', 'wild'],
    ['exact environment beats *', [c('any', '*'), c('exact', 'production')], 'production', 'main', 'exact'],
    ['the longer wildcard beats the shorter', [c('short', 'review/*'), c('long', 'review/app-*')], 'review/app-1', 'main', 'long'],
    ['exact branch beats a wildcard branch', [c('wild', '*', 'release/*'), c('exact', '*', 'release/1.2')], 'production', 'release/1.2', 'exact'],
    ['a wildcard branch beats *', [c('any', '*', '*'), c('wild', '*', 'release/*')], 'production', 'release/1.2', 'wild'],
    [
      'the environment decides before the branch',
      [c('branch-exact', '*', 'main'), c('env-exact', 'production', '*')],
      'production',
      'main',
      'env-exact',
    ],
    [
      'a wildcard environment beats * even with an exact branch',
      [c('branch-exact', '*', 'main'), c('env-wild', 'prod*', '*')],
      'production',
      'main',
      'env-wild',
    ],
    [
      'the branch decides between equal environments',
      [c('env-only', 'production', '*'), c('both', 'production', 'main')],
      'production',
      'main',
      'both',
    ],
    ['a more specific row whose branch does not match is skipped', [c('any', '*'), c('other-branch', 'production', 'develop')], 'production', 'main', 'any'],
    ['a more specific row whose environment does not match is skipped', [c('any', '*'), c('staging', 'staging')], 'production', 'main', 'any'],
  ])('%s', (_label, candidates, environment, branch, expected) => {
    expect(mostSpecific(candidates, environment, branch)?.id).toBe(expected)
    expect(mostSpecific([...candidates].reverse(), environment, branch)?.id).toBe(expected)
  })

  it.each([
    ['no candidates', [], 'production', 'main'],
    ['no environment matches', [c('staging', 'staging'), c('review', 'review/*')], 'production', 'main'],
    ['no branch matches', [c('release', '*', 'release/*')], 'production', 'main'],
    ['case differs', [c('upper', 'Production')], 'production', 'main'],
  ])('no match (%s) is undefined', (_label, candidates: Candidate[], environment, branch) => {
    expect(mostSpecific(candidates, environment, branch)).toBeUndefined()
  })

  it.each([
    ['*', true],
    ['production', false],
    ['review/*', false],
    ['*-prod', false],
    ['*prod*', false],
  ])('a job without an environment (\'\') gets a secret scoped %j: %s', (environment, matches) => {
    const got = mostSpecific([c('row', environment)], '', 'main')
    expect(got?.id).toBe(matches ? 'row' : undefined)
  })

  it('gives a tie to the first candidate, so that the caller\'s order decides it', () => {
    const rows = [c('first', 'review/*'), c('second', '*/a-prod')]
    expect(mostSpecific(rows, 'review/a-prod', 'main')?.id).toBe('first')
    expect(mostSpecific([...rows].reverse(), 'review/a-prod', 'main')?.id).toBe('second')
  })

  it('a job without an environment takes the * row over every scoped one', () => {
    const rows = [c('prod', 'production'), c('review', 'review/*'), c('any', '*'), c('suffix', '*-prod')]
    expect(mostSpecific(rows, '', 'main')?.id).toBe('any')
  })
})

describe('mayOverlap', () => {
  it.each([
    ['*', 'production'],
    ['production', '*'],
    ['production', 'production'],
    ['review/*', 'review/app'],
    ['review/app', 'review/*'],
    // Two globs are assumed to overlap, even when no value could match both.
    ['review/*', '*-prod'],
    ['a*', 'b*'],
  ])('%j and %j may overlap', (p, q) => {
    expect(mayOverlap(p, q)).toBe(true)
  })

  it.each([
    ['production', 'staging'],
    ['review/*', 'staging'],
    ['staging', 'review/*'],
    ['Production', 'production'],
  ])('%j and %j cannot overlap', (p, q) => {
    expect(mayOverlap(p, q)).toBe(false)
  })
})

describe('shadows: a new secret that some run would get instead of an existing one', () => {
  const s = (environment: string, branch: string): Scoped => ({environment, branch})
  it.each([
    ['a narrower environment', s('production', '*'), s('*', '*')],
    ['a narrower branch', s('*', 'main'), s('*', '*')],
    ['a glob environment over *', s('review/*', '*'), s('*', '*')],
    ['a literal environment over a glob that matches it', s('review/app', '*'), s('review/*', '*')],
    ['an equally specific scope that overlaps (a tie)', s('review/*', '*'), s('*/a-prod', '*')],
    ['a narrower environment with a wider branch: the environment decides first', s('production', '*'), s('*', 'main')],
  ])('%s shadows', (_label, a, b) => {
    expect(shadows(a, b)).toBe(true)
  })

  it.each([
    ['the same scope', s('production', 'main'), s('production', 'main')],
    ['a wider scope', s('*', '*'), s('production', '*')],
    ['a wider environment with a narrower branch', s('*', 'main'), s('production', '*')],
    ['another environment', s('staging', 'main'), s('production', 'main')],
    ['another branch', s('production', 'develop'), s('production', 'main')],
    ['a glob that does not match the other literal environment', s('review/*', '*'), s('production', '*')],
  ])('%s does not shadow', (_label, a, b) => {
    expect(shadows(a, b)).toBe(false)
  })
})

describe('covers: which secret scopes an access rule reaches', () => {
  it.each([
    ['*', '*'],
    ['*', 'production'],
    ['*', 'review/*'],
    ['production', 'production'],
    ['review/*', 'review/*'],
    ['review/*', 'review/app'],
  ])('%j covers %j', (rule, scope) => {
    expect(covers(rule, scope)).toBe(true)
  })

  it.each([
    // A member limited to production may not read secrets meant for every environment.
    ['production', '*'],
    ['production', 'staging'],
    ['review/*', '*'],
    ['review/*', 'review/app-*'],
    ['review/*', 'production'],
    ['*-prod', 'review/*-prod'],
  ])('%j does not cover %j', (rule, scope) => {
    expect(covers(rule, scope)).toBe(false)
  })
})

describe('naming a secret', () => {
  const secret = {name: 'DB_PASSWORD', environment: 'production', branch: 'main'}

  it('names the scope and the secret the same way in every message', () => {
    expect(describeScope(secret)).toBe('environment production, branch main')
    expect(describeSecret(secret)).toBe('secret DB_PASSWORD (environment production, branch main)')
  })

  it('tells secrets apart by name, environment and branch', () => {
    expect(sameSecret(secret, {...secret})).toBe(true)
    for (const other of [{...secret, name: 'DB_USER'}, {...secret, environment: 'staging'}, {...secret, branch: 'develop'}]) {
      expect(sameSecret(secret, other)).toBe(false)
      expect(secretKey(secret)).not.toBe(secretKey(other))
    }

    expect(secretKey(secret)).toBe(secretKey({...secret}))
    // Fields that could run into one another still make different keys.
    expect(secretKey({name: 'A,B', environment: 'C', branch: '*'})).not.toBe(secretKey({name: 'A', environment: 'B,C', branch: '*'}))
    // Parts made of the key's own spelling (lengths, colons, digits), as a forged operation may carry.
    const parts = ['', '1', ':', '1:', '2:1:', 'A', 'A1:', '11:A', '1:A1:', '*', '0:']
    const triples = parts.flatMap((name) => parts.flatMap((environment) => parts.map((branch) => ({name, environment, branch}))))
    expect(new Set(triples.map(secretKey)).size).toBe(triples.length)
  })
})
