// Members, groups and rules: who may read, create, update and delete which scopes. Read is
// enforced by who holds a sealed copy of each data key, so a change that grants read shares the
// keys with the new readers, and a change that takes read away makes new keys for the scopes
// the lost readers held (values they could read show as EXPOSED until rotated).
import {Identity, InvalidKeyText, Recipient} from '../../crypto/index.js'
import {conflict, denied, notFound, usage} from '../../errors.js'
import {type Scoped, describeSecret} from '../../scope.js'
import type {Member} from '../access/access-state.js'
import type {History} from '../access/history.js'
import {scopeKey} from '../access/history.js'
import {rekeyScopes} from '../keys/choose-key.js'
import {shareWithReaders} from '../keys/share-keys.js'
import type {VaultSession} from '../session.js'
import {type Action, type Principal, type Role, checkBranchScope, checkEnvironmentScope} from '../validate.js'

export interface PermitRequest {
  principal: Principal
  recipient?: string
  role?: Role
  actions?: Action[]
  members?: string[]
  environment: string
  branch: string
  revoke: boolean
}

export interface PermitResult {
  principal: string
  action: 'added' | 'updated' | 'revoked'
  /** Only for a new machine member: its private identity, shown this once. */
  identity?: string
  recipient?: string
  /** New keys were made for scopes someone lost. */
  rekeyed: boolean
  /** Secrets whose current value someone who lost access can read: rotate them. */
  exposed: string[]
  /** Keys that could not be shared with new readers: the copy sealed to you does not open to its commitment. */
  unshareable: string[]
}

export function requireOwner(session: VaultSession, what: string): Member {
  const {member} = session.me()
  if (member.role !== 'owner') throw denied(`${member.name} (${member.role}) may not ${what}: only owners manage access`)
  return member
}

export function permit(session: VaultSession, request: PermitRequest): PermitResult {
  checkEnvironmentScope(request.environment)
  checkBranchScope(request.branch)
  requireOwner(session, 'change access')
  return session.write(() => {
    requireOwner(session, 'change access')
    const before = readersByScope(session.history)
    let result: PermitResult
    if (request.revoke) result = revoke(session, request.principal)
    else if (request.principal.kind === 'user' || request.principal.kind === 'machine') result = permitMember(session, request)
    else result = permitRuleOnly(session, request)

    const history = session.history
    const after = readersByScope(history)
    const lost = new Set<string>()
    const lostScopes: Scoped[] = []
    for (const [key, {scope, readers}] of before) {
      const gone = [...readers].filter((id) => !after.get(key)?.readers.has(id))
      if (gone.length === 0) continue
      for (const id of gone) lost.add(id)
      lostScopes.push(scope)
    }

    if (lostScopes.length > 0) {
      rekeyScopes(session, lostScopes)
      result.rekeyed = true
      const lostNames = new Set([...lost].map((id) => history.memberName(id)))
      result.exposed = session.history
        .secrets()
        .filter((s) => session.history.exposure(s).to.some((name) => lostNames.has(name)))
        .map((s) => describeSecret(s).replace(/^secret /, ''))
    }

    result.unshareable = shareWithReaders(session).skipped
    return result
  })
}

function permitMember(session: VaultSession, request: PermitRequest): PermitResult {
  const history = session.history
  const {principal} = request
  const existing = history.activeMembers().find((m) => m.name === principal.text)
  let identity: Identity | undefined
  let recipient: Recipient | undefined
  if (existing) {
    if (request.recipient && request.recipient.trim() !== existing.recipient) {
      throw conflict(`${principal.text} is already a member with another recipient`, `revoke it first: secrets permit ${principal.text} --revoke`)
    }

    if (request.role && request.role !== existing.role) {
      throw conflict(`${principal.text} is already a member with role ${existing.role}`, 'revoke and permit again to change a role')
    }
  } else {
    if (principal.kind === 'machine') {
      identity = Identity.generate()
      recipient = identity.recipient
    } else {
      if (!request.recipient) throw usage(`a new member needs --recipient`, `ask ${principal.name} to run \`secrets identity\` and send you the secrets1… line`)
      recipient = parseRecipient(request.recipient)
    }

    const holder = history.membersWithRecipient(recipient.toString()).active[0]
    if (holder) throw conflict(`that recipient is already a member: ${holder.name}`)
    session.append({
      kind: 'member.add',
      member: {
        name: principal.text,
        kind: principal.kind as 'user' | 'machine',
        recipient: recipient.toString(),
        role: principal.kind === 'machine' ? 'reporter' : (request.role ?? 'developer'),
        environment: principal.kind === 'machine' ? request.environment : '*',
        branch: principal.kind === 'machine' ? request.branch : '*',
      },
    })
  }

  if (request.actions) session.append({kind: 'rule.set', principal: principal.text, actions: request.actions, environment: request.environment, branch: request.branch})
  const text = identity?.toSecretText()
  identity?.wipe()
  return {principal: principal.text, action: existing ? 'updated' : 'added', identity: text, recipient: recipient?.toString(), rekeyed: false, exposed: [], unshareable: []}
}

function permitRuleOnly(session: VaultSession, request: PermitRequest): PermitResult {
  const history = session.history
  const {principal} = request
  if (!request.actions && !request.members) throw usage(`nothing to change for ${principal.text}`, 'give --scopes (and --members for a group)')
  if (principal.kind === 'group') {
    if (request.members) {
      const names = request.members.map((m) => (m.includes(':') ? m : `user:${m}`))
      for (const name of names) {
        if (!history.activeMembers().some((m) => m.name === name)) throw notFound(`no member ${name}`, 'add members first with secrets permit user:NAME --recipient …')
      }

      session.append({kind: 'group.set', group: principal.text, members: names})
    } else if (!history.access.groups.has(principal.text)) {
      throw usage(`a new group needs --members`, `secrets permit ${principal.text} --members alice,bob --scopes read`)
    }
  }

  if (request.actions) session.append({kind: 'rule.set', principal: principal.text, actions: request.actions, environment: request.environment, branch: request.branch})
  return {principal: principal.text, action: 'updated', rekeyed: false, exposed: [], unshareable: []}
}

function revoke(session: VaultSession, principal: Principal): PermitResult {
  const history = session.history
  if (principal.kind === 'user' || principal.kind === 'machine') {
    const member = history.activeMembers().find((m) => m.name === principal.text)
    if (!member) throw notFound(`no member ${principal.text}`)
    if (session.me().memberIds.has(member.id)) throw denied('you cannot revoke yourself', 'another owner can')
    session.append({kind: 'member.revoke', member: member.id})
  } else {
    // Every rule of the group or role goes; a group also loses its members.
    const rules = history.access.rules.filter((r) => r.principal === principal.text)
    if (rules.length === 0 && !history.access.groups.has(principal.text)) throw notFound(`no rules for ${principal.text}`)
    for (const rule of rules) session.append({kind: 'rule.set', principal: principal.text, actions: [], environment: rule.environment, branch: rule.branch})
    if (principal.kind === 'group') session.append({kind: 'group.set', group: principal.text, members: []})
  }

  return {principal: principal.text, action: 'revoked', rekeyed: false, exposed: [], unshareable: []}
}

function parseRecipient(text: string): Recipient {
  try {
    return Recipient.parse(text)
  } catch (error) {
    if (error instanceof InvalidKeyText) throw usage(error.message, 'paste the whole secrets1… line that `secrets identity` printed')
    throw error
  }
}

/** For every scope that has a key or a secret: who may read it. */
function readersByScope(history: History): Map<string, {scope: Scoped; readers: Set<string>}> {
  const scopes = new Map<string, Scoped>()
  for (const scope of history.keyScopes()) scopes.set(scopeKey(scope), scope)
  for (const s of history.secrets()) scopes.set(scopeKey(s), {environment: s.environment, branch: s.branch})
  return new Map([...scopes].map(([key, scope]) => [key, {scope, readers: new Set(history.readersOf(scope).map((m) => m.id))}]))
}
