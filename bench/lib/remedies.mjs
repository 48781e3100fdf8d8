// For each target of issue 10 that a run may miss: what is left of the cost and what would
// remove it, as measured and decided in docs/decisions.md ("Speed (issue 10)"). Printed under a
// target only when it is not met.
const REMEDIES = [
  [/`run -- true` with 5 secrets ≤ 2\.0× `node -e 0`/, "oclif is gone from this path already; what remains is Node's own start, ~50 ms to load the bundle (half of it libsodium's WebAssembly, which Node 20 cannot cache), SQLite, two `git` calls and the child. 2× would need libsodium off the path of a run (a native XChaCha20-Poly1305 and sealed-box implementation, which this project should not write) or a long-lived agent holding the opened vault, which secrets deliberately does not have."],
  [/`run -- true` with 5 secrets ≤ 0\.4× `dotenvx/, 'the same start-up costs as the target above: everything but Node itself is about 4× Node here.'],
  [/`get` in [\d,]+ ≤ 1\.3× in 20|`get` peak memory|`run` of a 20-secret job/, "the judged state of an unchanged vault is kept (docs/SECURITY.md §8), so what still grows with the vault is hashing the whole file (~8 ms for 9 MB), reading the state (~10 ms for 10,000 secrets, ~1.6 MB) and, for `run`, the summary of every secret it lists to plan the job (~30 ms and ~30 MB at 10,000). Closer would take a state that answers a job from its names alone (no summary of the other 9,980 secrets) and hashing only the pages that changed, which gives up hashing every byte."],
  [/`list --json` of/, "the listing itself is restored from the judged state (no operation is read); what remains is oclif's start (~120 ms before any of our code, as `run` had before its fast path), opening the vault (~50 ms: hashing 9 MB, reading the state, the pins) and writing ~4 MB of JSON. 5× would need `list --json` started without oclif, as `run` is."],
  [/`rotate --key` of/, 'a write reads and judges the whole history from the file (writers never use the judged state, by design: every authority check of a write runs on verified operations), then judges it again after the write for the pins; ~450 ms each at 10,000. Judging only the new operation after a write (its parents are every head, so it comes last in the canonical order) would save one of the two.'],
  [/`import` of/, 'every value is its own signed operation (~60 µs to sign with OpenSSL, ~40 µs to encode and read back) and the history is judged again after the write; 20× would need values imported in batches of one operation each (a format change) on top of the judged-state cache.'],
  [/masked throughput/, 'the scan is JavaScript; since the Wu–Manber skip it reads about one pair of bytes per window of the shortest value, so what is left is the pipe reads and a copy of each chunk.'],
  [/masked peak memory/, "Node's own reading of a pipe: a plain `child.stdout.pipe(process.stdout)` peaks ~40 MB above its start on this stream (64 KiB read buffers, freed only when V8 collects), and the start with a vault of 1,000 secrets is ~75 MB. Under 100 MB would need the child's pipe read into one reused buffer, which Node's child_process API does not offer (a minor collection forced every 2 MB brought a test harness from 90 to 63 MB, but needs --expose-gc)."],
]

export function remedyFor(text) {
  return REMEDIES.find(([pattern]) => pattern.test(text))?.[1]
}
