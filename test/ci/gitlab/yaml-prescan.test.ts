// The pass over lexer tokens that refuses a CI file before any YAML document is built: its
// limits at their edges, what counts as a document, and the place it names.
import {describe, expect, it} from 'vitest'

import {loadConfigText} from '../../../src/ci/gitlab/yaml-load.js'
import {MAX_ALIASES, MAX_TOKENS, prescanYaml} from '../../../src/ci/gitlab/yaml-prescan.js'

const JOB = 'job: {script: [x]}\n'
const aliases = (count: number) => `a: &a x\n${JOB}b: [${Array.from({length: count}, () => '*a').join(', ')}]\n`

describe('prescanYaml', () => {
  it('accepts exactly MAX_ALIASES aliases and refuses one more, at the alias', () => {
    expect(prescanYaml(aliases(MAX_ALIASES), 'f.yml')).toBeUndefined()
    const col = 5 + MAX_ALIASES * 4
    expect(prescanYaml(aliases(MAX_ALIASES + 1), 'f.yml')).toBe(`f.yml:3:${col}: too many yaml aliases (more than ${MAX_ALIASES})`)
  })

  it('names the right line after block, quoted and multi-line scalars and comments', () => {
    const text = `# a comment\nscript: |\n  ---\n  *not-an-alias\nq: "two\n  lines --- *x"\n'k': !!str ---\n${JOB}z: [*a, ${'*a, '.repeat(MAX_ALIASES)}]\n`
    expect(prescanYaml(text, 'f.yml')).toBe(`f.yml:9:${5 + MAX_ALIASES * 4}: too many yaml aliases (more than ${MAX_ALIASES})`)
  })

  it('counts tokens, not bytes: a flow sequence refused past MAX_TOKENS, a long scalar is a few tokens', () => {
    // `1,` is three tokens (scalar marker, text, comma).
    const seq = (count: number) => `k: [${'1,'.repeat(count)}1]\n`
    expect(prescanYaml(seq(80_000), 'f.yml')).toBeUndefined()
    expect(prescanYaml(seq(MAX_TOKENS / 3), 'f.yml')).toMatch(/^f\.yml:1:\d+: The parsed YAML is too big \(more than 250000 yaml tokens\)$/)
    expect(prescanYaml(`k: "${'a'.repeat(2_000_000)}"\n`, 'f.yml')).toBeUndefined()
  })

  it('takes a header and a configuration, stray markers and `---` inside scalars; refuses a third document', () => {
    expect(prescanYaml(`---\nspec: {}\n---\n${JOB}---\n...\n`, 'f.yml')).toBeUndefined()
    expect(prescanYaml(`${JOB}x: "---"\ny: --- a\n`, 'f.yml')).toBeUndefined()
    expect(prescanYaml(`# c\n---\n# only a comment\n---\n${JOB}---\n---\n`, 'f.yml')).toBeUndefined()
    expect(prescanYaml(`spec: {}\n---\n${JOB}---\n# nothing\n---\n  more: 1\n`, 'f.yml')).toBe('f.yml:7:3: too many yaml documents (more than 2; gitlab reads a spec: header and the configuration)')
    expect(prescanYaml(`${JOB}${'---\n'.repeat(9)}`, 'f.yml')).toBe('f.yml:10:1: too many yaml documents (more than 8; gitlab reads a spec: header and the configuration)')
  })

  it('refuses !!omap, !!set and !!pairs tags, and leaves other tags to the loader', () => {
    expect(prescanYaml(`${JOB}k: !!omap []\n`, 'f.yml')).toBe(`f.yml:2:4: yaml tag !!omap is not allowed (gitlab's yaml loader refuses it)`)
    expect(prescanYaml(`${JOB}k: !<tag:yaml.org,2002:set> {}\n`, 'f.yml')).toMatch(/^f\.yml:2:4: yaml tag !<tag:yaml\.org,2002:set> is not allowed/)
    expect(prescanYaml(`${JOB}k: !!str x\nr: !reference [a, b]\n`, 'f.yml')).toBeUndefined()
  })
})

describe('loadConfigText with the pre-scan', () => {
  it('still reads the header and the configuration after it', () => {
    const loaded = loadConfigText(`spec:\n  inputs: {}\n---\n${JOB}`, 'f.yml')
    expect(loaded.errors).toEqual([])
    expect([...loaded.config!.keys()]).toEqual(['job'])
  })

  it('refuses !!omap reached through a %TAG handle, where the lexer cannot see its name', () => {
    expect(loadConfigText(`%TAG !e! tag:yaml.org,2002:\n---\n${JOB}k: !e!omap [a: 1]\n`, 'f.yml').errors).toEqual([`f.yml:4:12: yaml tag !!omap is not allowed (gitlab's yaml loader refuses it)`])
    expect(loadConfigText(`%TAG !e! tag:yaml.org,2002:\n---\n${JOB}k: !e!set {a}\n`, 'f.yml').errors).toEqual([`f.yml:4:11: yaml tag !!set is not allowed (gitlab's yaml loader refuses it)`])
  })
})
