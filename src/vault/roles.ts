// GitLab's levels and what each may do with secrets until rules (permit) say otherwise.
import type {Role} from './records.js'

export type Action = 'read' | 'create' | 'update' | 'delete'

const ROLE_ACTIONS: Record<Role, readonly Action[]> = {
  owner: ['read', 'create', 'update', 'delete'],
  maintainer: ['read', 'create', 'update', 'delete'],
  developer: ['read', 'create', 'update'],
  reporter: ['read'],
}

export function roleAllows(role: Role, action: Action): boolean {
  return ROLE_ACTIONS[role].includes(action)
}
