// What `enable` adds to a repository for git (attributes and drivers), and taking it out again.
import {execFileSync} from 'node:child_process'
import {lstatSync, readFileSync, readlinkSync, realpathSync} from 'node:fs'
import {join, resolve} from 'node:path'

import {usage} from '../errors.js'
import {existsNoFollow, refuseSymlinks, removeInside, writeInside} from '../vault/repo-paths.js'

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
 * repository's own config file. Idempotent: a second call with the same command changes nothing.
 * Refuses (before writing anything) a `.gitattributes` or git config that is a symlink: a clone
 * can commit `.gitattributes` as one, pointing at any file of the user who runs `enable`.
 */
export function installGitIntegration(repoRoot: string, vaultPath: string, secrets: string): GitSetup {
  if (!isDefaultVault(repoRoot, vaultPath)) return {installed: false, attributesLineAdded: false, configChanged: []}
  const {attributes, configFile} = checkGitIntegration(repoRoot, vaultPath)!
  const text = existsNoFollow(attributes) ? readFileSync(attributes, 'utf8') : ''
  const attributesLineAdded = !text.split(/\r?\n/).some((line) => line.trim() === ATTRIBUTES_LINE)
  if (attributesLineAdded) writeInside(repoRoot, attributes, `${text}${text === '' || text.endsWith('\n') ? '' : '\n'}${ATTRIBUTES_LINE}\n`)

  const configChanged: string[] = []
  for (const [key, value] of Object.entries(driverConfig(secrets))) {
    if (configValue(repoRoot, configFile, key) === value) continue
    git(repoRoot, ['config', '--file', configFile, key, value])
    configChanged.push(key)
  }

  return {installed: true, attributesLineAdded, configChanged}
}

/**
 * Where `installGitIntegration`/`removeGitIntegration` would write, refusing (USAGE) a symlinked
 * `.gitattributes` or git config: `enable` and `disable` call it before they touch the vault, so a
 * refusal leaves everything as it was.
 */
export function checkGitIntegration(repoRoot: string, vaultPath: string): {attributes: string; configFile: string} | undefined {
  if (!isDefaultVault(repoRoot, vaultPath)) return undefined
  const attributes = join(repoRoot, '.gitattributes')
  refuseSymlinks(repoRoot, attributes, 'write')
  return {attributes, configFile: ownConfigFile(repoRoot)}
}

/** git attributes name `.secrets/vault.db` only: a vault elsewhere has no drivers of its own. */
export function isDefaultVault(repoRoot: string, vaultPath: string): boolean {
  return resolve(vaultPath) === resolve(repoRoot, '.secrets', 'vault.db')
}

/**
 * The config file of the repository at `repoRoot`, as git itself finds it from there (a
 * worktree's or a `--separate-git-dir` clone's `.git` file included: git uses that repository
 * for every command run here, and so do we). `.git` cannot come from a clone (git refuses the
 * name on checkout), but the environment can redirect git (GIT_DIR, GIT_CONFIG): it is ignored,
 * the work tree git sees must be `repoRoot`, and a config file that is a symlink is refused
 * (git would write through it).
 */
export function ownConfigFile(repoRoot: string): string {
  let topLevel: string | undefined
  let commonDir: string | undefined
  try {
    ;[topLevel, commonDir] = git(repoRoot, ['rev-parse', '--show-toplevel', '--git-common-dir']).split('\n')
  } catch {
    throw usage(`git cannot read the repository at ${repoRoot}`, `run \`git status\` there to see why`)
  }

  if (!topLevel || !commonDir || realpathSync(topLevel) !== realpathSync(repoRoot)) {
    throw usage(`refusing to write the git config: git sees ${topLevel ?? 'no work tree'} here, not ${repoRoot}`)
  }

  const file = join(resolve(repoRoot, commonDir), 'config')
  if (lstatSync(file, {throwIfNoEntry: false})?.isSymbolicLink()) {
    throw usage(`refusing to write the git config ${file}: it is a symlink (to ${readlinkSync(file)})`, 'make it a plain file again, then run the command again')
  }

  return file
}

/** git with none of the GIT_* variables that would point it at another repository or config file. */
function git(cwd: string, args: string[]): string {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('GIT_')))
  return execFileSync('git', args, {cwd, env, stdio: ['ignore', 'pipe', 'ignore']}).toString().replace(/\n$/, '')
}

function configValue(repoRoot: string, configFile: string, key: string): string | undefined {
  try {
    return git(repoRoot, ['config', '--file', configFile, '--get', key])
  } catch {
    return undefined
  }
}

export interface GitCleanup {
  attributesLineRemoved: boolean
  /** The sections left empty once the keys `enable` sets were taken out, then removed. */
  configSectionsRemoved: string[]
  /** The keys `enable` sets that were there and are gone. */
  configKeysRemoved: string[]
}

/**
 * Removes what `installGitIntegration` adds: the attributes line and the driver keys (a section
 * goes only when nothing else is left in it), leaving everything else as it was. Nothing for a
 * vault other than `.secrets/vault.db`: the attributes and drivers are that vault's.
 */
export function removeGitIntegration(repoRoot: string, vaultPath = join(repoRoot, '.secrets', 'vault.db')): GitCleanup {
  const cleanup: GitCleanup = {attributesLineRemoved: false, configSectionsRemoved: [], configKeysRemoved: []}
  if (!isDefaultVault(repoRoot, vaultPath)) return cleanup
  const {attributes, configFile} = checkGitIntegration(repoRoot, vaultPath)!
  if (existsNoFollow(attributes)) {
    const lines = readFileSync(attributes, 'utf8').split('\n')
    const kept = lines.filter((line) => line.trim() !== ATTRIBUTES_LINE)
    cleanup.attributesLineRemoved = kept.length !== lines.length
    if (cleanup.attributesLineRemoved) {
      const text = kept.join('\n')
      if (text.trim() === '') removeInside(repoRoot, attributes)
      else writeInside(repoRoot, attributes, text)
    }
  }

  for (const key of Object.keys(driverConfig(''))) {
    if (configValue(repoRoot, configFile, key) === undefined) continue
    git(repoRoot, ['config', '--file', configFile, '--unset-all', key])
    cleanup.configKeysRemoved.push(key)
  }

  for (const section of CONFIG_SECTIONS) {
    try {
      // A section that still holds a key of the user's stays; --get-regexp fails when none match.
      git(repoRoot, ['config', '--file', configFile, '--get-regexp', `^${section.replace('.', '\\.')}\\.`])
      continue
    } catch {
      // empty or absent
    }
    try {
      // Recent git drops a section with its last key; an older one leaves the empty header.
      git(repoRoot, ['config', '--file', configFile, '--remove-section', section])
    } catch {
      // already gone
    }
    if (cleanup.configKeysRemoved.some((key) => key.startsWith(`${section}.`))) cleanup.configSectionsRemoved.push(section)
  }

  return cleanup
}
