// Known-answer tests, one case per test, each also checked against a second computation:
// libsodium called directly, node's OpenSSL, or the spec written out by hand (spec-bytes.ts).
import {sign as opensslSign, verify as opensslVerify} from 'node:crypto'
import sodium from 'libsodium-wrappers'
import {describe, expect, it} from 'vitest'
import {
  FINGERPRINT,
  Identity,
  Recipient,
  canonicalEncode,
  decryptValue,
  encryptValue,
  loadSodium,
  valueAssociatedData,
} from '../../src/crypto/index.js'
import {seedKeypair, signDetached, verifyDetached} from '../../src/crypto/primitives.js'
import {
  edwardsToMontgomery,
  opensslEd25519Key,
  opensslPublicRaw,
  opensslX25519Public,
  opensslXChaChaEncrypt,
  specEncode,
  x25519SecretFromSeed,
} from './spec-bytes.js'
import {CANONICAL_VECTORS, IDENTITY_VECTORS, RFC8032_VECTORS, SIGNATURE_VECTORS, VALUE_VECTORS} from './vectors.js'

const bytes = (hex: string) => Uint8Array.from(Buffer.from(hex, 'hex'))
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex')

// Top-level: some fixtures below are built at module load, before any hook runs.
await loadSodium()
await sodium.ready

describe.each(IDENTITY_VECTORS)('identity vector: $name', (v) => {
  it('prints the identity and recipient', () => {
    const identity = Identity.fromSeed(bytes(v.seedHex))
    expect(identity.toSecretText()).toBe(v.identity)
    expect(identity.recipient.toString()).toBe(v.recipient)
    expect(hex(identity.recipient.publicKey)).toBe(v.ed25519PublicHex)
  })

  it('parses back to the same keys', () => {
    const identity = Identity.parse(`  ${v.identity}\n`)
    expect(identity.recipient.toString()).toBe(v.recipient)
    expect(Recipient.parse(v.recipient).equals(identity.recipient)).toBe(true)
  })

  it('has the Ed25519 public key OpenSSL derives from the seed', () => {
    expect(hex(opensslPublicRaw(opensslEd25519Key(bytes(v.seedHex))))).toBe(v.ed25519PublicHex)
  })

  it('has the fingerprint BLAKE2b-256(label ‖ pk) gives', () => {
    const input = Buffer.concat([Buffer.from(FINGERPRINT, 'utf8'), bytes(v.ed25519PublicHex)])
    const digest = hex(sodium.crypto_generichash(32, input, null))
    const expected = `${digest.slice(0, 4)}:${digest.slice(4, 8)}:${digest.slice(8, 12)}:${digest.slice(12, 16)}`
    expect(Recipient.parse(v.recipient).fingerprint).toBe(expected)
    expect(expected).toBe(v.fingerprint)
  })

  it('derives the X25519 key libsodium, the Edwards→Montgomery map and OpenSSL agree on', () => {
    const recipient = Recipient.parse(v.recipient)
    const pk = bytes(v.ed25519PublicHex)
    expect(hex(recipient.x25519PublicKey)).toBe(v.x25519PublicHex)
    expect(hex(sodium.crypto_sign_ed25519_pk_to_curve25519(pk))).toBe(v.x25519PublicHex)
    expect(hex(edwardsToMontgomery(pk))).toBe(v.x25519PublicHex)
    const secret = x25519SecretFromSeed(bytes(v.seedHex))
    const ed25519Secret = sodium.crypto_sign_seed_keypair(bytes(v.seedHex)).privateKey
    expect(hex(sodium.crypto_sign_ed25519_sk_to_curve25519(ed25519Secret))).toBe(hex(secret))
    expect(hex(opensslX25519Public(secret))).toBe(v.x25519PublicHex)
  })
})

describe.each(VALUE_VECTORS)('value vector: $name', (v) => {
  const key = bytes(v.keyHex)
  const nonce = bytes(v.nonceHex)
  const plaintext = new TextEncoder().encode(v.plaintext)
  const ctx = v.ctx
  const specAd = () =>
    specEncode('secrets/v1/value', [ctx.vaultId, ctx.secretId, ctx.versionId, ctx.name, ctx.environment, ctx.branch, ctx.epochId, ctx.dataKeyId])

  it('binds the context as the spec says', () => {
    expect(hex(valueAssociatedData(ctx))).toBe(v.associatedDataHex)
    expect(hex(specAd())).toBe(v.associatedDataHex)
  })

  it('encrypts to the known ciphertext', () => {
    const out = encryptValue(key, ctx, plaintext, nonce)
    expect(hex(out.nonce)).toBe(v.nonceHex)
    expect(hex(out.ciphertext)).toBe(v.ciphertextHex)
  })

  it('decrypts with libsodium called directly and the hand-built AD', () => {
    const opened = sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(null, bytes(v.ciphertextHex), specAd(), nonce, key)
    expect(new TextDecoder().decode(opened)).toBe(v.plaintext)
    expect(new TextDecoder().decode(decryptValue(key, ctx, nonce, bytes(v.ciphertextHex)))).toBe(v.plaintext)
  })

  it('matches XChaCha20-Poly1305 built from HChaCha20 and OpenSSL ChaCha20-Poly1305', () => {
    expect(hex(opensslXChaChaEncrypt(key, nonce, plaintext, specAd()))).toBe(v.ciphertextHex)
  })
})

describe.each(CANONICAL_VECTORS)('canonical vector: $name', (v) => {
  it('encodes to the known bytes', () => {
    expect(hex(canonicalEncode(v.label, v.fields))).toBe(v.hex)
  })

  it('matches the spec written out by hand', () => {
    expect(hex(specEncode(v.label, v.fields))).toBe(v.hex)
  })
})

describe.each(SIGNATURE_VECTORS)('signature vector: $name', (v) => {
  const seed = bytes(v.seedHex)

  it('signs the known canonical message to the known signature', () => {
    expect(hex(canonicalEncode(v.label, v.fields))).toBe(v.messageHex)
    expect(hex(specEncode(v.label, v.fields))).toBe(v.messageHex)
    expect(hex(Identity.fromSeed(seed).sign(v.label, v.fields))).toBe(v.signatureHex)
  })

  it('verifies with crypto_sign_verify_detached', () => {
    const {publicKey} = sodium.crypto_sign_seed_keypair(seed)
    expect(sodium.crypto_sign_verify_detached(bytes(v.signatureHex), bytes(v.messageHex), publicKey)).toBe(true)
    expect(Recipient.fromPublicKey(publicKey).verify(v.label, v.fields, bytes(v.signatureHex))).toBe(true)
  })

  it('is the signature OpenSSL makes (Ed25519 is deterministic)', () => {
    const key = opensslEd25519Key(seed)
    expect(hex(opensslSign(null, bytes(v.messageHex), key))).toBe(v.signatureHex)
    expect(opensslVerify(null, bytes(v.messageHex), key, bytes(v.signatureHex))).toBe(true)
  })
})

describe.each(RFC8032_VECTORS)('$name', (v) => {
  it('derives the RFC public key and signature', () => {
    const {publicKey, secretKey} = seedKeypair(bytes(v.seedHex))
    expect(hex(publicKey)).toBe(v.publicHex)
    expect(hex(signDetached(bytes(v.messageHex), secretKey))).toBe(v.signatureHex)
    expect(verifyDetached(bytes(v.signatureHex), bytes(v.messageHex), publicKey)).toBe(true)
  })
})
