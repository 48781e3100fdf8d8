import {spawnSync} from 'node:child_process'

import {describe, expect, it} from 'vitest'

import {quote, shellProgram} from '../../src/run/job-script.js'

function run(lines: string[], sh: string): {code: number | null; out: string} {
  const result = spawnSync(sh, ['-c', shellProgram(lines, sh)], {encoding: 'utf8'})
  return {code: result.status, out: result.stdout}
}

describe.each(['/bin/sh', '/bin/bash'])('shellProgram with %s', (sh) => {
  it('echoes each line before running it and stops at the first failure', () => {
    expect(run(['echo one', 'false', 'echo two'], sh)).toEqual({code: 1, out: '$ echo one\none\n$ false\n'})
  })

  it('keeps quotes in echoed lines intact', () => {
    expect(run([`echo "it's"`], sh).out).toBe(`$ echo "it's"\nit's\n`)
  })

  it('runs multi-line entries as written', () => {
    expect(run(['for i in 1 2; do\n  echo $i\ndone'], sh).out).toBe('$ for i in 1 2; do\n  echo $i\ndone\n1\n2\n')
  })
})

describe('quote', () => {
  it('single-quotes for the shell', () => {
    expect(spawnSync('/bin/sh', ['-c', `printf %s ${quote(`a'b "c" $d`)}`], {encoding: 'utf8'}).stdout).toBe(`a'b "c" $d`)
  })
})
