import {group} from './base.mjs'

export default group('envelope', {
  mutate: ['src/crypto/envelope.ts'],
  testFiles: ['test/crypto/envelope*.test.ts'],
})
