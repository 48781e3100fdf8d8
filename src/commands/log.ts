import {BaseCommand} from '../base-command.js'
import {openAdmin} from '../command-context.js'
import type {LogView} from '../vault/access/log.js'
import {shortId} from '../vault/store/operations.js'

export default class Log extends BaseCommand {
  static summary = 'Show the vault\'s history: who did what, in causal order, and what does not count and why.'
  static description =
    'Every change to the vault is a signed operation naming the operations before it. The last lines give the current heads; CI can pin one with SECRETS_TRUST, so a vault rolled back below it is refused there. Needs no identity; never shows a value.'

  static examples = ['<%= config.bin %> log', '<%= config.bin %> log --json', 'SECRETS_TRUST=$(<%= config.bin %> log --json | jq -r \'.heads | join(",")\')']

  async run(): Promise<LogView> {
    const {flags} = await this.parse(Log)
    const admin = await openAdmin(this.context(flags.vault))
    try {
      const view = admin.log()
      if (!this.jsonEnabled()) this.log(render(view).join('\n'))
      return view
    } finally {
      admin.close()
    }
  }
}

function render(view: LogView): string[] {
  const lines = view.entries.map((e) => {
    const merge = e.parents.length > 1 ? ` (merging ${e.parents.map(shortId).join(', ')})` : ''
    const status = e.valid ? '' : `  VOID: ${e.reason}`
    return `${shortId(e.id)}  ${e.at.replace('T', ' ').replace(/\.\d+Z$/, 'Z')}  ${e.author}  ${e.summary}${merge}${status}`
  })
  return [...lines, '', `heads: ${view.heads.map(shortId).join(' ')}`, `checkpoint for CI: SECRETS_TRUST=${view.heads.join(',')}`]
}
