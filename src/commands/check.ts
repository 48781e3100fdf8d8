import {BaseCommand} from '../base-command.js'
import {openStore} from '../command-context.js'
import {ExitCode} from '../errors.js'
import type {SecretSummary} from '../vault/secrets/summary.js'

export default class Check extends BaseCommand {
  static summary = 'Fail (listing them) when any secret is overdue for rotation or exposed: a step for CI.'
  static examples = ['<%= config.bin %> check', 'SECRETS_NOW=2027-01-01T00:00:00Z <%= config.bin %> check --json']

  async run(): Promise<{ok: boolean; overdue: SecretSummary[]; exposed: SecretSummary[]; approaching: SecretSummary[]}> {
    const {flags} = await this.parse(Check)
    const store = await openStore({...this.context(flags.vault), readsOnly: true})
    let secrets: SecretSummary[]
    try {
      secrets = store.list()
    } finally {
      store.close()
    }

    const overdue = secrets.filter((s) => s.rotation?.status === 'OVERDUE')
    const approaching = secrets.filter((s) => s.rotation?.status === 'APPROACHING')
    const exposed = secrets.filter((s) => s.exposed)
    const result = {ok: overdue.length === 0 && exposed.length === 0, overdue, exposed, approaching}
    for (const s of approaching) this.say(`approaching: ${s.name} (environment ${s.environment}, branch ${s.branch}) is due on ${s.rotation!.dueAt.slice(0, 10)}`)
    if (result.ok) {
      this.say(`ok: no secret is overdue for rotation or exposed (${secrets.length} checked)`)
      return result
    }

    for (const s of exposed) this.say(`exposed: ${s.name} (environment ${s.environment}, branch ${s.branch}) can be read by ${s.exposedTo.length > 0 ? `${s.exposedTo.join(', ')}, who may no longer read it` : 'someone who may no longer read it (marked)'}`)
    for (const s of overdue) this.say(`overdue: ${s.name} (environment ${s.environment}, branch ${s.branch}) was due on ${s.rotation!.dueAt.slice(0, 10)}`)
    this.say(`hint: rotate them with \`secrets rotate NAME\``)
    if (this.jsonEnabled()) this.logJson(result)
    this.exit(ExitCode.CHECK_FAILED)
    return result
  }
}
