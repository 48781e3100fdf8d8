import {Args, Flags} from '@oclif/core'

import {BaseCommand} from '../base-command.js'
import {openAdmin} from '../command-context.js'
import {renderTable} from '../terminal/table.js'
import type {AccessView} from '../vault/members/access-view.js'
import type {PermitResult} from '../vault/members/permit.js'
import {ROLES, type Role, parseActions, parsePrincipal} from '../vault/validate.js'

export default class Permit extends BaseCommand {
  static summary = 'Show or change who may read, create, update and delete secrets (members, groups, roles, machines).'
  static description =
    'Without an argument: members, groups and rules. Owners manage access; maintainers may view it. read is enforced by cryptography (only readers get the sealed keys); revoking read re-keys the vault and marks what the lost reader could decrypt as exposed.'

  static examples = [
    '<%= config.bin %> permit',
    '<%= config.bin %> permit user:bob --recipient secrets1… --role developer --scopes read,create',
    '<%= config.bin %> permit group:ops --members alice,bob --scopes read,update --environment production',
    '<%= config.bin %> permit role:reporter --scopes read',
    '<%= config.bin %> permit machine:ci --scopes read --environment production --branch main',
    '<%= config.bin %> permit user:bob --revoke',
  ]

  static args = {
    principal: Args.string({ignoreStdin: true, description: 'user:NAME, machine:NAME, group:NAME or role:ROLE'}),
  }

  static flags = {
    recipient: Flags.string({summary: "A new member's recipient (their `secrets identity`)."}),
    role: Flags.string({summary: "A new member's role.", options: [...ROLES]}),
    scopes: Flags.string({summary: 'Allowed actions: read, create, update, delete (comma-separated).'}),
    members: Flags.string({summary: "A group's members (comma-separated names)."}),
    environment: Flags.string({summary: 'Limit the rule (and a machine) to this environment pattern.', default: '*'}),
    branch: Flags.string({summary: 'Limit the rule (and a machine) to this branch pattern.', default: '*'}),
    revoke: Flags.boolean({summary: 'Take access away (re-keys the vault when read is lost).'}),
  }

  async run(): Promise<AccessView | PermitResult> {
    const {args, flags} = await this.parse(Permit)
    const store = await openAdmin(this.context(flags.vault))
    try {
      if (!args.principal) {
        const view = store.access()
        if (!this.jsonEnabled()) this.log(renderAccess(view))
        return view
      }

      const result = store.permit({
        principal: parsePrincipal(args.principal),
        recipient: flags.recipient,
        role: flags.role as Role | undefined,
        actions: flags.scopes === undefined ? undefined : parseActions(flags.scopes),
        members: flags.members?.split(',').map((m) => m.trim()).filter(Boolean),
        environment: flags.environment,
        branch: flags.branch,
        revoke: flags.revoke === true,
      })
      this.say(`${result.action} ${result.principal}`)
      if (result.rekeyed) this.say('made new keys for the scopes they could read: values written from now on are out of their reach')
      if (result.unshareable.length > 0) {
        this.warning(`${result.unshareable.length} key(s) could not be shared with new readers: the copy sealed to you does not open to its commitment (${result.unshareable.map((id) => id.slice(0, 12)).join(', ')}; see \`secrets log\`)`)
      }

      if (result.exposed.length > 0) this.say(`exposed until rotated: ${result.exposed.join(', ')} (\`secrets rotate NAME\`)`)
      if (result.identity) {
        this.say('the machine identity below is shown once: put it into a masked, protected CI/CD variable named SECRETS_IDENTITY')
        if (!this.jsonEnabled()) process.stdout.write(`${result.identity}\n`)
      }

      return result
    } finally {
      store.close()
    }
  }
}

function renderAccess(view: AccessView): string {
  const members = renderTable(
    ['MEMBER', 'KIND', 'ROLE', 'FINGERPRINT', 'LIMITS', 'STATUS'],
    view.members.map((m) => [m.name, m.kind, m.role, m.fingerprint, `${m.environment} / ${m.branch}`, m.revoked ? 'revoked' : 'active']),
  )
  const groups = view.groups.length === 0 ? 'no groups' : renderTable(['GROUP', 'MEMBERS'], view.groups.map((g) => [g.name, g.members.join(', ')]))
  const rules =
    view.rules.length === 0
      ? 'no rules (owners may do everything)'
      : renderTable(['PRINCIPAL', 'ACTIONS', 'ENVIRONMENT', 'BRANCH'], view.rules.map((r) => [r.principal, r.actions.join(','), r.environment, r.branch]))
  const branches = `protected branches: ${view.protectedBranches.length === 0 ? 'none' : view.protectedBranches.join(', ')}`
  return `${members}\n\n${groups}\n\n${rules}\n\n${branches}`
}
