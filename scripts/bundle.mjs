#!/usr/bin/env node
// The fast path of `secrets run` (src/cli/fast-run.ts) as one file: Node's ES module loader
// spends ~1 ms resolving and compiling each of the ~250 files it would otherwise load (our
// dist/ plus yaml and libsodium), about 70 ms in all here; one bundle costs ~55 ms less than
// that. bench/results.md has the figures. Run after `tsc` (it bundles dist/, not src/).
//
// Native modules stay outside (they are loaded from node_modules as usual), and so does
// dist/keychain/identity-env.js: bin/run.js takes SECRETS_IDENTITY out of the environment
// through that module before anything else, and the identity it holds must be the one the
// bundle reads, so there is exactly one copy of it.
import {build} from 'esbuild'
import {fileURLToPath} from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))

const identityModuleOutside = {
  name: 'identity-env-outside',
  setup(b) {
    b.onResolve({filter: /(^|\/)identity-env\.js$/}, () => ({path: './keychain/identity-env.js', external: true}))
  },
}

await build({
  absWorkingDir: root,
  entryPoints: ['dist/cli/fast-run.js'],
  outfile: 'dist/fast-run.bundle.mjs',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['better-sqlite3', '@napi-rs/keyring'],
  plugins: [identityModuleOutside],
  // CommonJS dependencies bundled into an ES module still call require() for Node's own modules.
  banner: {js: "import {createRequire as __secretsRequire} from 'node:module'; const require = __secretsRequire(import.meta.url);"},
  logLevel: 'warning',
})
