import {readdirSync} from 'node:fs'
import {join, resolve} from 'node:path'

import {describe, expect, it} from 'vitest'

const dir = resolve(import.meta.dirname, '../../src/commands')

describe('command arguments', () => {
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
    it(`${file}: no argument is ever read from stdin (stdin may hold a secret value)`, async () => {
      const command = (await import(join(dir, file))).default as {args?: Record<string, {ignoreStdin?: boolean}>}
      for (const [name, arg] of Object.entries(command.args ?? {})) expect(arg.ignoreStdin, name).toBe(true)
    })
  }
})
