// A cloned repository is input: whoever pushed to it chose every path in it, symlinks included.
// `enable` and `disable`, run by a new user in a fresh clone, must never write or delete through
// a committed symlink (another project's vault, a shell profile, a git config): they refuse
// with the path named, exit USAGE, and touch nothing. `disable` removes only what `enable` made.
import {existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync, unlinkSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {ExitCode} from '../../src/errors.js'
import {type Person, TempRepo, git} from '../helpers/cli.js'

let repo: TempRepo
let attacker: Person
let victim: Person
/** Files of the victim's outside the clone, and their bytes before the clone's commands ran. */
let outside: string
let snapshot: Map<string, Buffer>

beforeEach(() => {
  repo = new TempRepo()
  attacker = repo.person('mallory')
  victim = repo.person('victim')
  outside = join(repo.root, 'outside')
  mkdirSync(join(outside, 'other-project', '.secrets'), {recursive: true})
  writeFileSync(join(outside, 'bashrc'), 'export PS1="$ "\n')
  writeFileSync(join(outside, 'other-project', '.secrets', '.gitignore'), '# the other project\n')
  writeFileSync(join(outside, 'other-project', '.secrets', 'config.yml'), 'max_value_bytes: 100\n')
})

afterEach(() => repo.cleanup())

function takeSnapshot(): void {
  snapshot = new Map()
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, {withFileTypes: true})) {
      const path = join(dir, entry.name)
      if (entry.isDirectory()) walk(path)
      else snapshot.set(path, readFileSync(path))
    }
  }
  walk(outside)
}

/** Every file outside the clone is still there, byte for byte, and none was added. */
async function expectOutsideUntouched(): Promise<void> {
  const now = new Map<string, Buffer>()
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, {withFileTypes: true})) {
      const path = join(dir, entry.name)
      if (entry.isDirectory()) walk(path)
      else now.set(path, readFileSync(path))
    }
  }
  walk(outside)
  expect([...now.keys()].sort()).toEqual([...snapshot.keys()].sort())
  for (const [path, bytes] of snapshot) expect(now.get(path)?.equals(bytes), path).toBe(true)
}

/** The attacker commits `files` (a value `{link: target}` is a symlink), the victim clones. */
async function hostileClone(files: Record<string, string | {link: string}>): Promise<string> {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(repo.dir, path, '..'), {recursive: true})
    if (typeof content === 'string') writeFileSync(join(repo.dir, path), content)
    else {
      rmSync(join(repo.dir, path), {force: true})
      symlinkSync(content.link, join(repo.dir, path))
    }
  }
  await git(repo.dir, 'add', '-A')
  await git(repo.dir, 'commit', '-q', '-m', 'innocent')
  const clone = join(repo.root, 'clone')
  await git(repo.root, 'clone', '-q', repo.dir, clone)
  for (const [path, content] of Object.entries(files)) if (typeof content !== 'string') expect(lstatSync(join(clone, path)).isSymbolicLink()).toBe(true)
  takeSnapshot()
  return clone
}

async function gitConfigOf(dir: string): Promise<string> {
  return readFileSync(join(dir, '.git', 'config'), 'utf8')
}

describe('enable in a hostile clone', () => {
  it('refuses a .gitattributes that is a symlink out of the repository, writing nothing', async () => {
    const target = join(outside, 'bashrc')
    const clone = await hostileClone({'.gitattributes': {link: target}})
    const config = await gitConfigOf(clone)

    const result = await repo.run(victim, ['enable'], {cwd: clone})

    expect(result.code).toBe(ExitCode.USAGE)
    expect(result.stderr.split('\n')[0]).toBe(`error: refusing to write .gitattributes: it is a symlink (to ${target})`)
    await expectOutsideUntouched()
    expect(existsSync(join(clone, '.secrets'))).toBe(false)
    expect(await gitConfigOf(clone)).toBe(config)
  })

  it('refuses a .secrets directory that is a symlink to another project', async () => {
    const target = join(outside, 'other-project', '.secrets')
    const clone = await hostileClone({'.secrets': {link: target}})

    const result = await repo.run(victim, ['enable'], {cwd: clone})

    expect(result.code).toBe(ExitCode.USAGE)
    expect(result.stderr.split('\n')[0]).toBe(`error: refusing to write .secrets/vault.db: .secrets is a symlink (to ${target})`)
    await expectOutsideUntouched()
  })

  it.each([
    ['.secrets/.gitignore', 'bashrc'],
    ['.secrets/vault.db-journal', 'bashrc'],
    ['.secrets/vault.db', 'other-project/.secrets/vault.db'], // dangling: SQLite would create it there
  ])('refuses %s committed as a symlink', async (path, to) => {
    const target = join(outside, to)
    const clone = await hostileClone({[path]: {link: target}, '.secrets/README': 'team notes\n'})

    const result = await repo.run(victim, ['enable'], {cwd: clone})

    expect(result.code).toBe(ExitCode.USAGE)
    expect(result.stderr.split('\n')[0]).toBe(`error: refusing to write ${path}: it is a symlink (to ${target})`)
    await expectOutsideUntouched()
    expect(readdirSync(join(clone, '.secrets')).sort()).toEqual([path.split('/')[1], 'README'].sort())
  })

  it("refuses a git config that is a symlink (git would write through it): the drivers go to the clone's own config or nowhere", async () => {
    // Another repository's config (valid, so that git itself still runs).
    const target = join(outside, 'other.gitconfig')
    writeFileSync(target, '[core]\n\trepositoryformatversion = 0\n\tbare = false\n')
    const clone = await hostileClone({'README.md': 'hello\n'})
    unlinkSync(join(clone, '.git', 'config'))
    symlinkSync(target, join(clone, '.git', 'config'))

    const result = await repo.run(victim, ['enable'], {cwd: clone})

    expect(result.code).toBe(ExitCode.USAGE)
    expect(result.stderr.split('\n')[0]).toBe(`error: refusing to write the git config ${join(clone, '.git', 'config')}: it is a symlink (to ${target})`)
    await expectOutsideUntouched()
    expect(existsSync(join(clone, '.secrets'))).toBe(false)
  })
})

describe('disable in a hostile clone', () => {
  it('refuses to delete through a .secrets symlink to another project’s vault', async () => {
    // The other project is real: enabled by the victim, its vault and .gitignore theirs.
    const other = join(outside, 'other-project')
    await git(other, 'init', '-q')
    expect((await repo.run(victim, ['enable'], {cwd: other})).code).toBe(0)
    const clone = await hostileClone({'.secrets': {link: join(other, '.secrets')}})

    const result = await repo.run(victim, ['disable', '--force'], {cwd: clone})

    expect(result.code).toBe(ExitCode.USAGE)
    expect(result.stderr.split('\n')[0]).toBe(`error: refusing to delete .secrets/vault.db: .secrets is a symlink (to ${join(other, '.secrets')})`)
    await expectOutsideUntouched()
  })

  it('refuses to rewrite a .gitattributes symlink, before deleting anything', async () => {
    const target = join(outside, 'bashrc')
    writeFileSync(target, '.secrets/vault.db binary diff=secrets merge=secrets\nexport PS1="$ "\n')
    await repo.run(attacker, ['enable'])
    const clone = await hostileClone({'.gitattributes': {link: target}})
    const vault = readFileSync(join(clone, '.secrets', 'vault.db'))

    const result = await repo.run(victim, ['disable', '--force'], {cwd: clone})

    expect(result.code).toBe(ExitCode.USAGE)
    expect(result.stderr.split('\n')[0]).toBe(`error: refusing to write .gitattributes: it is a symlink (to ${target})`)
    await expectOutsideUntouched()
    expect(readFileSync(join(clone, '.secrets', 'vault.db')).equals(vault)).toBe(true)
  })
})

describe('writing commands in a hostile clone', () => {
  it('refuse a vault journal committed as a symlink, leaving its target alone', async () => {
    // A real vault, committed by its owner; the attacker adds symlinks beside it.
    const owner = repo.person('owner')
    expect((await repo.run(owner, ['enable'])).code).toBe(0)
    const target = join(outside, 'bashrc')
    // .secrets/.gitignore ignores journals: the attacker forces it in (git add -f).
    symlinkSync(target, join(repo.dir, '.secrets', 'vault.db-journal'))
    await git(repo.dir, 'add', '-A')
    await git(repo.dir, 'add', '-f', '.secrets/vault.db-journal')
    await git(repo.dir, 'commit', '-q', '-m', 'innocent')
    const clone = join(repo.root, 'clone')
    await git(repo.root, 'clone', '-q', repo.dir, clone)
    expect(lstatSync(join(clone, '.secrets', 'vault.db-journal')).isSymbolicLink()).toBe(true)
    takeSnapshot()
    const result = await repo.run(owner, ['add', 'X'], {cwd: clone, input: 'x-value-1234'})
    expect(result.code).toBe(ExitCode.USAGE)
    expect(result.stderr.split('\n')[0]).toBe(`error: refusing to open ${join(clone, '.secrets', 'vault.db-journal')}: it is a symlink`)
    await expectOutsideUntouched()
  })
})

describe('disable removes only what enable created, and says what it did', () => {
  it('lists what it removed, and keeps a config.yml and a changed .gitignore, saying why', async () => {
    expect((await repo.run(victim, ['enable'])).code).toBe(0)
    writeFileSync(join(repo.dir, '.secrets', 'config.yml'), 'max_value_bytes: 5000\n')
    writeFileSync(join(repo.dir, '.secrets', '.gitignore'), `${readFileSync(join(repo.dir, '.secrets', '.gitignore'), 'utf8')}local.txt\n`)

    const result = await repo.run(victim, ['disable', '--force'])

    expect(result.code).toBe(0)
    expect(result.stderr).toContain('removed the secrets line from .gitattributes\n')
    expect(result.stderr).toContain("removed diff.secrets.textconv, merge.secrets.name, merge.secrets.driver from this clone's git config\n")
    expect(result.stderr).toContain('kept .secrets/.gitignore: enable did not write it for vault.db, or it was changed since\n')
    expect(result.stderr).toContain('kept .secrets/config.yml: enable did not write it: delete it yourself if it configured only this vault\n')
    expect(existsSync(repo.vaultPath)).toBe(false)
    expect(readdirSync(join(repo.dir, '.secrets')).sort()).toEqual(['.gitignore', 'config.yml'])
  })

  it('with --vault PATH leaves the project vault’s .gitignore, config.yml, attributes and drivers alone', async () => {
    expect((await repo.run(victim, ['enable'])).code).toBe(0)
    writeFileSync(join(repo.dir, '.secrets', 'config.yml'), 'max_value_bytes: 5000\n')
    const before = new Map(['.gitignore', 'config.yml', 'vault.db'].map((f) => [f, readFileSync(join(repo.dir, '.secrets', f))]))
    const attributes = readFileSync(join(repo.dir, '.gitattributes'))
    const config = await gitConfigOf(repo.dir)
    expect((await repo.run(victim, ['enable', '--vault', '.secrets/staging.db'])).code).toBe(0)

    const result = await repo.run(victim, ['disable', '--force', '--vault', '.secrets/staging.db'])

    expect(result.code).toBe(0)
    expect(result.stderr).toContain('kept .secrets/.gitignore: enable did not write it for staging.db, or it was changed since\n')
    expect(existsSync(join(repo.dir, '.secrets', 'staging.db'))).toBe(false)
    for (const [file, bytes] of before) expect(readFileSync(join(repo.dir, '.secrets', file)).equals(bytes), file).toBe(true)
    expect(readFileSync(join(repo.dir, '.gitattributes')).equals(attributes)).toBe(true)
    expect(await gitConfigOf(repo.dir)).toBe(config)
  })
})
