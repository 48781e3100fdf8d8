import {type Env, SECRETS_NOW} from './env.js'
import {usage} from './errors.js'

/** Now, or the moment SECRETS_NOW names (ISO 8601). */
export function now(env: Env): Date {
  const text = env[SECRETS_NOW]
  if (text === undefined || text === '') return new Date()
  const date = new Date(text)
  if (!/^\d{4}-\d{2}-\d{2}/.test(text) || Number.isNaN(date.getTime())) {
    throw usage(`${SECRETS_NOW} is not an ISO 8601 time: ${text}`, 'e.g. SECRETS_NOW=2026-12-24T09:00:00Z')
  }

  return date
}

export const DAY_MS = 24 * 60 * 60 * 1000
