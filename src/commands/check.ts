import {BaseCommand} from '../base-command.js'
import {openStore} from '../command-context.js'
import {ExitCode} from '../errors.js'
import type {SecretSummary} from '../vault/secret-summary.js'

export default class Check extends BaseCommand {
  static summary = 'Fail (listing them) when any secret is overdue for rotation: a step for CI.'
  static examples = ['<%= config.bin %> check', 'SECRETS_NOW=2027-01-01T00:00:00Z <%= config.bin %> check --json']

  async run(): Promise<{ok: boolean; overdue: SecretSummary[]; approaching: SecretSummary[]}> {
    const {flags} = await this.parse(Check)
    const store = await openStore(this.context(flags.vault))
    let secrets: SecretSummary[]
    try {
      secrets = store.list()
    } finally {
      store.close()
    }

    const overdue = secrets.filter((s) => s.rotation?.status === 'OVERDUE')
    const approaching = secrets.filter((s) => s.rotation?.status === 'APPROACHING')
    const result = {ok: overdue.length === 0, overdue, approaching}
    for (const s of approaching) this.say(`approaching: ${s.name} (environment ${s.environment}, branch ${s.branch}) is due on ${s.rotation!.dueAt.slice(0, 10)}`)
    if (overdue.length === 0) {
      this.say(`ok: no secret is overdue for rotation (${secrets.length} checked)`)
      return result
    }

    for (const s of overdue) this.say(`overdue: ${s.name} (environment ${s.environment}, branch ${s.branch}) was due on ${s.rotation!.dueAt.slice(0, 10)}`)
    this.say(`hint: rotate them with \`secrets rotate NAME\``)
    if (this.jsonEnabled()) this.logJson(result)
    this.exit(ExitCode.CHECK_FAILED)
    return result
  }
}
