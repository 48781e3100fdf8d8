import {Flags} from '@oclif/core'
import chalk from 'chalk'

import {BaseCommand} from '../base-command.js'
import {openStore} from '../command-context.js'
import type {HistoryEntry} from '../vault/secrets/history.js'
import type {RotationStatus, SecretSummary} from '../vault/secrets/summary.js'
import {renderTable} from '../terminal/table.js'

export default class List extends BaseCommand {
  static summary = 'List secrets: names, scopes, descriptions, versions and rotation status, never values.'
  static examples = ['<%= config.bin %> list', '<%= config.bin %> list --json', '<%= config.bin %> list --history DB_PASSWORD']

  static flags = {
    history: Flags.string({summary: "One secret's versions: number, time and author (never values)."}),
    environment: Flags.string({summary: 'With --history: the exact environment scope, when the name has several.', dependsOn: ['history']}),
    branch: Flags.string({summary: 'With --history: the exact branch scope, when the name has several.', dependsOn: ['history']}),
  }

  async run(): Promise<SecretSummary[] | {secret: SecretSummary; versions: HistoryEntry[]}> {
    const {flags} = await this.parse(List)
    const store = await openStore({...this.context(flags.vault), readsOnly: true})
    try {
      if (flags.history !== undefined) {
        const history = store.history({name: flags.history, environment: flags.environment, branch: flags.branch})
        if (!this.jsonEnabled()) this.log(historyTable(history.secret, history.versions))
        return history
      }

      const secrets = store.list()
      if (!this.jsonEnabled()) this.log(secrets.length === 0 ? 'no secrets yet: add one with `secrets add NAME`' : table(secrets))
      return secrets
    } finally {
      store.close()
    }
  }
}

const STATUS_COLOUR: Record<RotationStatus, (text: string) => string> = {
  OK: chalk.green,
  APPROACHING: chalk.yellow,
  OVERDUE: chalk.red.bold,
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
  ).replace(/\b(OK|APPROACHING|OVERDUE) \(/g, (match, status: RotationStatus) => `${STATUS_COLOUR[status](status)} (`)
}

function historyTable(secret: SecretSummary, versions: HistoryEntry[]): string {
  const title = `${secret.name} (environment ${secret.environment}, branch ${secret.branch})`
  const rows = versions.map((v) => [String(v.version), v.createdAt.replace('T', ' ').replace(/\.\d+Z$/, 'Z'), v.author, [v.current && 'current', v.concurrent && 'written concurrently (CONFLICT)'].filter(Boolean).join(', ')])
  return `${title}\n${renderTable(['VERSION', 'CREATED', 'AUTHOR', ''], rows)}`
}

function flagsOf(s: SecretSummary): string {
  const flags = [s.conflict && 'CONFLICT', s.exposed && 'EXPOSED', s.variable && (s.file ? 'file-variable' : 'variable'), s.protected && 'protected', s.ref].filter(Boolean)
  return flags.length === 0 ? '-' : flags.join(',')
}
