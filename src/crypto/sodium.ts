// libsodium is WebAssembly and must finish loading before any call. Loading is async but
// every crypto operation after it is sync, so the CLI awaits loadSodium() once at start and
// the rest of src/crypto stays synchronous (simpler call sites, no half-awaited secrets).
import sodium from 'libsodium-wrappers'

let loaded: typeof sodium | undefined
let loading: Promise<typeof sodium> | undefined

export async function loadSodium(): Promise<typeof sodium> {
  if (loaded) return loaded
  loading ??= sodium.ready.then(
    () => {
      loaded = sodium
      return sodium
    },
    (error: unknown) => {
      // Let a later call retry instead of caching the failure for the life of the process.
      loading = undefined
      throw error
    },
  )
  return loading
}

export function sodiumSync(): typeof sodium {
  if (!loaded) throw new Error('libsodium is not loaded: await loadSodium() before using src/crypto')
  return loaded
}
