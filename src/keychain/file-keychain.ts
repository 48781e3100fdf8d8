import {chmodSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {dirname} from 'node:path'

import type {Keychain} from './keychain.js'

/**
 * The last resort, only where no OS keychain works: one identity in a file of mode 0600
 * under the user's config directory, like ssh and age keep their keys.
 */
export class FileKeychain implements Keychain {
  readonly description: string

  constructor(readonly path: string) {
    this.description = path
  }

  get(_account: string): string | undefined {
    if (!existsSync(this.path)) return undefined
    return readIdentityFile(this.path)
  }

  set(_account: string, secret: string): void {
    mkdirSync(dirname(this.path), {recursive: true, mode: 0o700})
    writeFileSync(this.path, `# secrets identity: keep this file private\n${secret}\n`, {mode: 0o600, flag: 'w'})
    // writeFileSync's mode applies only when it creates the file.
    chmodSync(this.path, 0o600)
  }

  delete(_account: string): boolean {
    if (!existsSync(this.path)) return false
    rmSync(this.path)
    return true
  }

  /** True when others can read the file: worth a warning, as ssh gives. */
  isExposed(): boolean {
    return existsSync(this.path) && (statSync(this.path).mode & 0o077) !== 0
  }
}

/** An identity file holds one key line; lines starting with `#` are comments (as in age). */
export function readIdentityFile(path: string): string | undefined {
  const line = readFileSync(path, 'utf8')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .find((l) => l !== '' && !l.startsWith('#'))
  return line
}
