// `origin.author` (the format-1 author `secrets upgrade` carries over) is any string: operations.ts
// checks only that it is one (src/vault/store/operations.ts:265). It is printed raw by the warning
// every computer shows for an operation that does not count (session.ts:220 via describe.ts:28),
// by `secrets log`, and (for a version that counts) by `list --history`. So anyone whose recipient
// the vault knows — even a member revoked long ago, whose operations are all void — sends escape
// sequences to every teammate's terminal: erase the very warning that would expose them, set the
// clipboard (OSC 52), retitle the window, fake output. It also lets a writer claim someone else
// wrote a version ("updated by user:alice").
import Database from 'better-sqlite3'
import {afterEach, beforeAll, beforeEach, describe, expect, it} from 'vitest'

import {loadSodium} from '../../src/crypto/index.js'
import {Team} from '../helpers/team.js'

// Erase the current line, then write "pwned" to the clipboard (OSC 52) and the window title.
const ESCAPES = '\r\u001b[2K\u001b]52;c;cm0gLXJmIH4K\u0007\u001b]0;pwned\u0007'
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f\u0080-\u009f]/

let team: Team

beforeAll(async () => {
  await loadSodium()
})

beforeEach(async () => {
  team = await Team.create()
  await team.ok('alice', ['add', 'DB_PASSWORD'], {input: 'v1'})
  await team.permit('mallory', 'developer', 'read,update')
  await team.commit('mallory may update')
})

afterEach(() => team.cleanup())

async function versionWithOrigin(author: string, at?: string): Promise<void> {
  const mallory = await team.forger('mallory')
  const op = mallory.writeValue({name: 'DB_PASSWORD', environment: '*', branch: '*'}, 'mallorys', {to: ['user:alice', 'user:mallory'], at})
  // writeValue writes origin: null; re-append the same version with an origin of mallory's choosing
  const data = {...op.data!, origin: {author, at: '2026-01-01T00:00:00.000Z'}} as Parameters<typeof mallory.append>[0]
  const db = new Database(team.repo.vaultPath)
  db.prepare('DELETE FROM ops WHERE id = ?').run(op.id)
  db.close()
  mallory.append(data, {parents: op.parents})
}

describe('control characters from the file reach the terminal', () => {
  it('the warning about a revoked member\'s void operation carries no escape sequence', async () => {
    await team.ok('alice', ['permit', 'user:mallory', '--revoke'])
    await team.commit('revoke mallory')
    await versionWithOrigin(ESCAPES)
    const result = await team.run('alice', ['list'])
    expect(result.stderr).toContain('ignored operation')
    expect(result.stderr).not.toMatch(CONTROL)
    expect((await team.run('alice', ['log'])).stdout).not.toMatch(CONTROL)
  })

  it('list --history prints no escape sequence and names the real author of a version', async () => {
    await versionWithOrigin(`user:alice${ESCAPES}`)
    const history = await team.run('alice', ['list', '--history', 'DB_PASSWORD'])
    expect(history.stdout).not.toMatch(CONTROL)
    // Only the vault's creator carries versions over from format 1: mallory's version, which
    // claims alice wrote it, does not count, and the current version is really alice's.
    const json = JSON.parse((await team.ok('alice', ['list', '--json'])).stdout) as {updatedBy: string}[]
    expect(json[0]!.updatedBy).toBe('user:alice')
    const log = JSON.parse((await team.ok('alice', ['log', '--json'])).stdout) as {entries: {author: string; valid: boolean; reason: string | null}[]}
    expect(log.entries.filter((e) => !e.valid).map((e) => [e.author, e.reason])).toEqual([['user:mallory', 'its fields are malformed (its origin is malformed)']])
  })
})
