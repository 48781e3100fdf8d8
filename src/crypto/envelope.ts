// Encryption of secret values. The associated data binds each ciphertext to the exact row and
// scope it was written for, so copying a ciphertext to another secret, version, scope, vault
// or key epoch makes it fail to decrypt instead of silently yielding someone else's value.
import {canonicalEncode} from './canonical.js'
import {VALUE_AD, VALUE_AD_V2} from './labels.js'
import {KEY_BYTES, NONCE_BYTES, aeadDecrypt, aeadEncrypt, randomBytes} from './primitives.js'

export interface ValueContext {
  vaultId: string
  secretId: string
  versionId: string
  name: string
  environment: string
  branch: string
  epochId: string
  dataKeyId: string
}

/** Order is part of the format (docs/FORMAT.md): append new fields only under a new label. */
export function valueAssociatedData(ctx: ValueContext): Uint8Array {
  return canonicalEncode(VALUE_AD, [
    ctx.vaultId,
    ctx.secretId,
    ctx.versionId,
    ctx.name,
    ctx.environment,
    ctx.branch,
    ctx.epochId,
    ctx.dataKeyId,
  ])
}

/**
 * A fresh random nonce per call: values are written on many machines and branches with no
 * shared counter, and XChaCha20's 24-byte nonce makes random collisions negligible. `nonce` is
 * for known-answer test vectors only; reusing one with the same key breaks confidentiality.
 */
export function encryptValue(
  dataKey: Uint8Array,
  ctx: ValueContext,
  plaintext: Uint8Array,
  nonce: Uint8Array = randomBytes(NONCE_BYTES),
): {nonce: Uint8Array; ciphertext: Uint8Array} {
  const ciphertext = aeadEncrypt(dataKey, nonce, plaintext, valueAssociatedData(ctx))
  return {nonce: Uint8Array.from(nonce), ciphertext}
}

/** Throws DecryptionFailed on a wrong key or any change to the nonce, ciphertext or context. */
export function decryptValue(dataKey: Uint8Array, ctx: ValueContext, nonce: Uint8Array, ciphertext: Uint8Array): Uint8Array {
  return aeadDecrypt(dataKey, nonce, ciphertext, valueAssociatedData(ctx))
}

/** A data key: 32 random bytes, one per scope and key epoch, sealed to each reader. */
export function generateDataKey(): Uint8Array {
  return randomBytes(KEY_BYTES)
}

/** Where a format-2 value belongs: the operation that carries it, without its own bytes. */
export interface OpValueContext {
  vaultId: string
  /** The author's member id. */
  author: string
  /** The operation's parents, sorted: a ciphertext copied into another operation fails. */
  parents: readonly string[]
  name: string
  environment: string
  branch: string
  /** The key operation's id, or `inline` for a key carried by the operation itself. */
  key: string
}

/** Order is part of format 2 (docs/FORMAT.md section 6). */
export function opValueAssociatedData(ctx: OpValueContext): Uint8Array {
  return canonicalEncode(VALUE_AD_V2, [ctx.vaultId, ctx.author, ctx.name, ctx.environment, ctx.branch, ctx.key, ...ctx.parents])
}

export function encryptOpValue(dataKey: Uint8Array, ctx: OpValueContext, plaintext: Uint8Array, nonce: Uint8Array = randomBytes(NONCE_BYTES)): {nonce: Uint8Array; ciphertext: Uint8Array} {
  const ciphertext = aeadEncrypt(dataKey, nonce, plaintext, opValueAssociatedData(ctx))
  return {nonce: Uint8Array.from(nonce), ciphertext}
}

/** Throws DecryptionFailed on a wrong key or any change to the nonce, ciphertext or context. */
export function decryptOpValue(dataKey: Uint8Array, ctx: OpValueContext, nonce: Uint8Array, ciphertext: Uint8Array): Uint8Array {
  return aeadDecrypt(dataKey, nonce, ciphertext, opValueAssociatedData(ctx))
}
