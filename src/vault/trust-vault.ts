// `secrets trust`: this computer accepts the vault as it is now on this branch, after it was
// refused for losing operations this computer had seen — when the loss is the user's own doing
// (a discarded or reset vault file). The lost operations are named, never silently dropped.
import {type SessionOptions, VaultSession} from './session.js'
import type {PinnedOp} from './store/pins.js'

export interface TrustResult {
  path: string
  /** The branches the pins apply to (none on a detached HEAD no branch points at). */
  branches: string[]
  /** Operations this computer had seen on these branches that the vault no longer holds. */
  dropped: PinnedOp[]
  /** Another vault this computer had seen at this path, now replaced in its memory by this one. */
  replaced: string | null
  heads: string[]
}

export function trustVault(path: string, options: SessionOptions): TrustResult {
  const session = VaultSession.open(path, options, {acceptLoss: true})
  try {
    return {path, branches: [...(options.pinScope ?? ['-'])], dropped: session.pinCheck?.lost ?? [], replaced: session.pinCheck?.replaced ?? null, heads: session.history.heads}
  } finally {
    session.close()
  }
}
