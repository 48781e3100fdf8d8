import {spawn} from 'node:child_process'
import {existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {basename, dirname, join} from 'node:path'

import {afterEach, describe, expect, it} from 'vitest'

import {mergeResultPath} from '../../src/git/merge-temp.js'

const dirs: string[] = []
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, {recursive: true, force: true})
})

/** The pid of a process that has exited (and been reaped). */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0'])
  await new Promise((resolve) => child.on('exit', resolve))
  return child.pid!
}

describe('mergeResultPath', () => {
  it('names the result beside OURS with this process id, and sweeps what dead drivers left, only that', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'secrets-merge-temp-'))
    dirs.push(dir)
    const ours = join(dir, '.merge_file_abc123')
    writeFileSync(ours, 'ours')
    const dead = await deadPid()
    const live = spawn('sleep', ['30'])
    try {
      const names = {
        dead: `.merge_file_xyz.secrets-merge-${dead}-0123456789ab.tmp`,
        deadJournal: `.merge_file_xyz.secrets-merge-${dead}-0123456789ab.tmp-journal`,
        live: `.merge_file_xyz.secrets-merge-${live.pid}-0123456789ab.tmp`,
        // Not ours: a user's file that only looks similar, and a result of an older version (no pid).
        other: 'notes.secrets-merge.tmp',
        older: '.merge_file_xyz.secrets-merge-0123456789ab.tmp',
      }
      for (const name of Object.values(names)) writeFileSync(join(dir, name), 'x')

      const result = mergeResultPath(ours)
      expect(dirname(result)).toBe(dir)
      expect(basename(result)).toMatch(new RegExp(`^\\.\\.merge_file_abc123\\.secrets-merge-${process.pid}-[0-9a-f]{12}\\.tmp$`))
      expect(existsSync(result)).toBe(false)
      expect(readdirSync(dir).sort()).toEqual([names.live, names.older, names.other, '.merge_file_abc123'].sort())
    } finally {
      live.kill('SIGKILL')
    }
  })
})
