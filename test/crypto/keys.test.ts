// Identity and Recipient: printed forms, typos, sealing and signatures.
import sodium from 'libsodium-wrappers'
import {inspect} from 'node:util'
import {describe, expect, it} from 'vitest'
import {encode} from '../../src/crypto/bech32.js'
import {DecryptionFailed, Identity, InvalidKeyText, Recipient, VERSION_SIG, loadSodium} from '../../src/crypto/index.js'
import {IDENTITY_VECTORS} from './vectors.js'

const CHARSET = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l'
const vector = IDENTITY_VECTORS[0]!

// Top-level: some fixtures below are built at module load, before any hook runs.
await loadSodium()
await sodium.ready

/** Replace the character at i with another character from the bech32 alphabet, same case. */
function typo(text: string, i: number): string {
  const replacement = CHARSET.charAt((CHARSET.indexOf(text.charAt(i).toLowerCase()) + 1) % CHARSET.length)
  const upper = text === text.toUpperCase()
  return text.slice(0, i) + (upper ? replacement.toUpperCase() : replacement) + text.slice(i + 1)
}

function message(fn: () => unknown): string {
  try {
    fn()
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidKeyText)
    return (error as Error).message
  }
  throw new Error('expected InvalidKeyText')
}

describe('recipient text', () => {
  it('refuses a one-character typo anywhere in the data with "checksum"', () => {
    const text = vector.recipient
    for (let i = 'secrets1'.length; i < text.length; i++) {
      expect(message(() => Recipient.parse(typo(text, i)))).toBe('invalid recipient: checksum mismatch (a typo?)')
    }
  })

  it('refuses a typo in the prefix with "checksum"', () => {
    expect(message(() => Recipient.parse(vector.recipient.replace(/^secrets/, 'secrdts')))).toMatch(/checksum/)
  })

  it('refuses a wrong prefix', () => {
    const other = encode('age', Buffer.from(vector.ed25519PublicHex, 'hex'))
    expect(message(() => Recipient.parse(other))).toBe('invalid recipient: expected a secrets1… string')
  })

  it('refuses upper case, which is the identity style', () => {
    expect(message(() => Recipient.parse(vector.recipient.toUpperCase()))).toMatch(/in lower case/)
  })

  it('refuses an identity pasted as a recipient without quoting it', () => {
    const text = message(() => Recipient.parse(vector.identity))
    expect(text).toMatch(/private identity/)
    expect(text).not.toContain(vector.identity.slice(18, 30))
  })

  it('refuses a wrong payload length, garbage and the empty string', () => {
    expect(message(() => Recipient.parse(encode('secrets', new Uint8Array(31))))).toMatch(/32-byte/)
    expect(message(() => Recipient.parse('hello'))).toMatch(/expected a secrets1/)
    expect(message(() => Recipient.parse('  '))).toMatch(/empty/)
  })

  it('refuses a key that is not a usable curve point', () => {
    // The identity point (y = 1) has small order; it has no safe X25519 counterpart.
    const identityPoint = new Uint8Array(32)
    identityPoint[0] = 1
    expect(message(() => Recipient.parse(encode('secrets', identityPoint)))).toMatch(/not a valid public key/)
  })

  it('trims whitespace and round-trips', () => {
    expect(Recipient.parse(`\t${vector.recipient}\n`).toString()).toBe(vector.recipient)
  })
})

describe('identity text', () => {
  it('refuses a one-character typo anywhere in the data with "checksum"', () => {
    const text = vector.identity
    for (let i = 'SECRETS-IDENTITY-1'.length; i < text.length; i++) {
      expect(message(() => Identity.parse(typo(text, i)))).toBe('invalid identity: checksum mismatch (a typo?)')
    }
  })

  it('refuses a wrong prefix', () => {
    const other = encode('AGE-SECRET-KEY-', Buffer.from(vector.seedHex, 'hex'))
    expect(message(() => Identity.parse(other))).toBe('invalid identity: expected a SECRETS-IDENTITY-1… string')
  })

  it('refuses lower case', () => {
    expect(message(() => Identity.parse(vector.identity.toLowerCase()))).toMatch(/in upper case/)
  })

  it('refuses a recipient pasted as an identity', () => {
    expect(message(() => Identity.parse(vector.recipient))).toMatch(/public recipient/)
  })

  it('never quotes the text in its errors', () => {
    const secretish = 'my-db-password-1234567'
    for (const text of [secretish, typo(vector.identity, 30), `${vector.identity}x`]) {
      const m = message(() => Identity.parse(text))
      expect(m).not.toContain('password')
      expect(m).not.toContain(vector.identity.slice(18, 30))
      expect(m.split('\n')).toHaveLength(1)
      expect(m).toBe(m.toLowerCase().replace('secrets-identity-1', 'SECRETS-IDENTITY-1'))
    }
  })
})

describe('identity', () => {
  it('generates distinct identities that round-trip through text', () => {
    const a = Identity.generate()
    const b = Identity.generate()
    expect(a.recipient.equals(b.recipient)).toBe(false)
    expect(Identity.parse(a.toSecretText()).recipient.equals(a.recipient)).toBe(true)
  })

  it('copies the seed it is given', () => {
    const seed = Buffer.from(vector.seedHex, 'hex')
    const identity = Identity.fromSeed(seed)
    seed.fill(0)
    expect(identity.toSecretText()).toBe(vector.identity)
  })

  it('shows no key material when inspected or serialised', () => {
    const identity = Identity.fromSeed(Buffer.from(vector.seedHex, 'hex'))
    const data = vector.identity.slice(18)
    expect(inspect(identity, {showHidden: true, depth: 10})).not.toContain(data)
    expect(JSON.stringify(identity)).not.toContain(data)
    expect(`${identity}`).not.toContain(data)
    expect(`${identity}`).toContain(identity.recipient.fingerprint)
  })

  it('refuses to sign, open or print after wipe()', () => {
    const identity = Identity.generate()
    const sealed = identity.recipient.seal(Uint8Array.of(1))
    identity.wipe()
    expect(() => identity.sign(VERSION_SIG, [])).toThrow(/wiped/)
    expect(() => identity.openSealed(sealed)).toThrow(/wiped/)
    expect(() => identity.toSecretText()).toThrow(/wiped/)
    expect(identity.recipient.toString()).toMatch(/^secrets1/)
  })
})

describe('sealed boxes', () => {
  it('round-trips to the recipient', () => {
    const identity = Identity.generate()
    const key = Uint8Array.from({length: 32}, (_, i) => i)
    const sealed = identity.recipient.seal(key)
    expect(sealed.length).toBe(32 + sodium.crypto_box_SEALBYTES)
    expect(Buffer.from(identity.openSealed(sealed)).equals(Buffer.from(key))).toBe(true)
  })

  it('opens with libsodium directly using the derived X25519 pair', () => {
    const seed = Buffer.from(vector.seedHex, 'hex')
    const sealed = Identity.fromSeed(seed).recipient.seal(Uint8Array.of(7, 8, 9))
    const {publicKey, privateKey} = sodium.crypto_sign_seed_keypair(seed)
    const opened = sodium.crypto_box_seal_open(
      sealed,
      sodium.crypto_sign_ed25519_pk_to_curve25519(publicKey),
      sodium.crypto_sign_ed25519_sk_to_curve25519(privateKey),
    )
    expect([...opened]).toEqual([7, 8, 9])
  })

  it('fails with another identity', () => {
    const sealed = Identity.generate().recipient.seal(Uint8Array.of(1, 2, 3))
    expect(() => Identity.generate().openSealed(sealed)).toThrow(DecryptionFailed)
  })

  it('fails when any byte changes, or when truncated', () => {
    const identity = Identity.generate()
    const sealed = identity.recipient.seal(Uint8Array.of(1, 2, 3))
    for (let i = 0; i < sealed.length; i++) {
      const changed = Uint8Array.from(sealed)
      changed[i] = (changed[i] as number) ^ 0x01
      expect(() => identity.openSealed(changed)).toThrow(DecryptionFailed)
    }
    expect(() => identity.openSealed(sealed.subarray(0, 10))).toThrow(DecryptionFailed)
  })
})

describe('signatures', () => {
  const identity = Identity.generate()
  const fields = ['vault', 'row', 'DB_PASSWORD', 1700000000000, true, null, Uint8Array.of(1, 2)] as const
  const signature = identity.sign(VERSION_SIG, [...fields])

  it('verify with the signer', () => {
    expect(identity.recipient.verify(VERSION_SIG, [...fields], signature)).toBe(true)
  })

  it('fail when any field changes', () => {
    const changes: unknown[] = ['vault2', 'row2', 'DB_PASSWORd', 1700000000001, false, '', Uint8Array.of(1, 3)]
    changes.forEach((replacement, i) => {
      const altered = [...fields] as unknown[]
      altered[i] = replacement
      expect(identity.recipient.verify(VERSION_SIG, altered as never, signature), `field ${i}`).toBe(false)
    })
    expect(identity.recipient.verify(VERSION_SIG, [...fields, null], signature)).toBe(false)
    expect(identity.recipient.verify(VERSION_SIG, fields.slice(0, -1), signature)).toBe(false)
  })

  it('fail under another label or another key', () => {
    expect(identity.recipient.verify('secrets/v1/tombstone', [...fields], signature)).toBe(false)
    expect(Identity.generate().recipient.verify(VERSION_SIG, [...fields], signature)).toBe(false)
  })

  it('fail, without throwing, on malformed input', () => {
    const r = identity.recipient
    expect(r.verify(VERSION_SIG, [...fields], signature.subarray(0, 63))).toBe(false)
    expect(r.verify(VERSION_SIG, [...fields], new Uint8Array(0))).toBe(false)
    expect(r.verify(VERSION_SIG, [1.5], signature)).toBe(false)
    expect(r.verify(VERSION_SIG, [...fields], null as unknown as Uint8Array)).toBe(false)
    const flipped = Uint8Array.from(signature)
    flipped[0] = (flipped[0] as number) ^ 1
    expect(r.verify(VERSION_SIG, [...fields], flipped)).toBe(false)
  })
})
