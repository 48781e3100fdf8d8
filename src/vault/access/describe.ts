// How people read an operation: one line, names not ids, never a value.
import {describeScope} from '../../scope.js'
import {type Operation, shortId} from '../store/operations.js'

export function summarizeOp(op: Operation, nameOf: (member: string | null) => string): string {
  const data = op.data
  if (!data) return `${op.kind} (malformed)`
  switch (data.kind) {
    case 'vault.create':
      return `created the vault with ${data.member.name} as owner`
    case 'member.add':
      return `added ${data.member.name} as ${data.member.role}${data.member.kind === 'machine' ? ` (limited to ${describeScope(data.member)})` : ''}`
    case 'member.revoke':
      return `revoked ${nameOf(data.member)}`
    case 'rule.set':
      return data.actions.length === 0
        ? `removed the rule for ${data.principal} in ${describeScope(data)}`
        : `let ${data.principal} ${data.actions.join(',')} in ${describeScope(data)}`
    case 'group.set':
      return `set group ${data.group} to ${data.members.length === 0 ? 'nobody' : data.members.join(', ')}`
    case 'setting.set':
      return `set protected branches to ${data.value.length === 0 ? 'none' : data.value.join(', ')}`
    case 'key.add':
      return `made a key for ${describeScope(data)}, sealed to ${names(data.sealed.map((s) => s.member), nameOf)}`
    case 'key.share':
      return `shared key ${shortId(data.key)} with ${names(data.sealed.map((s) => s.member), nameOf)}`
    case 'secret.set': {
      const origin = data.origin ? ` (carried over from format 1: written by ${data.origin.author} at ${data.origin.at})` : ''
      return `set ${data.name} (${describeScope(data)})${data.variable ? ` as a ${data.file ? 'file ' : ''}variable` : ''}${origin}`
    }
    case 'secret.remove':
      return `removed ${data.name} (${describeScope(data)})`
    case 'secret.expose':
      return `marked ${data.name} (${describeScope(data)}) version ${shortId(data.version)} exposed`
  }
}

/** `set DB_PASSWORD (environment production, branch *), by user:bob`. */
export function describeOpText(op: Operation, nameOf: (member: string | null) => string): string {
  return `${summarizeOp(op, nameOf)}, by ${op.author === null ? (op.data?.kind === 'vault.create' ? op.data.member.name : 'nobody') : nameOf(op.author)}`
}

/** `3fa2c1e0b9d4 (set DB_PASSWORD (environment production, branch *), by user:bob)`. */
export function describeOp(op: Operation, nameOf: (member: string | null) => string): string {
  return `${shortId(op.id)} (${describeOpText(op, nameOf)})`
}

function names(ids: string[], nameOf: (member: string | null) => string): string {
  return ids.length === 0 ? 'nobody' : [...new Set(ids.map(nameOf))].sort().join(', ')
}
