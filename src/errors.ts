// The one table of exit codes and the one error type the CLI shows to people.
// Library code throws SecretsError; only src/base-command.ts turns it into output.

export const ExitCode = {
  OK: 0,
  ERROR: 1,
  USAGE: 2,
  NOT_FOUND: 3,
  PERMISSION_DENIED: 4,
  INTEGRITY: 5,
  NO_IDENTITY: 6,
  CONFLICT: 7,
  NO_VAULT: 8,
  /** `secrets check`: a secret is overdue for rotation or exposed. */
  CHECK_FAILED: 9,
  /** The vault is in an older format: an owner runs `secrets upgrade`. */
  UPGRADE_NEEDED: 10,
  /** The OS keychain is absent, locked or failing: unlock it, or use SECRETS_IDENTITY. */
  KEYCHAIN_UNAVAILABLE: 11,
  /** Another secrets process held the vault's write lock longer than the bounded wait. */
  BUSY: 12,
  /** As shells say it: the command to run cannot be executed / was not found. */
  COMMAND_NOT_EXECUTABLE: 126,
  COMMAND_NOT_FOUND: 127,
} as const

export type ErrorCode = keyof typeof ExitCode

/** What each code means, for `--help`, the README and `--json` consumers. */
export const EXIT_CODE_HELP: Record<ErrorCode, string> = {
  OK: 'success',
  ERROR: 'any other error',
  USAGE: 'bad flags, arguments or input (names, scopes, descriptions, values)',
  NOT_FOUND: 'no such secret, member or job',
  PERMISSION_DENIED: 'your identity is not allowed to do this',
  INTEGRITY: 'a stored value, signature or bound field failed verification',
  NO_IDENTITY: 'no identity found (keychain, SECRETS_IDENTITY or its file)',
  CONFLICT: 'the thing already exists (a secret with that name and scope)',
  NO_VAULT: 'no vault here: run `secrets enable` first',
  CHECK_FAILED: '`secrets check`: a secret is overdue for rotation or exposed',
  UPGRADE_NEEDED: 'the vault is in format 1: an owner runs `secrets upgrade`',
  KEYCHAIN_UNAVAILABLE: 'the OS keychain is absent, locked or failing (unlock it, or set SECRETS_IDENTITY)',
  BUSY: 'another secrets process held the vault longer than the wait allows',
  COMMAND_NOT_EXECUTABLE: '`secrets run`: the command cannot be executed',
  COMMAND_NOT_FOUND: '`secrets run`: the command was not found',
}

export class SecretsError extends Error {
  readonly code: ErrorCode
  readonly hint?: string

  constructor(code: ErrorCode, message: string, hint?: string) {
    super(message)
    this.name = 'SecretsError'
    this.code = code
    this.hint = hint
  }

  get exit(): number {
    return ExitCode[this.code]
  }
}

export const usage = (message: string, hint?: string) => new SecretsError('USAGE', message, hint)
export const notFound = (message: string, hint?: string) => new SecretsError('NOT_FOUND', message, hint)
export const denied = (message: string, hint?: string) => new SecretsError('PERMISSION_DENIED', message, hint)
export const integrity = (message: string, hint?: string) => new SecretsError('INTEGRITY', message, hint)
export const noIdentity = (message: string, hint?: string) => new SecretsError('NO_IDENTITY', message, hint)
export const conflict = (message: string, hint?: string) => new SecretsError('CONFLICT', message, hint)
