import {group} from './base.mjs'

// Scope matching and the validation of a CI job's `secrets:` entries.
export default group('scope', {
  mutate: ['src/scope.ts', 'src/ci/gitlab/secrets-entry.ts', 'src/vault/validate.ts'],
  testFiles: ['test/scope*.test.ts', 'test/ci/gitlab/secrets-entry*.test.ts', 'test/vault/validate*.test.ts'],
})
