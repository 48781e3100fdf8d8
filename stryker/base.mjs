// Shared by the groups of `npm run mutate` (stryker/<group>.config.mjs): one config per group of
// modules that guard secrets, each mutated against its own unit tests only.

/**
 * @param {string} name  names the reports and the sandbox
 * @param {{mutate: string[], testFiles: string[]}} scope
 * @returns {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export function group(name, {mutate, testFiles}) {
  return {
    $schema: '../node_modules/@stryker-mutator/core/schema/stryker-schema.json',
    packageManager: 'npm',
    testRunner: 'vitest',
    vitest: {configFile: 'vitest.mutation.config.ts', related: false},
    mutate,
    testFiles,
    coverageAnalysis: 'perTest',
    // Static mutants (module-level constants) would need every test rerun per mutant.
    ignoreStatic: true,
    // The machine is shared; one test runner at a time.
    concurrency: 1,
    tempDirName: `/tmp/stryker-secrets-${name}`,
    cleanTempDir: true,
    ignorePatterns: ['dist', 'reports', 'coverage', 'bench', 'docs', 'scripts', 'test/e2e', 'test/soak'],
    reporters: ['clear-text', 'progress-append-only', 'json', 'html'],
    clearTextReporter: {allowColor: false, logTests: false, maxTestsToLog: 0},
    jsonReporter: {fileName: `reports/mutation/${name}.json`},
    htmlReporter: {fileName: `reports/mutation/${name}.html`},
    incrementalFile: `reports/mutation/${name}.incremental.json`,
    thresholds: {high: 90, low: 85, break: null},
  }
}
