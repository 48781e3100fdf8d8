import {DAY_MS} from '../clock.js'
import type {SecretRow, VersionRow} from './records.js'
import {isExposed} from './exposures.js'
import {versionsOf} from './secret-rows.js'
import type {Vault} from './vault.js'

export type RotationStatus = 'OK' | 'APPROACHING' | 'OVERDUE'

/** What `list` and `--json` show of a secret: metadata only, never a value. */
export interface SecretSummary {
  name: string
  environment: string
  branch: string
  description: string | null
  version: number
  createdAt: string
  updatedAt: string
  updatedBy: string
  rotationDays: number | null
  rotation: {status: RotationStatus; dueAt: string} | null
  variable: boolean
  file: boolean
  protected: boolean
  ref: string | null
  /** A member who could read it lost access since its value was last set: rotate it. */
  exposed: boolean
}

/** A reminder is APPROACHING when it is due within this many days (GitLab's window). */
export const APPROACHING_DAYS = 7

/**
 * Days are counted as a calendar counts them: "due in 7 days" until a whole day has passed, so
 * a secret with the shortest reminder (7 days) is OK when it is added or rotated and
 * APPROACHING from the next day on.
 */
export function rotationStatus(lastRotated: string, days: number, now: Date): {status: RotationStatus; dueAt: string} {
  const due = Date.parse(lastRotated) + days * DAY_MS
  const left = due - now.getTime()
  const daysLeft = Math.ceil(left / DAY_MS)
  const status: RotationStatus = left <= 0 ? 'OVERDUE' : daysLeft < APPROACHING_DAYS ? 'APPROACHING' : 'OK'
  return {status, dueAt: new Date(due).toISOString()}
}

export function summarize(vault: Vault, secret: SecretRow, now: Date, versions: VersionRow[] = versionsOf(vault, secret.id)): SecretSummary {
  const current = versions.at(-1)
  const updatedAt = current?.created_at ?? secret.created_at
  return {
    name: secret.name,
    environment: secret.environment,
    branch: secret.branch,
    description: secret.description,
    version: versions.length,
    createdAt: secret.created_at,
    updatedAt,
    updatedBy: vault.memberName(current?.author_id ?? secret.author_id),
    rotationDays: secret.rotation_days,
    rotation: secret.rotation_days === null ? null : rotationStatus(updatedAt, secret.rotation_days, now),
    variable: secret.variable === 1,
    file: secret.file === 1,
    protected: secret.protected === 1,
    ref: secret.ref,
    exposed: isExposed(vault, secret.id, updatedAt),
  }
}
