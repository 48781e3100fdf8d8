// What the command `secrets run` starts receives, besides the secrets: the caller's environment
// without the variables that carry our key material, and the identity's text among the values
// the output masker hides (a job that prints an identity file still shows [MASKED]).
import {homedir} from 'node:os'

import {type Env, KEY_MATERIAL_VARIABLES, SECRETS_IDENTITY, SECRETS_IDENTITY_FILE} from '../env.js'
import {readIdentityFile} from '../keychain/file-keychain.js'
import {heldIdentityText} from '../keychain/identity-env.js'
import {identityFilePath} from '../keychain/identity-store.js'

/** The caller's environment, minus SECRETS_IDENTITY, SECRETS_IDENTITY_FILE and their kind. */
export function inheritedEnvironment(env: Env): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined && !isKeyMaterial(key)) out[key] = value
  }

  return out
}

/** Compared without case: on Windows `secrets_identity` is the same variable. */
export function isKeyMaterial(name: string): boolean {
  return KEY_MATERIAL_VARIABLES.includes(name.toUpperCase())
}

/**
 * The private identity texts this run could have used, to mask: SECRETS_IDENTITY (as the
 * process started with it), the file SECRETS_IDENTITY_FILE names, and the fallback identity
 * file. An identity in the OS keychain is not read again for this: a job cannot read the
 * keychain's secret from the environment or a file, only by asking the keychain itself.
 */
export function identityTexts(env: Env): string[] {
  const texts = [heldIdentityText() ?? env[SECRETS_IDENTITY]]
  for (const path of [env[SECRETS_IDENTITY_FILE], identityFilePath(env, env.HOME || homedir())]) {
    if (!path) continue
    try {
      texts.push(readIdentityFile(path))
    } catch {
      // No file there, or not ours to read: nothing to mask from it.
    }
  }

  return texts.map((t) => t?.trim()).filter((t): t is string => t !== undefined && t !== '')
}
