// Every OS keychain call runs in a short-lived child process that is killed after a deadline.
//
// @napi-rs/keyring's calls are synchronous native calls, and a Secret Service that owns its bus
// name but never answers (a gnome-keyring stopped, stuck behind a prompt, or a hostile process
// on the session bus) blocks them forever: measured, no timeout at all. Neither its async API in
// a worker thread helps: the blocked thread-pool call keeps the process from exiting even after
// process.exit. A child process can be killed, so the command ends within the deadline with a
// clear error. The cost is one Node start (tens of ms) on the commands that read the keychain;
// SECRETS_IDENTITY / SECRETS_IDENTITY_FILE users (CI) never pay it.
import {spawnSync} from 'node:child_process'
import {createRequire} from 'node:module'

import {type KeychainProblem, KeychainUnavailable} from './keychain.js'

/** How long one keychain call may take, Node's start in the child included. */
export const KEYCHAIN_DEADLINE_MS = 5000

export type KeychainRequest =
  | {op: 'get'; service: string; account: string}
  | {op: 'set'; service: string; account: string; secret: string}
  | {op: 'delete'; service: string; account: string}

type Reply = {value?: string | null; deleted?: boolean; ok?: boolean; unavailable?: KeychainProblem; reason?: string}

// The child, as source (run with `node -e`, so that it works from src/ under a test runner as
// from dist/): its argv holds this code and nothing else; the request, secret included, goes
// through stdin, the answer through stdout.
const CHILD = String.raw`
'use strict'
// SIGUSR1 would open Node's inspector to any process of this user while the secret is here.
process.on('SIGUSR1', () => {})
const {execFileSync} = require('node:child_process')
const first = (e) => String((e && e.message) || e).split('\n')[0].trim().replace(/^\w/, (c) => c.toLowerCase())
const reply = (r) => process.stdout.write(JSON.stringify(r))
let keyring
try {
  keyring = require(process.env.SECRETS_KEYRING_MODULE)
} catch (e) {
  reply({unavailable: 'error', reason: 'the keychain library could not load (' + first(e) + ')'})
}
// gdbus (glib) answers what the library does not say: whether an item or the default
// collection is locked. Without gdbus the question stays open (undefined).
function gdbus(args) {
  try {
    return execFileSync('gdbus', ['call', '--session', '--timeout', '2', '--dest', 'org.freedesktop.secrets', ...args], {encoding: 'utf8', timeout: 2500, stdio: ['ignore', 'pipe', 'ignore']})
  } catch {
    return undefined
  }
}
function itemLocked(service, account) {
  const esc = (s) => "'" + s.replace(/\\/g, '\\\\').replace(/'/g, "\\'") + "'"
  const out = gdbus(['--object-path', '/org/freedesktop/secrets', '--method', 'org.freedesktop.Secret.Service.SearchItems', '{"service": ' + esc(service) + ', "username": ' + esc(account) + '}'])
  // "(@ao [], [objectpath '/org/freedesktop/secrets/collection/login/1'])": unlocked, locked
  return out !== undefined && /,\s*\[objectpath /.test(out)
}
function defaultLocked() {
  const alias = gdbus(['--object-path', '/org/freedesktop/secrets', '--method', 'org.freedesktop.Secret.Service.ReadAlias', 'default'])
  const path = alias && /objectpath '([^']+)'/.exec(alias)
  if (!path || path[1] === '/') return false
  const locked = gdbus(['--object-path', path[1], '--method', 'org.freedesktop.DBus.Properties.Get', 'org.freedesktop.Secret.Collection', 'Locked'])
  return locked !== undefined && /true/.test(locked)
}
let input = ''
process.stdin.setEncoding('utf8')
process.stdin.on('data', (c) => (input += c))
process.stdin.on('end', () => {
  // The library did not load: that is the answer already given.
  if (!keyring) return
  const req = JSON.parse(input)
  const linux = process.platform === 'linux'
  if (linux) {
    // Without a Secret Service the library quietly uses the kernel keyring, whose keys vanish
    // with the session: a search goes to the Secret Service only, so it tells.
    try {
      keyring.findCredentials('secrets-probe')
    } catch (e) {
      // Nothing there (no session bus, no one owns the name) is "absent"; a service that is
      // there and answers with an error is not.
      const reason = first(e)
      return reply({unavailable: /ServiceUnknown|NameHasNoOwner|no secret service provider|dbus session/i.test(reason) ? 'absent' : 'error', reason})
    }
  }
  try {
    const entry = new keyring.Entry(req.service, req.account)
    if (req.op === 'get') {
      const value = entry.getPassword()
      // A locked item reads as "no entry": ask, rather than make a second identity.
      if (value == null && linux && itemLocked(req.service, req.account)) return reply({unavailable: 'locked', reason: 'the item is locked'})
      return reply({value})
    }
    if (req.op === 'set') {
      if (linux && (itemLocked(req.service, req.account) || defaultLocked())) return reply({unavailable: 'locked', reason: 'the collection is locked'})
      entry.setPassword(req.secret)
      return reply({ok: true})
    }
    return reply({deleted: entry.deletePassword()})
  } catch (e) {
    const reason = first(e)
    reply({unavailable: /locked|unlock|prompt/i.test(reason) ? 'locked' : 'error', reason})
  }
})
`

let modulePath: string | undefined

/** Runs one keychain call in a child that is killed at the deadline. Throws KeychainUnavailable. */
export function keychainCall(request: KeychainRequest, deadlineMs = KEYCHAIN_DEADLINE_MS): Reply {
  modulePath ??= resolveKeyring()
  // Only what a keychain client needs from the environment: never our own SECRETS_* variables.
  const env: NodeJS.ProcessEnv = {SECRETS_KEYRING_MODULE: modulePath}
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('SECRETS_') && !key.startsWith('NODE_OPTIONS')) env[key] = value
  const child = spawnSync(process.execPath, ['-e', CHILD], {input: JSON.stringify(request), env, timeout: deadlineMs, killSignal: 'SIGKILL', encoding: 'utf8', maxBuffer: 1 << 20})
  const timedOut = (child.error as NodeJS.ErrnoException | undefined)?.code === 'ETIMEDOUT'
  if (timedOut) throw new KeychainUnavailable(`it did not answer within ${deadlineMs / 1000} s`, 'timeout')
  if (child.error) throw new KeychainUnavailable(`cannot start its client (${child.error.message})`, 'error')
  let reply: Reply
  try {
    reply = JSON.parse(child.stdout) as Reply
  } catch {
    throw new KeychainUnavailable(`its client failed (${(child.stderr || `exit ${child.status ?? child.signal}`).split('\n')[0]})`, 'error')
  }
  if (reply.unavailable) throw new KeychainUnavailable(reply.reason ?? 'unavailable', reply.unavailable)
  return reply
}

function resolveKeyring(): string {
  try {
    return createRequire(import.meta.url).resolve('@napi-rs/keyring')
  } catch (error) {
    throw new KeychainUnavailable(`the keychain library could not load (${(error as Error).message.split('\n')[0]})`, 'error')
  }
}
