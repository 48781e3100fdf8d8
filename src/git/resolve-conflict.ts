// A vault git left conflicted — a merge in a clone where `secrets enable` never set up the
// driver, or an octopus merge, which runs no drivers — merged after the fact as the driver
// would have: the union of the index's stages (base, ours, theirs), written to the work tree
// and staged.
import {execFileSync} from 'node:child_process'
import {mkdtempSync, rmSync, writeFileSync, copyFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join, relative} from 'node:path'

import {SecretsError} from '../errors.js'
import {type MergeReport, mergeVaultFiles} from './merge-vaults.js'

export interface ResolveResult {
  path: string
  report: MergeReport
}

export function resolveConflict(repoRoot: string, vaultPath: string): ResolveResult {
  const path = relative(repoRoot, vaultPath).split('\\').join('/')
  const stages = unmergedStages(repoRoot, path)
  if (!stages.has(2) || !stages.has(3)) {
    throw new SecretsError('NOT_FOUND', `${path} is not in conflict: there is nothing to resolve`, 'after a `git merge` that left it conflicted, run this again')
  }

  const work = mkdtempSync(join(tmpdir(), 'secrets-resolve-'))
  try {
    const file = (stage: number) => {
      const out = join(work, `stage-${stage}.db`)
      writeFileSync(out, stages.has(stage) ? gitBytes(repoRoot, ['show', `:${stage}:${path}`]) : Buffer.alloc(0))
      return out
    }

    const ours = file(2)
    const report = mergeVaultFiles({base: file(1), ours, theirs: file(3), path})
    copyFileSync(ours, vaultPath)
    execFileSync('git', ['add', '--', path], {cwd: repoRoot, stdio: 'ignore'})
    return {path, report}
  } finally {
    rmSync(work, {recursive: true, force: true})
  }
}

function unmergedStages(repoRoot: string, path: string): Set<number> {
  const out = gitBytes(repoRoot, ['ls-files', '--unmerged', '-z', '--', path]).toString('utf8')
  // `<mode> <object> <stage>\t<path>` per entry.
  return new Set(out.split('\0').filter(Boolean).map((line) => Number(/^\S+ \S+ (\d)\t/.exec(line)?.[1])))
}

function gitBytes(cwd: string, args: string[]): Buffer {
  try {
    return execFileSync('git', args, {cwd, stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 1 << 30})
  } catch {
    throw new SecretsError('ERROR', `git ${args[0]} failed in ${cwd}`)
  }
}
