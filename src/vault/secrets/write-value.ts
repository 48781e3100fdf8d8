// Writing a value: the one place a secret.set operation is built. The ciphertext is bound to the
// operation that carries it (its author, its parents, the secret's name and scope, its key), so
// it cannot be replayed into another operation or secret.
import {encryptOpValue, wipe} from '../../crypto/index.js'
import type {Scoped} from '../../scope.js'
import {type KeyChoices, keyForWriting} from '../keys/choose-key.js'
import type {DataOf, Operation} from '../store/operations.js'
import type {VaultSession} from '../session.js'

export type SecretMetadata = Pick<DataOf<'secret.set'>, 'description' | 'rotation_days' | 'variable' | 'file' | 'protected' | 'ref'>

export function metadataOf(data: DataOf<'secret.set'>): SecretMetadata {
  return {description: data.description, rotation_days: data.rotation_days, variable: data.variable, file: data.file, protected: data.protected, ref: data.ref}
}

/** Appends a version of `target` holding `value`. Inside a write, rights checked. */
export function appendVersion(
  session: VaultSession,
  target: Scoped & {name: string},
  metadata: SecretMetadata,
  value: Uint8Array,
  options: {at?: Date; origin?: {author: string; at: string}; choices?: KeyChoices} = {},
): Operation {
  const chosen = keyForWriting(session, target, options.choices)
  const {member} = session.me()
  const ctx = {
    vaultId: session.vaultId, author: member.id, parents: session.nextParents(),
    name: target.name, environment: target.environment, branch: target.branch, key: chosen.inline ? 'inline' : (chosen.ref as string),
  }
  const {nonce, ciphertext} = encryptOpValue(chosen.key, ctx, value)
  if (chosen.inline) wipe(chosen.key)
  return session.append(
    {kind: 'secret.set', name: target.name, environment: target.environment, branch: target.branch, ...metadata, key: chosen.ref, nonce, ciphertext, origin: options.origin ?? null},
    options.at,
  )
}
