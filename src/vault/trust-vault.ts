// `secrets trust`: this computer accepts the vault as it is now on this branch, after it was
// refused for losing operations this computer had seen — when the loss is the user's own doing
// (a discarded or reset vault file). The lost operations are named, never silently dropped.
import {type SessionOptions, VaultSession} from './session.js'
import type {PinnedOp} from './store/pins.js'

export interface TrustResult {
  path: string
  /** The branch the pins apply to; null on a detached HEAD (nothing is pinned there). */
  branch: string | null
  /** Operations this computer had seen on this branch that the vault no longer holds. */
  dropped: PinnedOp[]
  heads: string[]
}

export function trustVault(path: string, options: SessionOptions): TrustResult {
  const session = VaultSession.open(path, options, {acceptLoss: true})
  try {
    return {path, branch: options.pinScope ?? null, dropped: session.pinCheck?.lost ?? [], heads: session.history.heads}
  } finally {
    session.close()
  }
}
