// What `enable` adds to a repository for git (attributes and drivers), and taking it out again.
import {execFileSync} from 'node:child_process'
import {existsSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {join, resolve} from 'node:path'

export const ATTRIBUTES_LINE = '.secrets/vault.db binary diff=secrets merge=secrets'
/** The git config sections `enable` sets: `diff.secrets.*` and `merge.secrets.*`. */
export const CONFIG_SECTIONS = ['diff.secrets', 'merge.secrets'] as const

/** The git config `enable` sets, for a command line that runs this installation of secrets. */
export function driverConfig(secrets: string): Record<string, string> {
  return {
    // A textconv driver is enough for `git diff`, `git log -p` and `git show` to diff the text;
    // no `diff.secrets.binary` (git ignores it when a textconv applies, and it would only
    // matter to a reader who has no textconv).
    'diff.secrets.textconv': `${secrets} diff-text`,
    'merge.secrets.name': 'secrets vault merge',
    // git expands %-placeholders in a merge driver (and `%%` to `%`), not in a textconv.
    'merge.secrets.driver': `${secrets.replaceAll('%', '%%')} merge-driver %O %A %B %P`,
  }
}

/**
 * How git's shell should start this installation: node and the absolute path of bin/run.js,
 * each quoted, since `secrets` may not be on PATH (`npx secrets`, `node bin/run.js`).
 */
export function secretsCommandLine(nodePath: string, runScript: string): string {
  return [nodePath, runScript].map(shellQuote).join(' ')
}

/** One word for a POSIX shell (git runs drivers with `sh -c`, Git for Windows too). */
export function shellQuote(word: string): string {
  return /^[\w@+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", "'\\''")}'`
}

export interface GitSetup {
  /** False when the vault is not `.secrets/vault.db` of this repository: git attributes name that path only. */
  installed: boolean
  attributesLineAdded: boolean
  /** The config keys that were missing or different, now set. */
  configChanged: string[]
}

/**
 * Adds the attributes line (keeping the rest of `.gitattributes`) and sets the drivers in the
 * repository's local config. Idempotent: a second call with the same command changes nothing.
 */
export function installGitIntegration(repoRoot: string, vaultPath: string, secrets: string): GitSetup {
  if (resolve(vaultPath) !== resolve(repoRoot, '.secrets', 'vault.db')) return {installed: false, attributesLineAdded: false, configChanged: []}
  const attributes = join(repoRoot, '.gitattributes')
  const text = existsSync(attributes) ? readFileSync(attributes, 'utf8') : ''
  const attributesLineAdded = !text.split(/\r?\n/).some((line) => line.trim() === ATTRIBUTES_LINE)
  if (attributesLineAdded) writeFileSync(attributes, `${text}${text === '' || text.endsWith('\n') ? '' : '\n'}${ATTRIBUTES_LINE}\n`)

  const configChanged: string[] = []
  for (const [key, value] of Object.entries(driverConfig(secrets))) {
    if (localConfig(repoRoot, key) === value) continue
    execFileSync('git', ['config', '--local', key, value], {cwd: repoRoot, stdio: 'ignore'})
    configChanged.push(key)
  }

  return {installed: true, attributesLineAdded, configChanged}
}

function localConfig(repoRoot: string, key: string): string | undefined {
  try {
    return execFileSync('git', ['config', '--local', '--get', key], {cwd: repoRoot, stdio: ['ignore', 'pipe', 'ignore']}).toString().replace(/\n$/, '')
  } catch {
    return undefined
  }
}

export interface GitCleanup {
  attributesLineRemoved: boolean
  configSectionsRemoved: string[]
}

/** Removes the attributes line and the config sections, leaving everything else as it was. */
export function removeGitIntegration(repoRoot: string): GitCleanup {
  const attributes = join(repoRoot, '.gitattributes')
  let attributesLineRemoved = false
  if (existsSync(attributes)) {
    const lines = readFileSync(attributes, 'utf8').split('\n')
    const kept = lines.filter((line) => line.trim() !== ATTRIBUTES_LINE)
    attributesLineRemoved = kept.length !== lines.length
    if (attributesLineRemoved) {
      const text = kept.join('\n')
      if (text.trim() === '') rmSync(attributes)
      else writeFileSync(attributes, text)
    }
  }

  const configSectionsRemoved: string[] = []
  for (const section of CONFIG_SECTIONS) {
    try {
      execFileSync('git', ['config', '--local', '--remove-section', section], {cwd: repoRoot, stdio: 'ignore'})
      configSectionsRemoved.push(section)
    } catch {
      // Not there: nothing to remove.
    }
  }

  return {attributesLineRemoved, configSectionsRemoved}
}
