#!/usr/bin/env node
// Before anything else: SECRETS_IDENTITY leaves this process's environment (and the memory
// /proc/<pid>/environ shows), so no program we start, and no process of the same user, finds
// the key there. See src/keychain/identity-env.ts.
const {takeIdentityFromEnvironment} = await import('../dist/keychain/identity-env.js')
takeIdentityFromEnvironment()

const {execute} = await import('@oclif/core')
await execute({dir: import.meta.url})
