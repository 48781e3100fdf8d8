// For each target of issue 10 that a run may miss: what is left of the cost and what would
// remove it, as measured and decided in docs/decisions.md ("Speed (issue 10)"). Printed under a
// target only when it is not met.
const REMEDIES = [
  [/`run -- true` with 5 secrets ≤ 2\.0× `node -e 0`/, "oclif is gone from this path already; what remains is Node's own start, ~50 ms to load the bundle (half of it libsodium's WebAssembly, which Node 20 cannot cache), SQLite, two `git` calls and the child. 2× would need libsodium off the path of a run (a native XChaCha20-Poly1305 and sealed-box implementation, which this project should not write) or a long-lived agent holding the opened vault, which secrets deliberately does not have."],
  [/`run -- true` with 5 secrets ≤ 0\.4× `dotenvx/, 'the same start-up costs as the target above: everything but Node itself is about 4× Node here.'],
  [/`get` in [\d,]+ ≤ 1\.3× in 20|`get` peak memory|`run` of a 20-secret job/, "every command still reads, parses and judges every operation of the history (signatures are checked once per row and computer, docs/SECURITY.md §8). Meeting it needs the judged state cached per vault, keyed by the digest of the set of operation ids, with operations decoded lazily by id and checked against their id and signature as they are read; `run` would then also summarise only the secrets it can inject instead of every one. Designed in docs/decisions.md, not built: it is a second implementation of the history's read side and needs its own property tests and red-team round."],
  [/`list --json` of/, 'the same judged-state cache (list summarises every secret from the judged history); printing is no longer a cost (oclif\'s JSON colouring was 350 ms of it).'],
  [/`rotate --key` of/, 'reading and judging the history twice (before the write, and again after it for the pins): the judged-state cache, and judging only the new operation after a write instead of the whole history again.'],
  [/`import` of/, 'every value is its own signed operation (~60 µs to sign with OpenSSL, ~40 µs to encode and read back) and the history is judged again after the write; 20× would need values imported in batches of one operation each (a format change) on top of the judged-state cache.'],
  [/masked throughput/, 'the scan is JavaScript, one or two array reads per byte on top of the pipe reads and the copies of each chunk (~160 MiB/s of log through run here, ~300 MiB/s in-process); 40% of an unmasked pipe (~2.5 GiB/s for cat) would need a native multi-pattern matcher (a C addon, or WebAssembly SIMD) or handing the child our stdout when no value can appear in it, which cannot be known.'],
  [/masked peak memory/, "the process's own start with a vault of 1,000 secrets is ~90 MB (`run --job job50 -- true`); masking adds ~35 MB of chunk copies between collections. Bounded now (it grew with the stream before: 330 MB for 256 MiB); under 100 MB needs the judged-state cache (a smaller loaded vault) and reusing one output buffer per pipe."],
]

export function remedyFor(text) {
  return REMEDIES.find(([pattern]) => pattern.test(text))?.[1]
}
