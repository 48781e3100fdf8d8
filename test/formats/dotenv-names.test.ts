// `export --format dotenv` keeps every value inert, but a name is not: a shell that sources the
// file with `set -a; . ./.env` takes PROMPT_COMMAND, PS1 or BASH_ENV as its own and exports
// them to every program it starts next (red team of issue 9, F4). Such names are refused, one
// line naming the secret and why, before anything is written.
import {describe, expect, it} from 'vitest'

import {formatDotenv} from '../../src/formats/dotenv.js'
import {startupVariableReason} from '../../src/run/startup-variables.js'
import {usageError} from './usage-error.js'

const bytes = (text: string) => new TextEncoder().encode(text)

describe('dotenv export refuses names that change how the shell or its programs start', () => {
  // The shell's own hooks first (prompts are expanded, command substitutions included), then a
  // sample of the other families of src/run/startup-variables.ts, in several cases.
  const refused = ['PROMPT_COMMAND', 'PS0', 'PS1', 'PS2', 'PS3', 'PS4', 'BASH_ENV', 'ENV', 'PATH', 'IFS', 'ZDOTDIR', 'CDPATH', 'SHELLOPTS',
    'BASH_FUNC_ls%%', 'LD_PRELOAD', 'NODE_OPTIONS', 'MAKEFILES', 'TAR_OPTIONS', 'HTTPS_PROXY', 'CI_API_V4_URL', 'XDG_CONFIG_HOME',
    'prompt_command', 'ps1', 'Path', 'bash_env', 'https_proxy', 'npm_config_script_shell']

  for (const name of refused) {
    it(`refuses ${name}`, () => {
      const error = usageError(() => formatDotenv([
        {name: 'DB_PASSWORD', value: bytes('ok-1234')},
        {name, value: bytes('$(touch PWNED)')},
      ]))
      if (/^[A-Za-z_]\w*$/.test(name)) {
        expect(error.message).toBe(`cannot export ${name} as dotenv: a shell sourcing the file would set it, and it changes how programs start: ${startupVariableReason(name)}`)
        expect(error.hint).toBe('use --format json')
      } else {
        // BASH_FUNC_ls%% is no shell name at all: refused as such, before its meaning matters.
        expect(error.message.startsWith(`cannot export ${JSON.stringify(name)} as dotenv: `)).toBe(true)
      }
    })
  }

  it('still writes ordinary names, including ones that share a start with a refused one', () => {
    const names = ['DB_PASSWORD', 'API_TOKEN', 'KUBECONFIG', 'AWS_ACCESS_KEY_ID', 'DATABASE_URL', 'PS1_X', 'PATHS_FILE', 'ENVIRONMENT', 'GITLAB_TOKEN']
    const text = formatDotenv(names.map((name) => ({name, value: bytes(`${name}-value`)})))
    expect(text).toBe(names.map((name) => `${name}='${name}-value'\n`).join(''))
  })
})
