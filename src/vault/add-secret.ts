import {encryptValue, randomId} from '../crypto/index.js'
import {conflict} from '../errors.js'
import {type SecretRow, type VersionRow, secretSigned, versionSigned} from './records.js'
import {
  type ProviderRef,
  checkBranchScope, checkDescription, checkEnvironmentScope, checkName, checkRotationDays, checkValue,
} from './rules.js'
import {liveSecrets} from './secret-rows.js'
import {type SecretSummary, summarize} from './secret-summary.js'
import type {Session} from './session.js'
import {describeSecret} from './vault.js'

export interface NewSecret {
  name: string
  environment: string
  branch: string
  description?: string
  rotationDays?: number
  variable: boolean
  file: boolean
  protected: boolean
  ref?: ProviderRef
}

/** Checks a new secret's metadata against GitLab's rules before anything is read or written. */
export function checkNewSecret(input: NewSecret): NewSecret {
  checkName(input.name)
  checkEnvironmentScope(input.environment)
  checkBranchScope(input.branch)
  checkDescription(input.description)
  checkRotationDays(input.rotationDays)
  return input
}

/**
 * Adds a secret and its first version, in one transaction. The value is asked for only once
 * everything else has been checked, so nobody types a secret into a command that then fails.
 */
export async function addSecret(
  session: Session,
  input: NewSecret,
  readValue: () => Promise<Uint8Array>,
  options: {now: Date; maxValueBytes: number},
): Promise<SecretSummary> {
  checkNewSecret(input)
  const {vault} = session
  session.require('create', input)
  refuseClash(session, input)
  const value = checkValue(await readValue(), options.maxValueBytes)

  return vault.write(() => {
    refuseClash(session, input)
    const {secret, version} = insertSecret(session, input, value, options.now.toISOString())
    return summarize(vault, secret, options.now, [version])
  })
}

/** Writes a new secret row and its first version. Call inside a transaction, checks done. */
export function insertSecret(session: Session, input: NewSecret, value: Uint8Array, createdAt: string): {secret: SecretRow; version: VersionRow} {
  const {vault, identity, member} = session
  const unsigned: Omit<SecretRow, 'signature'> = {
    id: randomId(),
    name: input.name,
    environment: input.environment,
    branch: input.branch,
    description: input.description ?? null,
    rotation_days: input.rotationDays ?? null,
    variable: input.variable ? 1 : 0,
    file: input.file ? 1 : 0,
    protected: input.protected ? 1 : 0,
    ref: input.ref ? `${input.ref.provider}:${input.ref.reference}` : null,
    created_at: createdAt,
    author_id: member.id,
  }
  const signed = secretSigned(vault.id, unsigned)
  const secret: SecretRow = {...unsigned, signature: identity.sign(signed.label, signed.fields)}
  vault.db
    .prepare(
      `INSERT INTO secrets (id, name, environment, branch, description, rotation_days, variable, file, protected, ref, created_at, author_id, signature)
       VALUES (@id, @name, @environment, @branch, @description, @rotation_days, @variable, @file, @protected, @ref, @created_at, @author_id, @signature)`,
    )
    .run(secret)
  return {secret, version: writeVersion(session, secret, value, createdAt)}
}

function refuseClash(session: Session, input: NewSecret): void {
  const clash = liveSecrets(session.vault, input.name).find((s) => s.environment === input.environment && s.branch === input.branch)
  if (clash) {
    throw conflict(`secret already exists: ${describeSecret(input)}`, 'use `secrets rotate` to give it a new value, or another --environment/--branch')
  }
}

/** Encrypts `value` under the scope's current data key and signs it. Call inside a transaction. */
export function writeVersion(session: Session, secret: SecretRow, value: Uint8Array, createdAt: string): VersionRow {
  const {vault, identity, member} = session
  const {row: dataKey, key} = session.dataKeyForScope(secret.environment, secret.branch, createdAt)
  const id = randomId()
  const {nonce, ciphertext} = encryptValue(
    key,
    {
      vaultId: vault.id, secretId: secret.id, versionId: id, name: secret.name,
      environment: secret.environment, branch: secret.branch, epochId: dataKey.epoch_id, dataKeyId: dataKey.id,
    },
    value,
  )
  const unsigned = {
    id, secret_id: secret.id, data_key_id: dataKey.id, nonce, ciphertext,
    created_at: createdAt, author_id: member.id, signer_id: member.id,
  }
  const signed = versionSigned(vault.id, secret, unsigned)
  const version: VersionRow = {...unsigned, signature: identity.sign(signed.label, signed.fields)}
  vault.db
    .prepare(
      `INSERT INTO versions (id, secret_id, data_key_id, nonce, ciphertext, created_at, author_id, signer_id, signature)
       VALUES (@id, @secret_id, @data_key_id, @nonce, @ciphertext, @created_at, @author_id, @signer_id, @signature)`,
    )
    .run(version)
  return version
}
