#!/usr/bin/env node
// First of all: SIGUSR1 would open Node's inspector on 127.0.0.1:9229, without authentication,
// and any process of this user (the very command `secrets run` starts) could send it and read
// the identity out of this process's heap. A listener of our own keeps the inspector shut.
process.on('SIGUSR1', () => {})

// Node 22.1+ keeps V8's compiled code between runs (a fifth of the start-up here). Only in a
// directory of this user's that no one else can write and that is outside any git worktree
// (src/private-dir.ts), never the shared default under /tmp: compiled code found there is run
// in the process that holds the identity, and Node checks it against the source's length and
// checksum only.
import module from 'node:module'
import {homedir} from 'node:os'
import {statSync} from 'node:fs'
import {join} from 'node:path'

if (module.enableCompileCache) {
  const dir = join(process.env.XDG_CACHE_HOME || join(process.env.HOME || homedir(), '.cache'), 'secrets', 'compile-cache')
  const {ensurePrivateDir, projectsAround} = await import('../dist/private-dir.js')
  // Nor inside the project this command runs in, a checkout without .git included.
  if (ensurePrivateDir(dir, projectsAround(process.cwd()))) module.enableCompileCache(dir)
}

// Before anything else: SECRETS_IDENTITY leaves this process's environment (and the memory
// /proc/<pid>/environ shows), so no program we start, and no process of the same user, finds
// the key there. See src/keychain/identity-env.ts.
const {takeIdentityFromEnvironment} = await import('../dist/keychain/identity-env.js')
takeIdentityFromEnvironment()

// `secrets run` in its common shapes starts without oclif (src/cli/fast-run-args.ts says which);
// everything else, help and errors of parsing included, is oclif's.
const fast = process.argv[2] === 'run' && !process.env.SECRETS_CONTENT_TYPE ? (await import('../dist/cli/fast-run-args.js')).parseFastRun(process.argv.slice(3)) : undefined
if (fast) {
  // The bundle `npm run build` makes; a dist/ recompiled since (tsc alone) is newer than it, and
  // is then what runs, so a stale bundle never runs old code.
  const {fastRun} = await import(fastRunModule())
  const code = await fastRun(fast)
  // As oclif does after a failure: exit now, whatever is still scheduled.
  if (code !== 0) process.exit(code)
} else {
  const {execute} = await import('@oclif/core')
  await execute({dir: import.meta.url})
}

function fastRunModule() {
  const bundle = new URL('../dist/fast-run.bundle.mjs', import.meta.url)
  const entry = new URL('../dist/cli/fast-run.js', import.meta.url)
  try {
    return statSync(bundle).mtimeMs >= statSync(entry).mtimeMs ? bundle.href : entry.href
  } catch {
    return entry.href
  }
}
