import {describe, expect, it} from 'vitest'

import {rotationStatus} from '../../../src/vault/secrets/summary.js'

const at = (iso: string) => new Date(iso)
const rotated = '2026-01-01T00:00:00.000Z'

describe('rotationStatus', () => {
  it.each([
    [7, '2026-01-01T00:00:00.000Z', 'OK'],
    [7, '2026-01-01T23:59:59.000Z', 'OK'],
    [7, '2026-01-02T00:00:01.000Z', 'APPROACHING'],
    [7, '2026-01-07T23:59:59.000Z', 'APPROACHING'],
    [7, '2026-01-08T00:00:00.000Z', 'OVERDUE'],
    [7, '2026-02-01T00:00:00.000Z', 'OVERDUE'],
    [30, '2026-01-20T00:00:00.000Z', 'OK'],
    [30, '2026-01-24T00:00:01.000Z', 'OK'],
    [30, '2026-01-25T00:00:01.000Z', 'APPROACHING'],
    [30, '2026-01-31T00:00:00.000Z', 'OVERDUE'],
  ] as const)('%i days, now %s → %s', (days, now, status) => {
    expect(rotationStatus(rotated, days, at(now)).status).toBe(status)
  })

  it('gives the due time', () => {
    expect(rotationStatus(rotated, 30, at(rotated)).dueAt).toBe('2026-01-31T00:00:00.000Z')
  })
})
