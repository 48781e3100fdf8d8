// This computer's pins when several processes use one vault at once: a pin never gets ahead of
// what a process read, and no process undoes the pin another one wrote.
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {type PinPlace, type PinView, checkPins, readPins, writePin} from '../../../src/vault/store/pins.js'

const GENESIS = 'a'.repeat(64)
const A = 'b'.repeat(64)
const B = 'c'.repeat(64)

/** A history whose heads are `heads` and which holds `holds` (and the genesis). */
function view(heads: string[], holds: string[]): PinView {
  const all = new Set([GENESIS, ...holds, ...heads])
  return {genesis: GENESIS, has: (id) => all.has(id), heads: () => heads.map((id) => ({id, what: `op ${id[0]}`})), voided: [], revoked: new Map()}
}

let dir: string
let place: PinPlace

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'secrets-pins-'))
  place = {vaultId: 'f'.repeat(32), vaultPath: join(dir, 'vault.db'), configDir: join(dir, 'config'), scopes: ['main']}
})

afterEach(() => rmSync(dir, {recursive: true, force: true}))

describe('pins under concurrent writers', () => {
  it('a process that read the vault before another committed keeps that commit pinned when it pins', () => {
    writePin(view([A], [A]), place)
    // Another process commits B (on A) and pins it; then this one, which read only up to A, pins.
    writePin(view([B], [A, B]), place)
    writePin(view([A], [A]), place)
    // B stays pinned: a vault that lost it is still refused.
    expect(() => checkPins(view([A], [A]), place, undefined)).toThrow(/lost an operation this computer has seen on branch main: cccccccccccc/)
    expect(checkPins(view([B], [A, B]), place, undefined).lost).toEqual([])
  })

  it('`secrets trust` (replace) drops what the accepted history lacks', () => {
    writePin(view([B], [A, B]), place)
    writePin(view([A], [A]), place, true)
    expect(checkPins(view([A], [A]), place, undefined).lost).toEqual([])
  })

  it('pins read before the history: a commit (and its pin) landing in between is not a loss', () => {
    writePin(view([A], [A]), place)
    const before = readPins(place)
    // Another process commits B and pins it after this one read the pins, before it read the history.
    writePin(view([B], [A, B]), place)
    const history = view([B], [A, B])
    expect(checkPins(history, place, undefined, false, before).lost).toEqual([])
    // Read the other way round (history first, pins after), the same race looked like a rollback.
    expect(() => checkPins(view([A], [A]), place, undefined, false, readPins(place))).toThrow(/lost an operation/)
  })
})
