// What `enable` installs for git, and `disable` takes out: idempotent, keeping what was there.
import {execFileSync} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {ATTRIBUTES_LINE, driverConfig, installGitIntegration, removeGitIntegration, secretsCommandLine, shellQuote} from '../../src/git/integration.js'

let dir: string
const git = (...args: string[]) => execFileSync('git', args, {cwd: dir, encoding: 'utf8'})
const config = (key: string) => {
  try {
    return git('config', '--local', '--get', key).replace(/\n$/, '')
  } catch {
    return undefined
  }
}

const COMMAND = secretsCommandLine('/opt/node 20/bin/node', "/home/o'brien/secrets/bin/run.js")

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'secrets-git-'))
  git('init', '-q')
})

afterEach(() => rmSync(dir, {recursive: true, force: true}))

describe('installGitIntegration', () => {
  it('adds the attributes line and the drivers, and a second run changes nothing', () => {
    writeFileSync(join(dir, '.gitattributes'), '*.png binary')
    const vault = join(dir, '.secrets', 'vault.db')

    const first = installGitIntegration(dir, vault, COMMAND)
    expect(first).toEqual({installed: true, attributesLineAdded: true, configChanged: ['diff.secrets.textconv', 'merge.secrets.name', 'merge.secrets.driver']})
    expect(readFileSync(join(dir, '.gitattributes'), 'utf8')).toBe(`*.png binary\n${ATTRIBUTES_LINE}\n`)
    expect(config('diff.secrets.textconv')).toBe(`'/opt/node 20/bin/node' '/home/o'\\''brien/secrets/bin/run.js' diff-text`)
    expect(config('merge.secrets.name')).toBe('secrets vault merge')
    expect(config('merge.secrets.driver')).toBe(`'/opt/node 20/bin/node' '/home/o'\\''brien/secrets/bin/run.js' merge-driver %O %A %B %P`)
    expect(config('diff.secrets.binary')).toBeUndefined()
    expect(git('check-attr', 'diff', 'merge', 'text', '--', '.secrets/vault.db')).toBe(
      '.secrets/vault.db: diff: secrets\n.secrets/vault.db: merge: secrets\n.secrets/vault.db: text: unset\n',
    )

    const before = readFileSync(join(dir, '.git', 'config'), 'utf8')
    expect(installGitIntegration(dir, vault, COMMAND)).toEqual({installed: true, attributesLineAdded: false, configChanged: []})
    expect(readFileSync(join(dir, '.gitattributes'), 'utf8')).toBe(`*.png binary\n${ATTRIBUTES_LINE}\n`)
    expect(readFileSync(join(dir, '.git', 'config'), 'utf8')).toBe(before)
  })

  it('creates .gitattributes when there is none', () => {
    installGitIntegration(dir, join(dir, '.secrets', 'vault.db'), 'secrets')
    expect(readFileSync(join(dir, '.gitattributes'), 'utf8')).toBe(`${ATTRIBUTES_LINE}\n`)
  })

  it('installs nothing for a vault somewhere else (the attributes name .secrets/vault.db)', () => {
    expect(installGitIntegration(dir, join(dir, 'elsewhere.db'), 'secrets')).toEqual({installed: false, attributesLineAdded: false, configChanged: []})
    expect(config('merge.secrets.driver')).toBeUndefined()
  })

  it('is taken out again by removeGitIntegration, leaving the rest', () => {
    writeFileSync(join(dir, '.gitattributes'), '*.png binary\n')
    git('config', 'core.autocrlf', 'false')
    installGitIntegration(dir, join(dir, '.secrets', 'vault.db'), COMMAND)
    expect(removeGitIntegration(dir)).toEqual({
      attributesLineRemoved: true,
      configSectionsRemoved: ['diff.secrets', 'merge.secrets'],
      configKeysRemoved: ['diff.secrets.textconv', 'merge.secrets.name', 'merge.secrets.driver'],
    })
    expect(readFileSync(join(dir, '.gitattributes'), 'utf8')).toBe('*.png binary\n')
    expect(config('diff.secrets.textconv')).toBeUndefined()
    expect(config('merge.secrets.name')).toBeUndefined()
    expect(config('core.autocrlf')).toBe('false')
  })

  it("keeps a key of the user's in the drivers' sections (only enable's keys go)", () => {
    installGitIntegration(dir, join(dir, '.secrets', 'vault.db'), COMMAND)
    git('config', 'diff.secrets.cachetextconv', 'true')
    expect(removeGitIntegration(dir).configSectionsRemoved).toEqual(['merge.secrets'])
    expect(config('diff.secrets.cachetextconv')).toBe('true')
    expect(config('diff.secrets.textconv')).toBeUndefined()
  })

  it('takes nothing out for a vault other than .secrets/vault.db (the attributes and drivers are not its)', () => {
    installGitIntegration(dir, join(dir, '.secrets', 'vault.db'), COMMAND)
    expect(removeGitIntegration(dir, join(dir, '.secrets', 'staging.db'))).toEqual({attributesLineRemoved: false, configSectionsRemoved: [], configKeysRemoved: []})
    expect(readFileSync(join(dir, '.gitattributes'), 'utf8')).toBe(`${ATTRIBUTES_LINE}\n`)
    expect(config('merge.secrets.driver')).toBeDefined()
  })
})

describe('command lines for git', () => {
  it('quotes words for sh only when needed', () => {
    expect(shellQuote('/usr/bin/node')).toBe('/usr/bin/node')
    expect(shellQuote('C:\\Program Files\\nodejs\\node.exe')).toBe("'C:\\Program Files\\nodejs\\node.exe'")
    expect(shellQuote("it's")).toBe("'it'\\''s'")
    expect(shellQuote('$HOME')).toBe("'$HOME'")
  })

  it('escapes % in the merge driver (git expands it there) but not in the textconv', () => {
    const cfg = driverConfig("'/tmp/100%/node' run.js")
    expect(cfg['merge.secrets.driver']).toBe("'/tmp/100%%/node' run.js merge-driver %O %A %B %P")
    expect(cfg['diff.secrets.textconv']).toBe("'/tmp/100%/node' run.js diff-text")
  })

  it('runs through sh as one command with the quoted words intact', () => {
    const echo = secretsCommandLine('printf', "%s|a b|it's|$HOME")
    expect(execFileSync('sh', ['-c', echo], {encoding: 'utf8'})).toBe("|a b|it's|$HOME")
  })
})
