#!/usr/bin/env node
// First of all: SIGUSR1 would open Node's inspector on 127.0.0.1:9229, without authentication,
// and any process of this user (the very command `secrets run` starts) could send it and read
// the identity out of this process's heap. A listener of our own keeps the inspector shut.
process.on('SIGUSR1', () => {})

// Before anything else: SECRETS_IDENTITY leaves this process's environment (and the memory
// /proc/<pid>/environ shows), so no program we start, and no process of the same user, finds
// the key there. See src/keychain/identity-env.ts.
const {takeIdentityFromEnvironment} = await import('../dist/keychain/identity-env.js')
takeIdentityFromEnvironment()

const {execute} = await import('@oclif/core')
await execute({dir: import.meta.url})
