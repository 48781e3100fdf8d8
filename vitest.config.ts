import {defineConfig} from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Tests spawn real processes and share one Secret Service; two cores is the budget.
    // oclif writes through console; let @oclif/test's capture see it.
    disableConsoleIntercept: true,
    maxWorkers: 2,
    minWorkers: 1,
  },
})
