// What `enable` adds to a repository for git (attributes and drivers), and taking it out again.
import {execFileSync} from 'node:child_process'
import {existsSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

export const ATTRIBUTES_LINE = '.secrets/vault.db binary diff=secrets merge=secrets'
/** The git config sections `enable` sets: `diff.secrets.*` and `merge.secrets.*`. */
export const CONFIG_SECTIONS = ['diff.secrets', 'merge.secrets'] as const

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
