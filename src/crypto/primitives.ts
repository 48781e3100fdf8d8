// Every primitive the project uses, and nothing else calls libsodium. Ed25519 signing and
// verification go to Node's OpenSSL (native-ed25519.ts: the same signatures, six times faster);
// the rest is libsodium's. Keeping them in
// one short file makes the cryptographic surface reviewable at a glance (as age's
// primitives.go does) and keeps libsodium's loose JS signatures (string | Uint8Array, optional
// output formats) from leaking into the rest of the code.
import {DecryptionFailed} from './errors.js'
import {randomFillSync} from 'node:crypto'

import {forgetSigningKey, nativeSign, nativeVerify} from './native-ed25519.js'
import {sodiumSync} from './sodium.js'

/** Symmetric key length: XChaCha20-Poly1305 keys and data keys. */
export const KEY_BYTES = 32
/** XChaCha20 nonce length. 24 bytes is large enough that random nonces never collide in practice. */
export const NONCE_BYTES = 24
/** Ed25519 seed length; the seed is the whole private identity. */
export const SEED_BYTES = 32
/** Poly1305 tag appended to every AEAD ciphertext. */
export const TAG_BYTES = 16
/** Ed25519 detached signature length. */
export const SIGNATURE_BYTES = 64
/** Ed25519 public key length (and X25519 key lengths). */
export const PUBLIC_KEY_BYTES = 32

export interface SigningKeypair {
  /** Ed25519 public key, 32 bytes. */
  publicKey: Uint8Array
  /** libsodium's Ed25519 secret key: seed ‖ public key, 64 bytes. */
  secretKey: Uint8Array
}

function requireLength(what: string, bytes: Uint8Array, length: number): void {
  if (!(bytes instanceof Uint8Array) || bytes.length !== length) {
    // Lengths only: the bytes themselves may be key material.
    throw new RangeError(`${what} must be ${length} bytes`)
  }
}

/**
 * Bytes from the OS CSPRNG through Node (OpenSSL's generator, seeded from getrandom on Linux):
 * the source libsodium's WebAssembly build reads too, but it fetches four bytes per call into
 * JavaScript, ~85 µs for a nonce against ~1 µs here.
 */
export function randomBytes(n: number): Uint8Array {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError('randomBytes: length must be a non-negative integer')
  return randomFillSync(new Uint8Array(n))
}

/**
 * XChaCha20-Poly1305 (IETF). Chosen over ChaCha20-Poly1305 because its 24-byte nonce can be
 * random: values are encrypted on many machines and branches with no shared counter. The
 * associated data is authenticated, not encrypted: it binds the ciphertext to its place.
 */
export function aeadEncrypt(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, ad: Uint8Array): Uint8Array {
  requireLength('key', key, KEY_BYTES)
  requireLength('nonce', nonce, NONCE_BYTES)
  return sodiumSync().crypto_aead_xchacha20poly1305_ietf_encrypt(plaintext, ad, null, nonce, key)
}

/**
 * Opens what aeadEncrypt made. Every failure is DecryptionFailed, including malformed lengths:
 * nonces and ciphertexts come from a file anyone can edit, and a key can come from a sealed box
 * someone else wrote, so a wrong length is tampering, not a programming error.
 */
export function aeadDecrypt(key: Uint8Array, nonce: Uint8Array, ciphertext: Uint8Array, ad: Uint8Array): Uint8Array {
  if (key.length !== KEY_BYTES || nonce.length !== NONCE_BYTES || ciphertext.length < TAG_BYTES) {
    throw new DecryptionFailed()
  }
  try {
    return sodiumSync().crypto_aead_xchacha20poly1305_ietf_decrypt(null, ciphertext, ad, nonce, key)
  } catch {
    throw new DecryptionFailed()
  }
}

/**
 * crypto_box_seal: anonymous public-key encryption (ephemeral X25519 + XSalsa20-Poly1305).
 * Used to give each reader a copy of a data key; the sender needs no key of their own, and
 * who sealed it is established by a separate signature, not by the box.
 */
export function sealBox(message: Uint8Array, x25519Public: Uint8Array): Uint8Array {
  requireLength('x25519 public key', x25519Public, PUBLIC_KEY_BYTES)
  return sodiumSync().crypto_box_seal(message, x25519Public)
}

export function openSealedBox(ciphertext: Uint8Array, x25519Public: Uint8Array, x25519Secret: Uint8Array): Uint8Array {
  requireLength('x25519 public key', x25519Public, PUBLIC_KEY_BYTES)
  requireLength('x25519 secret key', x25519Secret, PUBLIC_KEY_BYTES)
  try {
    return sodiumSync().crypto_box_seal_open(ciphertext, x25519Public, x25519Secret)
  } catch {
    throw new DecryptionFailed()
  }
}

/** Ed25519 detached signature. Deterministic: the same key and message give the same bytes. */
export function signDetached(message: Uint8Array, ed25519Secret: Uint8Array): Uint8Array {
  requireLength('ed25519 secret key', ed25519Secret, 64)
  return nativeSign(message, ed25519Secret)
}

/**
 * Never throws: signatures and keys are read from a file anyone can edit, and a malformed one
 * must be reported as "does not verify", not crash the reader.
 */
export function verifyDetached(signature: Uint8Array, message: Uint8Array, ed25519Public: Uint8Array): boolean {
  if (!(signature instanceof Uint8Array) || signature.length !== SIGNATURE_BYTES) return false
  if (!(ed25519Public instanceof Uint8Array) || ed25519Public.length !== PUBLIC_KEY_BYTES) return false
  if (!(message instanceof Uint8Array)) return false
  return nativeVerify(signature, message, ed25519Public)
}

/**
 * Whether two byte strings are equal, in time that depends only on their length
 * (libsodium's sodium_memcmp): comparing a key commitment or a MAC must not tell an attacker
 * how many leading bytes they got right.
 */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (!(a instanceof Uint8Array) || !(b instanceof Uint8Array) || a.length !== b.length) return false
  if (a.length === 0) return true
  return sodiumSync().memcmp(a, b)
}

/** BLAKE2b (crypto_generichash), unkeyed. Length 16..64 bytes. */
export function hash(bytes: Uint8Array, length: number): Uint8Array {
  return sodiumSync().crypto_generichash(length, bytes, null)
}

/**
 * Zero buffers that held secrets. Best effort: JavaScript may have copied them (strings,
 * garbage-collected intermediates), so this narrows the window rather than closing it.
 */
export function wipe(...buffers: (Uint8Array | null | undefined)[]): void {
  for (const buffer of buffers) {
    if (!buffer) continue
    forgetSigningKey(buffer)
    try {
      sodiumSync().memzero(buffer)
    } catch {
      buffer.fill(0)
    }
  }
}

/**
 * One identity key serves both signing and sealing, so a member has a single printed
 * recipient. libsodium's birational map Ed25519 → X25519 is the standard way to do that;
 * it rejects public keys that are not valid points (e.g. small order).
 */
export function ed25519PkToX25519(ed25519Public: Uint8Array): Uint8Array {
  requireLength('ed25519 public key', ed25519Public, PUBLIC_KEY_BYTES)
  try {
    return sodiumSync().crypto_sign_ed25519_pk_to_curve25519(ed25519Public)
  } catch {
    throw new RangeError('not a valid ed25519 public key')
  }
}

export function ed25519SkToX25519(ed25519Secret: Uint8Array): Uint8Array {
  requireLength('ed25519 secret key', ed25519Secret, 64)
  return sodiumSync().crypto_sign_ed25519_sk_to_curve25519(ed25519Secret)
}

/** Ed25519 keypair from a 32-byte seed, so the printed identity is just the seed. */
export function seedKeypair(seed: Uint8Array): SigningKeypair {
  requireLength('seed', seed, SEED_BYTES)
  const {publicKey, privateKey} = sodiumSync().crypto_sign_seed_keypair(seed)
  return {publicKey, secretKey: privateKey}
}
