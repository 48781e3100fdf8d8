// Format 2's known answers, each checked a second way: the canonical JSON written out by hand,
// ids hashed by libsodium called directly over the hand-built encoding, signatures verified by
// OpenSSL, the value's associated data built by hand and its ciphertext by HChaCha20 + OpenSSL.
import {verify as opensslVerify} from 'node:crypto'

import sodium from 'libsodium-wrappers'
import {describe, expect, it} from 'vitest'

import {Identity, decryptOpValue, encryptOpValue, keyCommitment, loadSodium, opValueAssociatedData} from '../../../src/crypto/index.js'
import {decodeOperation, encodeOperation, operationId, signOperation} from '../../../src/vault/store/operations.js'
import {opensslEd25519Key, opensslXChaChaEncrypt, specEncode} from '../../crypto/spec-bytes.js'
import {COMMITMENT_HEX, DATA_KEY_HEX, GENESIS, KEY_ID, NONCE_HEX, PLAINTEXT, RECIPIENT, SECRET_SET, SEED_HEX, VALUE, VAULT_ID} from './operation-vectors.js'

const bytes = (hex: string) => Uint8Array.from(Buffer.from(hex, 'hex'))
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex')
const utf8 = (text: string) => new TextEncoder().encode(text)

await loadSodium()
await sodium.ready
const alice = Identity.fromSeed(bytes(SEED_HEX))
const ctx = {vaultId: VAULT_ID, author: GENESIS.id, parents: [KEY_ID], name: 'DB_PASSWORD', environment: 'production', branch: 'main', key: KEY_ID}

describe('operation vectors', () => {
  it('spells the vault.create operation as the canonical JSON written out by hand', () => {
    expect(alice.recipient.toString()).toBe(RECIPIENT)
    const {id, body} = encodeOperation({
      vault: VAULT_ID, author: null, at: '2026-01-01T00:00:00.000Z', parents: [],
      data: {kind: 'vault.create', member: {name: 'user:alice', kind: 'user', recipient: RECIPIENT, role: 'owner', environment: '*', branch: '*'}},
    })
    const byHand =
      '{"at":"2026-01-01T00:00:00.000Z","author":null,"data":{"member":{"branch":"*","environment":"*","kind":"user","name":"user:alice",' +
      `"recipient":"${RECIPIENT}","role":"owner"}},"kind":"vault.create","parents":[],"v":2,"vault":"v-0001"}`
    expect(new TextDecoder().decode(body)).toBe(byHand)
    expect(byHand).toBe(GENESIS.body)
    expect(id).toBe(GENESIS.id)
  })

  it.each([
    ['vault.create', GENESIS],
    ['secret.set', SECRET_SET],
  ])('%s: the id is BLAKE2b-256 of the hand-built encoding, and OpenSSL verifies the signature', (_kind, vector) => {
    const body = utf8(vector.body)
    expect(hex(sodium.crypto_generichash(32, specEncode('secrets/v2/op-id', [body]), null))).toBe(vector.id)
    expect(operationId(body)).toBe(vector.id)
    expect(hex(signOperation(alice, body))).toBe(vector.signatureHex)
    expect(opensslVerify(null, specEncode('secrets/v2/op', [body]), opensslEd25519Key(bytes(SEED_HEX)), bytes(vector.signatureHex))).toBe(true)
    const op = decodeOperation(vector.id, body, bytes(vector.signatureHex))
    expect(op.problem).toBeUndefined()
  })

  it('commits to a data key as BLAKE2b-256 of the hand-built encoding', () => {
    expect(hex(keyCommitment(bytes(DATA_KEY_HEX)))).toBe(COMMITMENT_HEX)
    expect(hex(sodium.crypto_generichash(32, specEncode('secrets/v2/key-commitment', [bytes(DATA_KEY_HEX)]), null))).toBe(COMMITMENT_HEX)
  })

  it("binds a value to its operation's vault, author, name, scope, key and parents", () => {
    const byHand = specEncode('secrets/v2/value', [VAULT_ID, GENESIS.id, 'DB_PASSWORD', 'production', 'main', KEY_ID, KEY_ID])
    expect(hex(opValueAssociatedData(ctx))).toBe(VALUE.associatedDataHex)
    expect(hex(byHand)).toBe(VALUE.associatedDataHex)
  })

  it('encrypts to the known ciphertext, which HChaCha20 + OpenSSL ChaCha20-Poly1305 also give, and which the secret.set carries', () => {
    const out = encryptOpValue(bytes(DATA_KEY_HEX), ctx, utf8(PLAINTEXT), bytes(NONCE_HEX))
    expect(hex(out.ciphertext)).toBe(VALUE.ciphertextHex)
    expect(hex(opensslXChaChaEncrypt(bytes(DATA_KEY_HEX), bytes(NONCE_HEX), utf8(PLAINTEXT), bytes(VALUE.associatedDataHex)))).toBe(VALUE.ciphertextHex)
    expect(new TextDecoder().decode(decryptOpValue(bytes(DATA_KEY_HEX), ctx, bytes(NONCE_HEX), bytes(VALUE.ciphertextHex)))).toBe(PLAINTEXT)
    const op = decodeOperation(SECRET_SET.id, utf8(SECRET_SET.body), bytes(SECRET_SET.signatureHex))
    expect(op.data?.kind === 'secret.set' && hex(op.data.ciphertext)).toBe(VALUE.ciphertextHex)
    expect(op.data?.kind === 'secret.set' && hex(op.data.nonce)).toBe(NONCE_HEX)
  })

  it('refuses the same operation spelled another way (a space, a reordered key): only one spelling has this id', () => {
    const spaced = GENESIS.body.replace('"at":', '"at": ')
    expect(() => decodeOperation(operationId(utf8(spaced)), utf8(spaced), bytes(GENESIS.signatureHex))).toThrow(/not in canonical form/)
    const reordered = GENESIS.body.replace('{"at":"2026-01-01T00:00:00.000Z","author":null,', '{"author":null,"at":"2026-01-01T00:00:00.000Z",')
    expect(() => decodeOperation(operationId(utf8(reordered)), utf8(reordered), bytes(GENESIS.signatureHex))).toThrow(/not in canonical form/)
  })
})
