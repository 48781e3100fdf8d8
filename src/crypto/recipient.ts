// The public half of an identity: what members paste to each other and what the vault stores
// per member. One Ed25519 key both verifies the member's signatures and, converted to X25519,
// receives data keys sealed to them — so a member has exactly one printed key.
import {Bech32Error, decode, encode} from './bech32.js'
import {type Field, canonicalEncode} from './canonical.js'
import {InvalidKeyText} from './errors.js'
import {FINGERPRINT} from './labels.js'
import {PUBLIC_KEY_BYTES, ed25519PkToX25519, hash, sealBox, verifyDetached} from './primitives.js'

/** Lower case, so recipients read as `secrets1…` (bech32 puts a `1` after the prefix). */
export const RECIPIENT_HRP = 'secrets'
const IDENTITY_PREFIX = 'secrets-identity-1'

export class Recipient {
  /** Ed25519 public key, 32 bytes. */
  readonly publicKey: Uint8Array
  readonly #x25519Public: Uint8Array

  private constructor(publicKey: Uint8Array) {
    // Copy: callers (and the vault's row buffers) must not be able to change who we seal to.
    this.publicKey = Uint8Array.from(publicKey)
    this.#x25519Public = ed25519PkToX25519(this.publicKey)
  }

  /** From a raw 32-byte Ed25519 public key (as the vault stores it). */
  static fromPublicKey(publicKey: Uint8Array): Recipient {
    if (publicKey.length !== PUBLIC_KEY_BYTES) throw new InvalidKeyText(`invalid recipient: expected a ${PUBLIC_KEY_BYTES}-byte public key`)
    try {
      return new Recipient(publicKey)
    } catch {
      // Small-order and non-canonical points cannot be converted to X25519: nothing could be
      // sealed to them safely.
      throw new InvalidKeyText('invalid recipient: not a valid public key')
    }
  }

  static parse(text: string): Recipient {
    const trimmed = text.trim()
    if (trimmed === '') throw new InvalidKeyText('invalid recipient: empty')
    // Someone pasting their private identity where a recipient is expected: say so, without
    // decoding it further or echoing it.
    if (trimmed.toLowerCase().startsWith(IDENTITY_PREFIX)) {
      throw new InvalidKeyText('invalid recipient: this is a private identity, not a recipient (secrets1…); keep it secret')
    }
    let decoded: {hrp: string; bytes: Uint8Array}
    try {
      decoded = decode(trimmed)
    } catch (error) {
      if (error instanceof Bech32Error && error.problem === 'checksum') {
        throw new InvalidKeyText('invalid recipient: checksum mismatch (a typo?)')
      }
      const reason = error instanceof Bech32Error ? ` (${error.message})` : ''
      throw new InvalidKeyText(`invalid recipient: expected a secrets1… string${reason}`)
    }
    if (decoded.hrp !== RECIPIENT_HRP) {
      const hint = decoded.hrp.toLowerCase() === RECIPIENT_HRP ? ' in lower case' : ''
      throw new InvalidKeyText(`invalid recipient: expected a secrets1… string${hint}`)
    }
    return Recipient.fromPublicKey(decoded.bytes)
  }

  toString(): string {
    return encode(RECIPIENT_HRP, this.publicKey)
  }

  /**
   * A short form for people to compare out of band (`3f2a:9c01:77be:0d4e`). 64 bits: enough to
   * notice a wrong key when reading it aloud, not a security boundary by itself — the full
   * recipient is what the vault stores and checks.
   */
  get fingerprint(): string {
    const label = new TextEncoder().encode(FINGERPRINT)
    const input = new Uint8Array(label.length + this.publicKey.length)
    input.set(label)
    input.set(this.publicKey, label.length)
    const hex = Buffer.from(hash(input, 32).subarray(0, 8)).toString('hex')
    return [0, 4, 8, 12].map((i) => hex.slice(i, i + 4)).join(':')
  }

  /** X25519 public key the member's data keys are sealed to. */
  get x25519PublicKey(): Uint8Array {
    return Uint8Array.from(this.#x25519Public)
  }

  /** crypto_box_seal to this member; only their identity can open it. */
  seal(message: Uint8Array): Uint8Array {
    return sealBox(message, this.#x25519Public)
  }

  /**
   * Whether `signature` is this member's signature over canonicalEncode(label, fields). Never
   * throws: fields read from an edited file may not even be encodable, and a message that
   * cannot be encoded cannot have been signed (Identity.sign would have thrown).
   */
  verify(label: string, fields: readonly Field[], signature: Uint8Array): boolean {
    let message: Uint8Array
    try {
      message = canonicalEncode(label, fields)
    } catch {
      return false
    }
    return verifyDetached(signature, message, this.publicKey)
  }

  equals(other: Recipient): boolean {
    return Buffer.from(this.publicKey).equals(other.publicKey)
  }
}
