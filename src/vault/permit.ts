// Members, groups and rules: who may read, create, update and delete which scopes. Read is
// enforced by who gets a sealed copy of each data key, so every change here re-seals keys to
// new readers, and a change that takes read away re-keys the vault and marks what the lost
// readers could decrypt as exposed.
import {Identity} from '../crypto/identity.js'
import {InvalidKeyText} from '../crypto/errors.js'
import {Recipient} from '../crypto/recipient.js'
import {randomId} from '../crypto/index.js'
import {conflict, denied, notFound, usage} from '../errors.js'
import {appendLog} from './access-log.js'
import {ACTIONS, type Action, type Rule} from './access-model.js'
import {markExposed} from './exposures.js'
import type {DataKeyRow, MemberRow, Role} from './records.js'
import {rekeyVault} from './rekey-vault.js'
import {checkBranchScope, checkEnvironmentScope} from './rules.js'
import {liveSecrets, stampAfter} from './secret-rows.js'
import type {Session} from './session.js'

export const ROLES: readonly Role[] = ['owner', 'maintainer', 'developer', 'reporter']

export interface Principal {
  kind: 'user' | 'machine' | 'group' | 'role'
  name: string
  /** As stored in rules: `user:bob`, `group:ops`, `role:developer`. */
  text: string
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._@+-]{0,127}$/

export function parsePrincipal(text: string): Principal {
  const match = /^(user|machine|group|role):(.+)$/.exec(text)
  if (!match || !NAME.test(match[2]!)) {
    throw usage(`invalid principal: ${JSON.stringify(text)}`, 'use user:NAME, machine:NAME, group:NAME or role:ROLE')
  }

  const kind = match[1] as Principal['kind']
  if (kind === 'role' && !(ROLES as readonly string[]).includes(match[2]!)) throw usage(`unknown role: ${match[2]}`, `roles: ${ROLES.join(', ')}`)
  return {kind, name: match[2]!, text}
}

export function parseActions(text: string): Action[] {
  const actions = text.split(',').map((a) => a.trim()).filter(Boolean)
  const unknown = actions.filter((a) => !(ACTIONS as readonly string[]).includes(a))
  if (unknown.length > 0 || actions.length === 0) {
    throw usage(`invalid --scopes: ${JSON.stringify(text)}`, `a comma-separated list of ${ACTIONS.join(', ')}`)
  }

  return [...new Set(actions as Action[])]
}

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
  rekeyed: boolean
  exposed: string[]
}

export function permit(session: Session, request: PermitRequest, now: Date): PermitResult {
  session.requireOwner('change access')
  checkEnvironmentScope(request.environment)
  checkBranchScope(request.branch)
  const {vault} = session
  return vault.write(() => {
    const at = stampAfter(now, vault.log().at(-1)?.created_at)
    const before = readableBy(session)
    let result: PermitResult
    if (request.revoke) result = revoke(session, request.principal, at)
    else if (request.principal.kind === 'user' || request.principal.kind === 'machine') result = permitMember(session, request, at)
    else result = permitRuleOnly(session, request, at)
    vault.forget()

    const lost = lostReaders(session, before)
    if (lost.size > 0) {
      // Someone can no longer read some scopes: new keys for everyone left, and every secret
      // they could decrypt is marked exposed until its value is rotated.
      rekeyVault(session, new Date(Date.parse(at) + 1))
      const exposedAt = new Date(Date.parse(at) + 2).toISOString()
      const exposed = new Set<string>()
      for (const [secretId, members] of lost) {
        for (const memberId of members) markExposed(session, secretId, memberId, exposedAt)
        exposed.add(secretId)
      }

      result.rekeyed = true
      result.exposed = liveSecrets(vault)
        .filter((s) => exposed.has(s.id))
        .map((s) => `${s.name} (environment ${s.environment}, branch ${s.branch})`)
    } else {
      sealToNewReaders(session, at)
    }

    return result
  })
}

function permitMember(session: Session, request: PermitRequest, at: string): PermitResult {
  const {vault} = session
  const {principal} = request
  const existing = vault.members().find((m) => m.name === principal.text && vault.access().isActive(m))
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

    if (vault.memberByRecipient(recipient) && vault.access().isActive(vault.memberByRecipient(recipient)!)) {
      throw conflict(`that recipient is already a member: ${vault.memberByRecipient(recipient)!.name}`)
    }

    const id = randomId()
    vault.insertMember(session.identity, {
      id, name: principal.text, kind: principal.kind as 'user' | 'machine', recipient: recipient.toString(),
      role: principal.kind === 'machine' ? 'reporter' : (request.role ?? 'developer'),
      environment: principal.kind === 'machine' ? request.environment : '*',
      branch: principal.kind === 'machine' ? request.branch : '*',
      created_at: at, author_id: session.member.id,
    })
  }

  if (request.actions) appendLog(session, 'rule.set', principal.text, ruleData(request), at)
  const text = identity?.toSecretText()
  identity?.wipe()
  return {principal: principal.text, action: existing ? 'updated' : 'added', identity: text, recipient: recipient?.toString(), rekeyed: false, exposed: []}
}

function permitRuleOnly(session: Session, request: PermitRequest, at: string): PermitResult {
  const {vault} = session
  const {principal} = request
  if (principal.kind === 'group') {
    if (request.members) {
      const names = request.members.map((m) => (m.includes(':') ? m : `user:${m}`))
      for (const name of names) if (!vault.members().some((m) => m.name === name)) throw notFound(`no member ${name}`, 'add members first with secrets permit user:NAME --recipient …')
      appendLog(session, 'group.set', principal.text, {members: names}, at)
    } else if (!vault.access().groups.has(principal.text)) {
      throw usage(`a new group needs --members`, `secrets permit ${principal.text} --members alice,bob --scopes read`)
    }
  }

  if (!request.actions && !request.members) throw usage(`nothing to change for ${principal.text}`, 'give --scopes (and --members for a group)')
  if (request.actions) appendLog(session, 'rule.set', principal.text, ruleData(request), at)
  return {principal: principal.text, action: 'updated', rekeyed: false, exposed: []}
}

function revoke(session: Session, principal: Principal, at: string): PermitResult {
  const {vault} = session
  if (principal.kind === 'user' || principal.kind === 'machine') {
    const member = vault.members().find((m) => m.name === principal.text && vault.access().isActive(m))
    if (!member) throw notFound(`no member ${principal.text}`)
    if (member.id === session.member.id) throw denied('you cannot revoke yourself', 'another owner can')
    appendLog(session, 'member.revoke', principal.text, {member_id: member.id}, at)
  } else {
    // Every rule of the group or role goes; a group also loses its members.
    const rules = vault.access().rules.filter((r) => r.principal === principal.text)
    if (rules.length === 0 && !vault.access().groups.has(principal.text)) throw notFound(`no rules for ${principal.text}`)
    for (const rule of rules) appendLog(session, 'rule.set', principal.text, {actions: [], environment: rule.environment, branch: rule.branch}, at)
    if (principal.kind === 'group') appendLog(session, 'group.set', principal.text, {members: []}, at)
  }

  return {principal: principal.text, action: 'revoked', rekeyed: false, exposed: []}
}

function ruleData(request: PermitRequest): object {
  return {actions: request.actions ?? [], environment: request.environment, branch: request.branch}
}

function parseRecipient(text: string): Recipient {
  try {
    return Recipient.parse(text)
  } catch (error) {
    if (error instanceof InvalidKeyText) throw usage(error.message, 'paste the whole secrets1… line that `secrets identity` printed')
    throw error
  }
}

/** secret id → members who can read it now. */
function readableBy(session: Session): Map<string, Set<string>> {
  const access = session.vault.access()
  return new Map(liveSecrets(session.vault).map((s) => [s.id, new Set(access.readersOf(s).map((m) => m.id))]))
}

function lostReaders(session: Session, before: Map<string, Set<string>>): Map<string, string[]> {
  const after = readableBy(session)
  const lost = new Map<string, string[]>()
  for (const [secretId, readers] of before) {
    const gone = [...readers].filter((id) => !after.get(secretId)?.has(id))
    if (gone.length > 0) lost.set(secretId, gone)
  }

  return lost
}

/** Gives every reader who lacks one a sealed copy of each data key of a scope they may read. */
function sealToNewReaders(session: Session, at: string): void {
  const {vault} = session
  const keys = vault.db.prepare('SELECT * FROM data_keys').all() as DataKeyRow[]
  const sealedTo = vault.db.prepare('SELECT 1 FROM sealed_keys WHERE data_key_id = ? AND member_id = ?')
  const insert = vault.db.prepare('INSERT INTO sealed_keys (id, data_key_id, member_id, sealed, created_at) VALUES (?, ?, ?, ?, ?)')
  for (const row of keys) {
    const missing = session.readersOf(row.environment, row.branch).filter((m: MemberRow) => !sealedTo.get(row.id, m.id))
    if (missing.length === 0) continue
    const key = session.dataKey(row.id, `the key of scope environment ${row.environment}, branch ${row.branch}`)
    for (const member of missing) insert.run(randomId(), row.id, member.id, Recipient.parse(member.recipient).seal(key), at)
  }
}

export interface AccessView {
  members: {name: string; kind: string; role: string; fingerprint: string; environment: string; branch: string; revoked: boolean}[]
  groups: {name: string; members: string[]}[]
  rules: Omit<Rule, 'author'>[]
}

/** Members, groups and rules: owners and maintainers may see them. */
export function describeAccess(session: Session): AccessView {
  if (session.member.role !== 'owner' && session.member.role !== 'maintainer') {
    throw denied(`${session.member.name} (${session.member.role}) may not view access rules: owners and maintainers can`)
  }

  const access = session.vault.access()
  return {
    members: session.vault.members().map((m) => ({
      name: m.name, kind: m.kind, role: m.role, fingerprint: Recipient.parse(m.recipient).fingerprint,
      environment: m.environment, branch: m.branch, revoked: !access.isActive(m),
    })),
    groups: [...access.groups].filter(([, members]) => members.length > 0).map(([name, members]) => ({name, members})),
    rules: access.rules.map(({author: _author, ...rule}) => rule),
  }
}
