import {readFileSync} from 'node:fs'

import {Args, Flags} from '@oclif/core'

import {BaseCommand} from '../base-command.js'
import {openStore} from '../command-context.js'
import {SecretsError, usage} from '../errors.js'
import type {ImportedSecret} from '../formats/imported-secret.js'
import {progressBar} from '../terminal/progress.js'
import type {ImportResult} from '../vault/secrets/import.js'

export default class Import extends BaseCommand {
  static summary = 'Import secrets from a .env file or GitLab CI/CD variables JSON, all or nothing.'
  static description =
    'dotenv entries become plain secrets (scope */*). GitLab variables (the list GET /projects/:id/variables returns) become --variable secrets with their environment scope, protection, description and file type. A secret that exists (same name and scope) is skipped unless --overwrite. FILE - or no FILE reads stdin.'

  static examples = [
    '<%= config.bin %> import .env --format dotenv --dry-run',
    '<%= config.bin %> import variables.json --format gitlab --overwrite',
    '<%= config.bin %> export --format dotenv | <%= config.bin %> import --format dotenv --vault other/.secrets/vault.db',
  ]

  static args = {
    file: Args.string({ignoreStdin: true, description: 'The file to import; - or nothing for stdin.'}),
  }

  static flags = {
    format: Flags.string({summary: 'The file format.', options: ['dotenv', 'gitlab'], required: true}),
    'dry-run': Flags.boolean({summary: 'Show what would be added, skipped or overwritten; write nothing.'}),
    overwrite: Flags.boolean({summary: 'Give existing secrets the imported value as a new version.'}),
  }

  async run(): Promise<ImportResult> {
    const {args, flags} = await this.parse(Import)
    const text = await readText(args.file)
    // The parsers are loaded only by the format in use.
    const records: ImportedSecret[] =
      flags.format === 'gitlab'
        ? (await import('../formats/gitlab-variables.js')).parseGitlabVariables(text)
        : (await import('../formats/dotenv.js')).parseDotenv(text)
    if (records.length === 0) throw usage(`no secrets in ${args.file ?? 'stdin'}`)

    const started = performance.now()
    const reading = progressBar(process.stderr, 'reading the vault', {since: started})
    const store = await openStore({...this.context(flags.vault), onLoad: reading.update})
    try {
      reading.done()
      const bar = progressBar(process.stderr, 'importing', {since: started})
      const result = store.import(records, {overwrite: flags.overwrite === true, dryRun: flags['dry-run'] === true, metadata: flags.format === 'gitlab', onProgress: bar.update})
      bar.done()
      if (flags['dry-run']) for (const s of result.secrets) this.say(`would ${s.action} ${s.name} (environment ${s.environment}, branch ${s.branch})`)
      this.say(
        `${flags['dry-run'] ? 'dry run: would import' : 'imported'}: ${result.added} added, ${result.skipped} skipped (already there${flags.overwrite ? '' : '; --overwrite replaces them'}), ${result.overwritten} overwritten`,
      )
      return result
    } finally {
      store.close()
    }
  }
}

/** The file's text, strictly UTF-8: a file in another encoding would import mangled values. */
async function readText(file: string | undefined): Promise<string> {
  let bytes: Buffer
  try {
    bytes = file === undefined || file === '-' ? await readStdin() : readFileSync(file)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    throw new SecretsError(code === 'ENOENT' ? 'NOT_FOUND' : 'ERROR', `cannot read ${file ?? 'stdin'}: ${code === 'ENOENT' ? 'no such file' : (code ?? 'error').toLowerCase()}`)
  }

  try {
    return new TextDecoder('utf-8', {fatal: true}).decode(bytes)
  } catch {
    throw usage(`${file ?? 'stdin'} is not UTF-8 text`)
  }
}

async function readStdin(): Promise<Buffer> {
  if (process.stdin.isTTY) throw usage('no FILE given and stdin is a terminal', 'secrets import FILE --format dotenv, or pipe the file in')
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}
