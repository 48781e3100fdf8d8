// The error every format throws for bad input: a usage error (exit 2) with one line of message.
import {expect} from 'vitest'

import {SecretsError} from '../../src/errors.js'

export function usageError(run: () => unknown): SecretsError {
  try {
    run()
  } catch (error) {
    expect(error).toBeInstanceOf(SecretsError)
    const secretsError = error as SecretsError
    expect(secretsError.exit).toBe(2)
    expect(secretsError.message).not.toContain('\n')
    return secretsError
  }
  throw new Error('expected a usage error, got none')
}
