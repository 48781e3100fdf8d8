// The private half: one per person or machine. The whole identity is a 32-byte seed; the
// Ed25519 signing pair comes from it (crypto_sign_seed_keypair) and the X25519 pair used to
// open sealed data keys is derived from that, so printing, storing and backing up an identity
// means handling 32 bytes and nothing else.
import {Bech32Error, decode, encode} from './bech32.js'
import {type Field, canonicalEncode} from './canonical.js'
import {InvalidKeyText} from './errors.js'
import {
  SEED_BYTES,
  ed25519PkToX25519,
  ed25519SkToX25519,
  openSealedBox,
  randomBytes,
  seedKeypair,
  signDetached,
  wipe,
} from './primitives.js'
import {Recipient} from './recipient.js'

/**
 * Upper case, as age's AGE-SECRET-KEY-1…: it looks different from a recipient at a glance, and
 * the checksum covers this prefix so an identity can never be mistaken for another kind of key.
 */
export const IDENTITY_HRP = 'SECRETS-IDENTITY-'
const EXPECTED = 'invalid identity: expected a SECRETS-IDENTITY-1… string'

export class Identity {
  // ES private fields: util.inspect and JSON.stringify do not show them, so logging an
  // Identity by mistake prints no key material.
  #seed: Uint8Array
  #ed25519Secret: Uint8Array
  #x25519Secret: Uint8Array
  #x25519Public: Uint8Array
  #recipient: Recipient
  #wiped = false

  private constructor(seed: Uint8Array) {
    this.#seed = Uint8Array.from(seed)
    const {publicKey, secretKey} = seedKeypair(this.#seed)
    this.#ed25519Secret = secretKey
    this.#x25519Secret = ed25519SkToX25519(secretKey)
    this.#x25519Public = ed25519PkToX25519(publicKey)
    this.#recipient = Recipient.fromPublicKey(publicKey)
  }

  static generate(): Identity {
    const seed = randomBytes(SEED_BYTES)
    try {
      return new Identity(seed)
    } finally {
      wipe(seed)
    }
  }

  /** The seed is copied; the caller may wipe theirs. */
  static fromSeed(seed: Uint8Array): Identity {
    if (seed.length !== SEED_BYTES) throw new InvalidKeyText(`invalid identity: expected a ${SEED_BYTES}-byte seed`)
    return new Identity(seed)
  }

  static parse(text: string): Identity {
    const trimmed = text.trim()
    if (trimmed === '') throw new InvalidKeyText('invalid identity: empty')
    if (trimmed.toLowerCase().startsWith('secrets1')) {
      throw new InvalidKeyText('invalid identity: this is a public recipient (secrets1…), not an identity')
    }
    let decoded: {hrp: string; bytes: Uint8Array}
    try {
      decoded = decode(trimmed)
    } catch (error) {
      if (error instanceof Bech32Error && error.problem === 'checksum') {
        throw new InvalidKeyText('invalid identity: checksum mismatch (a typo?)')
      }
      throw new InvalidKeyText(error instanceof Bech32Error ? `${EXPECTED} (${error.message})` : EXPECTED)
    }
    try {
      if (decoded.hrp !== IDENTITY_HRP) {
        const hint = decoded.hrp.toUpperCase() === IDENTITY_HRP ? ' in upper case' : ''
        throw new InvalidKeyText(`${EXPECTED}${hint}`)
      }
      if (decoded.bytes.length !== SEED_BYTES) {
        throw new InvalidKeyText(`invalid identity: expected a ${SEED_BYTES}-byte seed, got ${decoded.bytes.length} bytes`)
      }
      return new Identity(decoded.bytes)
    } finally {
      wipe(decoded.bytes)
    }
  }

  /**
   * The printed private identity. Secret: for the keychain or a 0600 file, never a log. A
   * named method rather than toString(), so a template string can never print it by accident.
   */
  toSecretText(): string {
    return encode(IDENTITY_HRP, this.#live(this.#seed))
  }

  toString(): string {
    return `[secrets identity ${this.#recipient.fingerprint}]`
  }

  get recipient(): Recipient {
    return this.#recipient
  }

  /** Ed25519 detached signature over canonicalEncode(label, fields). */
  sign(label: string, fields: readonly Field[]): Uint8Array {
    return signDetached(canonicalEncode(label, fields), this.#live(this.#ed25519Secret))
  }

  /** Opens a crypto_box_seal made by `recipient.seal`. Throws DecryptionFailed. */
  openSealed(ciphertext: Uint8Array): Uint8Array {
    return openSealedBox(ciphertext, this.#x25519Public, this.#live(this.#x25519Secret))
  }

  /** Zero the secret keys. The identity is unusable afterwards; its recipient stays valid. */
  wipe(): void {
    wipe(this.#seed, this.#ed25519Secret, this.#x25519Secret)
    this.#wiped = true
  }

  // Refuse to sign or print with zeroed keys: an all-zero seed is a valid, public key.
  #live(key: Uint8Array): Uint8Array {
    if (this.#wiped) throw new Error('identity has been wiped')
    return key
  }
}
