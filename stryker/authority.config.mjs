import {group} from './base.mjs'

// The authority model: who may do what, revocations, and the judge that replays history.
// Without property.test.ts (200 random histories, ~30 s) and wide-secret.test.ts (~17 s):
// every mutant they cover would rerun them, and a run would take hours. They stay in `npm test`.
export default group('authority', {
  mutate: ['src/vault/access/access-state.ts', 'src/vault/access/revocations.ts', 'src/vault/access/judge.ts'],
  testFiles: [
    'test/vault/access/access-state*.test.ts',
    'test/vault/access/judge*.test.ts',
    'test/vault/access/revocations*.test.ts',
    'test/vault/access/history*.test.ts',
    'test/vault/access/dag*.test.ts',
    'test/vault/access/smoke.test.ts',
    'test/vault/access/ref-restored-by-concurrent-write.test.ts',
  ],
})
