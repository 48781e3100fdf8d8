import {defineConfig} from 'vitest/config'

// `npm run soak`: the long fault-injection runs (thousands of cases, hundreds of kills) that the
// suite samples. One file at a time: each already runs many processes at once, and the timing of
// kills means little on a machine swamped by other test files.
export default defineConfig({
  test: {
    include: ['test/soak/**/*.soak.ts'],
    testTimeout: 3_600_000,
    hookTimeout: 600_000,
    disableConsoleIntercept: true,
    maxWorkers: 1,
    minWorkers: 1,
    fileParallelism: false,
  },
})
