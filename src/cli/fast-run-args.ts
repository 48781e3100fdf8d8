// `secrets run` starts thousands of times a day in front of a developer's scripts, and oclif's
// own start-up (~120 ms here, before any of our code) was most of its cost. The common shapes
// of a run (`run [--job J] [--environment E] … -- CMD`) are read here, with nothing imported,
// and started without oclif (fast-run.ts). Anything else — help, an unknown or repeated flag,
// a value that looks like a flag, an argument before `--` — returns undefined and goes to
// oclif's command as before, so every error and every help text stays oclif's.
import type {RunFlags} from '../run/run-command.js'

/** Every flag of src/commands/run.ts (and the base flags): a test holds the two to one set. */
export const RUN_FLAGS = {
  job: 'string',
  'ci-file': 'string',
  environment: 'string',
  branch: 'string',
  vault: 'string',
  'dry-run': 'boolean',
  mask: 'negatable',
  json: 'boolean',
} as const

export interface FastRun {
  flags: RunFlags
  json: boolean
  command: string[]
}

type Value = string | boolean

/** Own keys only: `--constructor` or `--__proto__` are no flag of ours (oclif refuses them). */
function kindOf(name: string): (typeof RUN_FLAGS)[keyof typeof RUN_FLAGS] | undefined {
  return Object.hasOwn(RUN_FLAGS, name) ? RUN_FLAGS[name as keyof typeof RUN_FLAGS] : undefined
}

export function parseFastRun(argv: readonly string[]): FastRun | undefined {
  const seen = new Map<string, Value>()
  let at = 0
  for (; at < argv.length; at++) {
    const token = argv[at]!
    if (token === '--') break
    if (!token.startsWith('--')) return undefined
    const eq = token.indexOf('=')
    let name = eq === -1 ? token.slice(2) : token.slice(2, eq)
    let value: Value
    const negated = name.startsWith('no-') && kindOf(name.slice(3)) === 'negatable'
    if (negated) name = name.slice(3)
    const kind = kindOf(name)
    if (kind === undefined || seen.has(name)) return undefined
    if (kind === 'string') {
      if (eq === -1) {
        const next = argv[at + 1]
        if (next === undefined || next.startsWith('-')) return undefined
        value = next
        at++
      } else {
        value = token.slice(eq + 1)
      }

      if (value === '') return undefined
    } else {
      if (eq !== -1) return undefined
      value = !negated
    }

    seen.set(name, value)
  }

  const text = (name: string) => seen.get(name) as string | undefined
  return {
    flags: {
      job: text('job'), 'ci-file': text('ci-file'), environment: text('environment'), branch: text('branch'), vault: text('vault'),
      'dry-run': seen.get('dry-run') === true,
      mask: seen.get('mask') !== false,
    },
    json: seen.get('json') === true,
    command: argv.slice(at + 1),
  }
}
