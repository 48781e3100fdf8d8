// What a person reads when the OS keychain cannot give or take their identity: what happened,
// and what to do about it, with its own exit code (KEYCHAIN_UNAVAILABLE) so scripts can tell it
// from "no identity at all".
import {SECRETS_IDENTITY, SECRETS_IDENTITY_FILE, SECRETS_KEYCHAIN} from '../env.js'
import {SecretsError} from '../errors.js'
import {type KeychainUnavailable} from './keychain.js'

const ELSEWHERE = `or set ${SECRETS_IDENTITY} (or ${SECRETS_IDENTITY_FILE}) to your identity`

export function keychainError(error: KeychainUnavailable, doing: 'read' | 'store'): SecretsError {
  const what = doing === 'read' ? 'cannot read your identity from it' : 'cannot store your new identity in it'
  switch (error.problem) {
    case 'locked': {
      return new SecretsError(
        'KEYCHAIN_UNAVAILABLE',
        `the OS keychain is locked: ${what}`,
        `unlock it (log in to your desktop session, or unlock the "login" keyring in Passwords and Keys), ${ELSEWHERE}`,
      )
    }
    case 'timeout': {
      return new SecretsError(
        'KEYCHAIN_UNAVAILABLE',
        `the OS keychain did not answer: ${error.message}`,
        `check that its daemon (gnome-keyring, KWallet) is running and not stuck, ${ELSEWHERE}; ${SECRETS_KEYCHAIN}=off skips the keychain`,
      )
    }
    case 'absent': {
      return new SecretsError(
        'KEYCHAIN_UNAVAILABLE',
        `the OS keychain is unavailable (${error.message}): ${what}`,
        `start it (a desktop session with gnome-keyring or KWallet), ${ELSEWHERE}; ${SECRETS_KEYCHAIN}=off uses only the identity file (\`secrets identity\` creates one)`,
      )
    }
    default: {
      return new SecretsError(
        'KEYCHAIN_UNAVAILABLE',
        `the OS keychain failed (${error.message}): ${what}`,
        `${ELSEWHERE.replace(/^or /, '')}; ${SECRETS_KEYCHAIN}=off skips the keychain`,
      )
    }
  }
}
