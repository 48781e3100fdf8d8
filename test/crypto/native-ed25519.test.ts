// Node's Ed25519 must give exactly libsodium's answers: the same signature bytes, and the same
// verdict on every signature, honest or crafted, or two versions of secrets would disagree on
// whether a vault verifies.
import fc from 'fast-check'
import {beforeAll, describe, expect, it} from 'vitest'
import {hasSmallOrder, nativeSign, nativeVerify, nonCanonical} from '../../src/crypto/native-ed25519.js'
import {signDetached, verifyDetached} from '../../src/crypto/primitives.js'
import {loadSodium, sodiumSync} from '../../src/crypto/sodium.js'

const hex = (text: string) => new Uint8Array(Buffer.from(text, 'hex'))

// RFC 8032 section 7.1, TEST 1 and TEST 3.
const RFC8032 = [
  {
    seed: '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60',
    publicKey: 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
    message: '',
    signature: 'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
  },
  {
    seed: 'c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7',
    publicKey: 'fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025',
    message: 'af82',
    signature: '6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a',
  },
]

// The small-order encodings libsodium refuses (ed25519_ref10.c), and two with the sign bit set.
const SMALL_ORDER = [
  '0000000000000000000000000000000000000000000000000000000000000000',
  '0100000000000000000000000000000000000000000000000000000000000000',
  '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05',
  'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a',
  'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  'edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  'eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  '0000000000000000000000000000000000000000000000000000000000000080',
  'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa',
]

// The group order L, little-endian: S + L verifies in arithmetic but is not canonical.
const L = hex('edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010')

function addL(s: Uint8Array): Uint8Array {
  const out = new Uint8Array(32)
  let carry = 0
  for (let i = 0; i < 32; i++) {
    const sum = s[i]! + L[i]! + carry
    out[i] = sum & 0xff
    carry = sum >> 8
  }

  return out
}

const sodiumVerify = (sig: Uint8Array, msg: Uint8Array, pk: Uint8Array) => {
  try {
    return sodiumSync().crypto_sign_verify_detached(sig, msg, pk)
  } catch {
    return false
  }
}

beforeAll(async () => {
  await loadSodium()
})

describe('native Ed25519', () => {
  it('signs RFC 8032 vectors to the published bytes and verifies them', () => {
    for (const v of RFC8032) {
      const signature = nativeSign(hex(v.message), hex(v.seed))
      expect(Buffer.from(signature).toString('hex')).toBe(v.signature)
      expect(nativeVerify(signature, hex(v.message), hex(v.publicKey))).toBe(true)
      expect(nativeVerify(signature, hex(`${v.message}00`), hex(v.publicKey))).toBe(false)
    }
  })

  it('gives libsodium’s signature bytes and verdicts for random keys, messages and mutations', () => {
    fc.assert(
      fc.property(fc.uint8Array({minLength: 32, maxLength: 32}), fc.uint8Array({maxLength: 300}), fc.nat(), fc.nat(7), (seed, message, at, bit) => {
        const {publicKey, privateKey} = sodiumSync().crypto_sign_seed_keypair(seed)
        const expected = sodiumSync().crypto_sign_detached(message, privateKey)
        const signature = signDetached(message, privateKey)
        expect(Buffer.from(signature).equals(Buffer.from(expected))).toBe(true)
        expect(verifyDetached(signature, message, publicKey)).toBe(true)

        // One flipped bit anywhere: signature, key or message.
        const mutate = (bytes: Uint8Array) => {
          const copy = Uint8Array.from(bytes)
          if (copy.length > 0) copy[at % copy.length]! ^= 1 << bit
          return copy
        }

        for (const [sig, msg, pk] of [
          [mutate(signature), message, publicKey],
          [signature, mutate(message), publicKey],
          [signature, message, mutate(publicKey)],
        ] as const) {
          expect(verifyDetached(sig, msg, pk)).toBe(sodiumVerify(sig, msg, pk))
        }
      }),
      {numRuns: 150},
    )
  })

  it('refuses what libsodium refuses before its arithmetic: small-order R or key, S ≥ L', () => {
    const {publicKey, privateKey} = sodiumSync().crypto_sign_seed_keypair(new Uint8Array(32).fill(7))
    const message = new TextEncoder().encode('operation')
    const signature = signDetached(message, privateKey)
    for (const point of SMALL_ORDER.map(hex)) {
      expect(hasSmallOrder(point)).toBe(true)
      const forgedR = Uint8Array.from(signature)
      forgedR.set(point, 0)
      expect(verifyDetached(forgedR, message, publicKey)).toBe(false)
      expect(sodiumVerify(forgedR, message, publicKey)).toBe(false)
      expect(verifyDetached(signature, message, point)).toBe(false)
      expect(sodiumVerify(signature, message, point)).toBe(false)
    }

    const bigS = Uint8Array.from(signature)
    bigS.set(addL(signature.subarray(32)), 32)
    expect(verifyDetached(bigS, message, publicKey)).toBe(false)
    expect(sodiumVerify(bigS, message, publicKey)).toBe(false)
    expect(hasSmallOrder(publicKey)).toBe(false)
  })

  it('calls a y of p or more non-canonical, and nothing below', () => {
    expect(nonCanonical(hex('edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f'))).toBe(true)
    expect(nonCanonical(hex('ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff'))).toBe(true)
    expect(nonCanonical(hex('ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f'))).toBe(false)
    expect(nonCanonical(hex('edfffffffffffffffffffffffffffffffffffffffffffffffffffffffeffff7f'))).toBe(false)
    // A non-canonical spelling of a point of large order: libsodium refuses it as a key too.
    const key = hex('eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff')
    expect(nativeVerify(new Uint8Array(64), new Uint8Array(0), key)).toBe(false)
  })
})
