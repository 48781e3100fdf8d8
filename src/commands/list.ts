import {BaseCommand} from '../base-command.js'
import {openStore} from '../command-context.js'
import type {SecretSummary} from '../vault/secret-summary.js'
import {renderTable} from '../terminal/table.js'

export default class List extends BaseCommand {
  static summary = 'List secrets: names, scopes, descriptions, versions and rotation status, never values.'
  static examples = ['<%= config.bin %> list', '<%= config.bin %> list --json']

  async run(): Promise<SecretSummary[]> {
    const {flags} = await this.parse(List)
    const store = await openStore({env: this.env, cwd: process.cwd(), vaultFlag: flags.vault, warn: (m) => this.warning(m)})
    try {
      const secrets = store.list()
      if (!this.jsonEnabled()) this.log(secrets.length === 0 ? 'no secrets yet: add one with `secrets add NAME`' : table(secrets))
      return secrets
    } finally {
      store.close()
    }
  }
}

function table(secrets: SecretSummary[]): string {
  return renderTable(
    ['NAME', 'ENVIRONMENT', 'BRANCH', 'VERSION', 'UPDATED', 'ROTATION', 'FLAGS', 'DESCRIPTION'],
    secrets.map((s) => [
      s.name,
      s.environment,
      s.branch,
      String(s.version),
      s.updatedAt.slice(0, 16).replace('T', ' '),
      s.rotation ? `${s.rotation.status} (${s.rotation.dueAt.slice(0, 10)})` : '-',
      flagsOf(s),
      s.description ?? '',
    ]),
  )
}

function flagsOf(s: SecretSummary): string {
  const flags = [s.variable && (s.file ? 'file-variable' : 'variable'), s.protected && 'protected', s.ref].filter(Boolean)
  return flags.length === 0 ? '-' : flags.join(',')
}
