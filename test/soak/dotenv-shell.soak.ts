// The long run of test/formats/dotenv-shell.test.ts: many batches of generated values through
// formatDotenv, dotenv and real shells. SEED=<n> replays a failure fast-check reported.
import {describe, it} from 'vitest'

import {checkDotenvInShells} from '../formats/dotenv-shell-property.js'

describe('dotenv export in shells (soak)', () => {
  it('holds for 1,000 batches of up to 30 values', {timeout: 30 * 60_000}, async () => {
    await checkDotenvInShells(Number(process.env.DOTENV_SHELL_RUNS ?? 1000), process.env.SEED ? Number(process.env.SEED) : undefined)
  })
})
