import {defineConfig} from 'vitest/config'

// For `npm run mutate` only: Stryker reruns the unit tests that cover a mutant once per mutant,
// so the runs must stay fast. Each group's config (stryker/*.config.mjs) narrows this further
// with `testFiles`; end-to-end and command tests spawn the CLI and would take hours.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/e2e/**', 'test/commands/**', 'test/soak/**', '**/node_modules/**'],
    // Generous: coverage instrumentation slows tests several times, and the machine is shared.
    // Stryker's own per-mutant timeout catches a mutant that loops.
    testTimeout: 180_000,
    hookTimeout: 180_000,
  },
})
