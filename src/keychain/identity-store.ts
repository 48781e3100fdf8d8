import {homedir} from 'node:os'
import {join} from 'node:path'

import {Identity} from '../crypto/identity.js'
import {InvalidKeyText} from '../crypto/errors.js'
import {type Env, SECRETS_IDENTITY, SECRETS_IDENTITY_FILE, SECRETS_KEYCHAIN, SECRETS_KEYCHAIN_SERVICE} from '../env.js'
import {SecretsError, noIdentity, usage} from '../errors.js'
import {FileKeychain, readIdentityFile} from './file-keychain.js'
import {keychainError} from './keychain-error.js'
import {heldIdentityText} from './identity-env.js'
import {type Keychain, KeychainUnavailable} from './keychain.js'
import {OsKeychain} from './os-keychain.js'

/** Where an identity came from, first hit wins, in this order. */
export type IdentitySource = 'env' | 'env-file' | 'keychain' | 'file'

export interface LoadedIdentity {
  identity: Identity
  source: IdentitySource
  /** Human words for the place: a variable name, a path, the keychain service. */
  location: string
  created: boolean
  /** Said once on stderr by the command, e.g. why the file fallback is in use. */
  warning?: string
}

/** The keychain entry's account; one entry per identity. */
export const DEFAULT_ACCOUNT = 'default'

export interface IdentityStoreOptions {
  env: Env
  /** Injected by tests; defaults to the OS keychain unless SECRETS_KEYCHAIN=off. */
  keychain?: Keychain
  home?: string
}

export class IdentityStore {
  private readonly env: Env
  private readonly keychain?: Keychain
  private readonly fileKeychain: FileKeychain
  private readonly keychainDisabled: boolean

  constructor(options: IdentityStoreOptions) {
    this.env = options.env
    this.keychainDisabled = !options.keychain && options.env[SECRETS_KEYCHAIN] === 'off'
    this.keychain =
      options.keychain ?? (this.keychainDisabled ? undefined : new OsKeychain(options.env[SECRETS_KEYCHAIN_SERVICE] || 'secrets'))
    this.fileKeychain = new FileKeychain(identityFilePath(options.env, options.home ?? (options.env.HOME || homedir())))
  }

  /** The identity in use, or undefined when there is none anywhere. Never creates one. */
  find(): LoadedIdentity | undefined {
    const {found, keychainProblem} = this.lookup()
    // The identity may well be in the keychain we could not read: say so, with its own code.
    if (!found && keychainProblem) throw keychainError(keychainProblem, 'read')
    return found
  }

  private lookup(): {found?: LoadedIdentity; keychainProblem?: KeychainUnavailable} {
    // bin/run.js takes SECRETS_IDENTITY out of the process's environment as it starts.
    const fromEnv = this.env[SECRETS_IDENTITY] ?? (this.env === process.env ? heldIdentityText() : undefined)
    if (fromEnv !== undefined && fromEnv.trim() !== '') {
      return {found: {identity: parse(fromEnv, SECRETS_IDENTITY), source: 'env', location: SECRETS_IDENTITY, created: false}}
    }

    const file = this.env[SECRETS_IDENTITY_FILE]
    if (file) {
      let text: string | undefined
      try {
        text = readIdentityFile(file)
      } catch {
        throw noIdentity(`cannot read ${SECRETS_IDENTITY_FILE}: ${file}`)
      }

      if (!text) throw noIdentity(`no identity in ${SECRETS_IDENTITY_FILE}: ${file}`)
      return {found: {identity: parse(text, file), source: 'env-file', location: file, created: false}}
    }

    let keychainProblem: KeychainUnavailable | undefined
    if (this.keychain) {
      try {
        const text = this.keychain.get(DEFAULT_ACCOUNT)
        if (text) {
          return {found: {identity: parse(text, this.keychain.description), source: 'keychain', location: this.keychain.description, created: false}}
        }
      } catch (error) {
        if (!(error instanceof KeychainUnavailable)) throw error
        keychainProblem = error
      }
    }

    const text = this.fileKeychain.get(DEFAULT_ACCOUNT)
    if (text) {
      const found: LoadedIdentity = {
        identity: parse(text, this.fileKeychain.path),
        source: 'file',
        location: this.fileKeychain.path,
        created: false,
        warning: this.fileKeychain.isExposed() ? `${this.fileKeychain.path} is readable by others: chmod 600 it` : undefined,
      }
      return {found}
    }

    return {keychainProblem}
  }

  /** The identity in use; a new one is made and stored when there is none. */
  findOrCreate(): LoadedIdentity {
    const {found, keychainProblem} = this.lookup()
    if (found) return found
    // A keychain that is there but locked, stuck or failing may hold the identity already: a new
    // one in a file would be a second identity, not a member of the person's vaults. Only a
    // machine with no keychain at all (a server, a container) falls back to the file.
    if (keychainProblem && keychainProblem.problem !== 'absent') throw keychainError(keychainProblem, 'read')

    const identity = Identity.generate()
    const text = identity.toSecretText()
    if (this.keychain) {
      try {
        this.keychain.set(DEFAULT_ACCOUNT, text)
        // Read it back: some Secret Services accept a write they then cannot return.
        if (this.keychain.get(DEFAULT_ACCOUNT) === text) {
          return {identity, source: 'keychain', location: this.keychain.description, created: true}
        }
      } catch (error) {
        if (!(error instanceof KeychainUnavailable)) throw error
        if (error.problem !== 'absent') throw keychainError(error, 'store')
        return this.storeInFile(identity, `no OS keychain works here (${error.message})`)
      }
    }

    return this.storeInFile(identity, this.keychainDisabled ? `${SECRETS_KEYCHAIN}=off` : 'the OS keychain did not keep the identity')
  }

  /** Removes the stored identity from the keychain or the fallback file. */
  forget(): boolean {
    let removed = false
    if (this.keychain) {
      try {
        removed = this.keychain.delete(DEFAULT_ACCOUNT)
      } catch (error) {
        if (!(error instanceof KeychainUnavailable)) throw error
      }
    }

    return this.fileKeychain.delete(DEFAULT_ACCOUNT) || removed
  }

  private storeInFile(identity: Identity, why: string): LoadedIdentity {
    this.fileKeychain.set(DEFAULT_ACCOUNT, identity.toSecretText())
    return {
      identity,
      source: 'file',
      location: this.fileKeychain.path,
      created: true,
      warning: `${why}: the identity was saved to ${this.fileKeychain.path} (mode 0600) instead`,
    }
  }
}

export function identityFilePath(env: Env, home: string): string {
  const config = env.XDG_CONFIG_HOME || join(home, '.config')
  return join(config, 'secrets', 'identity')
}

function parse(text: string, where: string): Identity {
  try {
    return Identity.parse(text)
  } catch (error) {
    if (error instanceof InvalidKeyText) throw usage(`${error.message} (in ${where})`)
    throw error instanceof SecretsError ? error : noIdentity(`cannot read the identity in ${where}`)
  }
}
