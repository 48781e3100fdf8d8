// Where the merge driver builds its result: beside git's OURS file (same file system, so the
// rename over it is atomic), named with the driver's pid. A driver killed before its rename
// (kill -9, a machine that went down) leaves that file in the repository root, untracked and
// not ignored; the next merge driver removes the ones whose process is gone.
import {randomBytes} from 'node:crypto'
import {readdirSync, rmSync} from 'node:fs'
import {basename, dirname, join} from 'node:path'
import {processExists} from '../process-exists.js'

const LEFTOVER = /^\..+\.secrets-merge-(\d+)-[0-9a-f]{12}\.tmp(-journal)?$/

/** A fresh path for the merge result of `ours`, after sweeping the leftovers of dead drivers. */
export function mergeResultPath(ours: string): string {
  const dir = dirname(ours)
  sweepLeftovers(dir)
  return join(dir, `.${basename(ours)}.secrets-merge-${process.pid}-${randomBytes(6).toString('hex')}.tmp`)
}

function sweepLeftovers(dir: string): void {
  let names: string[]
  try {
    names = readdirSync(dir)
  } catch {
    return
  }

  for (const name of names) {
    const pid = Number(LEFTOVER.exec(name)?.[1])
    if (!pid || pid === process.pid || processExists(pid)) continue
    rmSync(join(dir, name), {force: true})
  }
}
