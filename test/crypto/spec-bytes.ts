// An independent, deliberately plain rendering of the canonical encoding as docs/FORMAT.md
// states it, used to cross-check src/crypto/canonical.ts in the vector tests. Kept separate
// from the source so a bug would have to be made twice to pass.
import {createCipheriv, createHash, createPrivateKey, createPublicKey} from 'node:crypto'

type SpecField = string | Uint8Array | number | boolean | null

function tlv(tag: number, body: Buffer): Buffer {
  const header = Buffer.alloc(5)
  header.writeUInt8(tag, 0)
  header.writeUInt32BE(body.length, 1)
  return Buffer.concat([header, body])
}

export function specEncode(label: string, fields: SpecField[]): Buffer {
  const parts = [tlv(0x00, Buffer.from(label, 'utf8'))]
  for (const field of fields) {
    if (field === null) parts.push(tlv(0x05, Buffer.alloc(0)))
    else if (typeof field === 'string') parts.push(tlv(0x01, Buffer.from(field, 'utf8')))
    else if (typeof field === 'number') parts.push(tlv(0x03, Buffer.from(field.toString(10), 'ascii')))
    else if (typeof field === 'boolean') parts.push(tlv(0x04, Buffer.from([field ? 1 : 0])))
    else parts.push(tlv(0x02, Buffer.from(field)))
  }
  return Buffer.concat(parts)
}

// Ed25519 and X25519 through node's OpenSSL, a second implementation next to libsodium.
const ED25519_PKCS8 = Buffer.from('302e020100300506032b657004220420', 'hex')
const X25519_PKCS8 = Buffer.from('302e020100300506032b656e04220420', 'hex')

export function opensslEd25519Key(seed: Uint8Array) {
  return createPrivateKey({key: Buffer.concat([ED25519_PKCS8, seed]), format: 'der', type: 'pkcs8'})
}

export function opensslPublicRaw(privateKey: ReturnType<typeof createPrivateKey>): Buffer {
  // The raw key is the last 32 bytes of the SPKI DER for both Ed25519 and X25519.
  return createPublicKey(privateKey).export({format: 'der', type: 'spki'}).subarray(-32)
}

export function opensslX25519Public(secret: Uint8Array): Buffer {
  return opensslPublicRaw(createPrivateKey({key: Buffer.concat([X25519_PKCS8, secret]), format: 'der', type: 'pkcs8'}))
}

/** X25519 secret from an Ed25519 seed, as RFC 8032 expands it: SHA-512, first half, clamped. */
export function x25519SecretFromSeed(seed: Uint8Array): Buffer {
  const h = createHash('sha512').update(seed).digest().subarray(0, 32)
  h[0] = (h[0] as number) & 248
  h[31] = ((h[31] as number) & 127) | 64
  return Buffer.from(h)
}

const P = 2n ** 255n - 19n

function modPow(base: bigint, exp: bigint): bigint {
  let result = 1n
  let b = base % P
  let e = exp
  while (e > 0n) {
    if (e & 1n) result = (result * b) % P
    b = (b * b) % P
    e >>= 1n
  }
  return result
}

/** The Edwards→Montgomery map u = (1 + y) / (1 - y) mod p, on the encoded Ed25519 key. */
export function edwardsToMontgomery(ed25519Public: Uint8Array): Buffer {
  const le = Buffer.from(ed25519Public).reverse()
  const y = BigInt(`0x${le.toString('hex')}`) & ((1n << 255n) - 1n)
  const u = (((1n + y) % P) * modPow((1n - y + P) % P, P - 2n)) % P
  return Buffer.from(u.toString(16).padStart(64, '0'), 'hex').reverse()
}

function rotl(x: number, n: number): number {
  return ((x << n) | (x >>> (32 - n))) >>> 0
}

/** HChaCha20 (draft-irtf-cfrg-xchacha), the subkey step of XChaCha20. */
export function hchacha20(key: Uint8Array, nonce16: Uint8Array): Buffer {
  const k = Buffer.from(key)
  const n = Buffer.from(nonce16)
  const s = [0x61707865, 0x3320646e, 0x79622d32, 0x6b206574]
  for (let i = 0; i < 8; i++) s.push(k.readUInt32LE(i * 4))
  for (let i = 0; i < 4; i++) s.push(n.readUInt32LE(i * 4))
  const qr = (a: number, b: number, c: number, d: number) => {
    const x = s as number[]
    x[a] = (x[a]! + x[b]!) >>> 0
    x[d] = rotl(x[d]! ^ x[a]!, 16)
    x[c] = (x[c]! + x[d]!) >>> 0
    x[b] = rotl(x[b]! ^ x[c]!, 12)
    x[a] = (x[a]! + x[b]!) >>> 0
    x[d] = rotl(x[d]! ^ x[a]!, 8)
    x[c] = (x[c]! + x[d]!) >>> 0
    x[b] = rotl(x[b]! ^ x[c]!, 7)
  }
  for (let round = 0; round < 10; round++) {
    qr(0, 4, 8, 12)
    qr(1, 5, 9, 13)
    qr(2, 6, 10, 14)
    qr(3, 7, 11, 15)
    qr(0, 5, 10, 15)
    qr(1, 6, 11, 12)
    qr(2, 7, 8, 13)
    qr(3, 4, 9, 14)
  }
  const out = Buffer.alloc(32)
  const words = [0, 1, 2, 3, 12, 13, 14, 15]
  words.forEach((w, i) => out.writeUInt32LE(s[w] as number, i * 4))
  return out
}

/** XChaCha20-Poly1305 (IETF) built from HChaCha20 + node's ChaCha20-Poly1305: ciphertext ‖ tag. */
export function opensslXChaChaEncrypt(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, ad: Uint8Array): Buffer {
  const subkey = hchacha20(key, nonce.subarray(0, 16))
  const iv = Buffer.concat([Buffer.alloc(4), Buffer.from(nonce.subarray(16, 24))])
  const cipher = createCipheriv('chacha20-poly1305', subkey, iv, {authTagLength: 16})
  cipher.setAAD(Buffer.from(ad), {plaintextLength: plaintext.length})
  return Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()])
}
