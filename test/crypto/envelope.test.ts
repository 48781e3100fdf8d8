import {describe, expect, it} from 'vitest'
import {
  DecryptionFailed,
  type ValueContext,
  type OpValueContext,
  decryptOpValue,
  decryptValue,
  encryptOpValue,
  encryptValue,
  generateDataKey,
  loadSodium,
  randomId,
} from '../../src/crypto/index.js'

// Top-level: some fixtures below are built at module load, before any hook runs.
await loadSodium()

const ctx: ValueContext = {
  vaultId: randomId(),
  secretId: randomId(),
  versionId: randomId(),
  name: 'DB_PASSWORD',
  environment: 'production',
  branch: 'main',
  epochId: randomId(),
  dataKeyId: randomId(),
}
const plaintext = new TextEncoder().encode('s3cr3t value')

describe('values', () => {
  it('round-trip with a fresh nonce each time', () => {
    const key = generateDataKey()
    const a = encryptValue(key, ctx, plaintext)
    const b = encryptValue(key, ctx, plaintext)
    expect(Buffer.from(a.nonce).equals(Buffer.from(b.nonce))).toBe(false)
    expect(a.nonce.length).toBe(24)
    expect(new TextDecoder().decode(decryptValue(key, ctx, a.nonce, a.ciphertext))).toBe('s3cr3t value')
  })

  it('fail with another data key', () => {
    const {nonce, ciphertext} = encryptValue(generateDataKey(), ctx, plaintext)
    expect(() => decryptValue(generateDataKey(), ctx, nonce, ciphertext)).toThrow(DecryptionFailed)
  })

  it('fail when any byte of the ciphertext changes', () => {
    const key = generateDataKey()
    const {nonce, ciphertext} = encryptValue(key, ctx, plaintext)
    for (let i = 0; i < ciphertext.length; i++) {
      const changed = Uint8Array.from(ciphertext)
      changed[i] = (changed[i] as number) ^ 0x80
      expect(() => decryptValue(key, ctx, nonce, changed), `byte ${i}`).toThrow(DecryptionFailed)
    }
  })

  it('fail when any byte of the nonce changes', () => {
    const key = generateDataKey()
    const {nonce, ciphertext} = encryptValue(key, ctx, plaintext)
    for (let i = 0; i < nonce.length; i++) {
      const changed = Uint8Array.from(nonce)
      changed[i] = (changed[i] as number) ^ 0x01
      expect(() => decryptValue(key, ctx, changed, ciphertext), `byte ${i}`).toThrow(DecryptionFailed)
    }
  })

  it.each(Object.keys(ctx) as (keyof ValueContext)[])('fail when the context field %s changes', (field) => {
    const key = generateDataKey()
    const {nonce, ciphertext} = encryptValue(key, ctx, plaintext)
    const moved = {...ctx, [field]: `${ctx[field]}x`}
    expect(() => decryptValue(key, moved, nonce, ciphertext)).toThrow(DecryptionFailed)
  })

  it('fail when context fields swap values', () => {
    const key = generateDataKey()
    const swapped = {...ctx, environment: 'main', branch: 'production'}
    const {nonce, ciphertext} = encryptValue(key, {...ctx, environment: 'production', branch: 'main'}, plaintext)
    expect(() => decryptValue(key, swapped, nonce, ciphertext)).toThrow(DecryptionFailed)
  })

  it('fail, as DecryptionFailed, on truncated or malformed input', () => {
    const key = generateDataKey()
    const {nonce, ciphertext} = encryptValue(key, ctx, plaintext)
    expect(() => decryptValue(key, ctx, nonce, ciphertext.subarray(0, ciphertext.length - 1))).toThrow(DecryptionFailed)
    expect(() => decryptValue(key, ctx, nonce, new Uint8Array(0))).toThrow(DecryptionFailed)
    expect(() => decryptValue(key, ctx, nonce.subarray(0, 12), ciphertext)).toThrow(DecryptionFailed)
    expect(() => decryptValue(key.subarray(0, 16), ctx, nonce, ciphertext)).toThrow(DecryptionFailed)
  })

  it('say nothing secret when they fail', () => {
    const key = generateDataKey()
    const {nonce, ciphertext} = encryptValue(key, ctx, plaintext)
    try {
      decryptValue(generateDataKey(), ctx, nonce, ciphertext)
      expect.unreachable()
    } catch (error) {
      const text = `${(error as Error).message} ${(error as Error).stack}`
      expect(text).not.toContain('s3cr3t')
      expect(text).not.toContain(Buffer.from(key).toString('hex'))
    }
  })
})

describe('ids and keys', () => {
  it('random ids are 32 lower-case hex characters and distinct', () => {
    const ids = new Set(Array.from({length: 100}, randomId))
    expect(ids.size).toBe(100)
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{32}$/)
  })

  it('data keys are 32 bytes and distinct', () => {
    const a = generateDataKey()
    expect(a.length).toBe(32)
    expect(Buffer.from(a).equals(Buffer.from(generateDataKey()))).toBe(false)
  })
})

// Format 2 (docs/FORMAT.md section 6): the value travels inside an operation, bound to the
// operation's author, parents, scope and key instead of to a row.
describe('format-2 values', () => {
  const opCtx: OpValueContext = {
    vaultId: randomId(),
    author: randomId(),
    parents: [randomId(), randomId()].sort(),
    name: 'DB_PASSWORD',
    environment: 'production',
    branch: 'main',
    key: randomId(),
  }

  it('round-trip with a fresh nonce each time, and the nonce returned is the one used', () => {
    const key = generateDataKey()
    const a = encryptOpValue(key, opCtx, plaintext)
    const b = encryptOpValue(key, opCtx, plaintext)
    expect(a.nonce.length).toBe(24)
    expect(Buffer.from(a.nonce).equals(Buffer.from(b.nonce))).toBe(false)
    expect(Buffer.from(a.ciphertext).equals(Buffer.from(b.ciphertext))).toBe(false)
    expect(new TextDecoder().decode(decryptOpValue(key, opCtx, a.nonce, a.ciphertext))).toBe('s3cr3t value')
    expect(new TextDecoder().decode(decryptOpValue(key, opCtx, b.nonce, b.ciphertext))).toBe('s3cr3t value')
  })

  it('fail with another data key or a changed ciphertext', () => {
    const key = generateDataKey()
    const {nonce, ciphertext} = encryptOpValue(key, opCtx, plaintext)
    expect(() => decryptOpValue(generateDataKey(), opCtx, nonce, ciphertext)).toThrow(DecryptionFailed)
    const changed = Uint8Array.from(ciphertext)
    changed[0] = (changed[0] as number) ^ 0x01
    expect(() => decryptOpValue(key, opCtx, nonce, changed)).toThrow(DecryptionFailed)
  })

  const moves: [string, OpValueContext][] = [
    ...(['vaultId', 'author', 'name', 'environment', 'branch', 'key'] as const).map((field): [string, OpValueContext] => [field, {...opCtx, [field]: `${opCtx[field]}x`}]),
    ['a parent changed', {...opCtx, parents: [opCtx.parents[0]!, randomId()]}],
    ['a parent dropped', {...opCtx, parents: [opCtx.parents[0]!]}],
    ['a parent added', {...opCtx, parents: [...opCtx.parents, randomId()]}],
    ['no parents', {...opCtx, parents: []}],
    ['scope fields swapped', {...opCtx, environment: opCtx.branch, branch: opCtx.environment}],
  ]
  it.each(moves)('fail when copied to another operation: %s', (_, moved) => {
    const key = generateDataKey()
    const {nonce, ciphertext} = encryptOpValue(key, opCtx, plaintext)
    expect(() => decryptOpValue(key, moved, nonce, ciphertext)).toThrow(DecryptionFailed)
  })

  it('are not interchangeable with format-1 values', () => {
    const key = generateDataKey()
    const v1 = encryptValue(key, ctx, plaintext)
    const v2 = encryptOpValue(key, opCtx, plaintext)
    expect(() => decryptOpValue(key, opCtx, v1.nonce, v1.ciphertext)).toThrow(DecryptionFailed)
    expect(() => decryptValue(key, ctx, v2.nonce, v2.ciphertext)).toThrow(DecryptionFailed)
  })
})
