import {group} from './base.mjs'

export default group('masking', {
  mutate: ['src/run/mask.ts', 'src/run/mask-trie.ts'],
  testFiles: ['test/run/mask*.test.ts'],
})
