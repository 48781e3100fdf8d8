// GitLab's scope matching, one case per test: which patterns match an environment or branch,
// and which of several matching secrets a job gets.
import {describe, expect, it} from 'vitest'

import {type Scoped, mostSpecific, scopeMatches, specificity} from '../src/scope.js'

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

  it('a job without an environment takes the * row over every scoped one', () => {
    const rows = [c('prod', 'production'), c('review', 'review/*'), c('any', '*'), c('suffix', '*-prod')]
    expect(mostSpecific(rows, '', 'main')?.id).toBe('any')
  })
})
