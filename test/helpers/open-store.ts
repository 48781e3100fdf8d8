// A vault opened in-process as `secrets get` opens it (command-context.ts openStore): the
// person's identity, their config directory (pins, the key of the record of verified rows) and
// cache directory (that record), on branch main.
import {join} from 'node:path'

import {Identity} from '../../src/crypto/identity.js'
import {SqliteStore} from '../../src/vault/sqlite-store.js'

export function openAsPerson(vaultPath: string, identityText: string, home: string): SqliteStore {
  return SqliteStore.open(vaultPath, {
    now: new Date(),
    maxValueBytes: 10_000,
    identity: () => Identity.parse(identityText),
    defaultBranch: () => 'main',
    configDir: join(home, '.config'),
    cacheDir: join(home, '.cache'),
    pinScope: ['main'],
  })
}
