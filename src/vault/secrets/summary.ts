// What `list`, `check`, `run` and `--json` see of a secret: metadata from the history, never a
// value.
import {DAY_MS} from '../../clock.js'
import type {History, SecretRecord} from '../access/history.js'

export type RotationStatus = 'OK' | 'APPROACHING' | 'OVERDUE'

export interface SecretSummary {
  name: string
  environment: string
  branch: string
  description: string | null
  /** The current version's number (versions counted in canonical order since the secret was last removed). */
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
  /** Someone who may no longer read it can read its current value: rotate it. */
  exposed: boolean
  /** Who, by name (members who lost read, or were revoked). */
  exposedTo: string[]
  /** Versions were written concurrently (on two branches): one is current until someone rotates. */
  conflict: boolean
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

/** When a version was written (as its author says: display and reminders only) and by whom. */
export function versionStamp(history: History, index: number): {at: string; author: string} {
  return history.stamp(index)
}

export function summarize(history: History, secret: SecretRecord, now: Date): SecretSummary {
  const facts = history.secretFacts(secret)
  const exposure = history.exposure(secret)
  return {
    name: secret.name,
    environment: secret.environment,
    branch: secret.branch,
    description: facts.description,
    version: secret.versions.indexOf(secret.current) + 1,
    createdAt: facts.created.at,
    updatedAt: facts.updated.at,
    updatedBy: facts.updated.author,
    rotationDays: facts.rotationDays,
    rotation: facts.rotationDays === null ? null : rotationStatus(facts.updated.at, facts.rotationDays, now),
    variable: facts.variable,
    file: facts.file,
    protected: facts.protected,
    ref: facts.ref,
    exposed: exposure.exposed,
    exposedTo: exposure.to,
    conflict: secret.conflict,
  }
}
