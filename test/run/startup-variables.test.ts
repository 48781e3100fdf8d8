import {describe, expect, it} from 'vitest'

import {SecretsError} from '../../src/errors.js'
import {STARTUP_VARIABLES, checkInjectableName, injectionProblem, startupVariableReason} from '../../src/run/startup-variables.js'
import {isVariableName} from '../../src/vault/validate.js'

describe('variable names', () => {
  it('takes GitLab names: a letter or _ first, then letters, digits and _', () => {
    for (const name of ['A', '_', 'DB_PASSWORD', 'a1', '_9', 'x'.repeat(255)]) expect(isVariableName(name), name).toBe(true)
    for (const name of ['', '1ABC', '../../repo/X', 'A-B', 'A.B', 'A B', 'A=B', 'A\0', 'Ä', 'x'.repeat(256), '__proto__ ']) {
      expect(isVariableName(name), name).toBe(false)
    }
  })
})

describe('variables that change how programs start', () => {
  it('refuses each listed name and every member of a listed family, in any case', () => {
    for (const name of ['BASH_ENV', 'ENV', 'PATH', 'LD_PRELOAD', 'LD_AUDIT', 'LD_LIBRARY_PATH', 'DYLD_INSERT_LIBRARIES', 'NODE_OPTIONS', 'PYTHONSTARTUP',
      'PYTHONPATH', 'PERL5OPT', 'RUBYOPT', 'JAVA_TOOL_OPTIONS', '_JAVA_OPTIONS', 'GIT_SSH_COMMAND', 'GIT_CONFIG_COUNT', 'GIT_EXEC_PATH',
      'SHELLOPTS', 'PS4', 'PROMPT_COMMAND', 'IFS', 'BASH_FUNC_ls%%', 'bash_env', 'Path', 'ld_preload']) {
      expect(startupVariableReason(name), name).toBeDefined()
    }
  })

  // One or more members of each family the red team found missing (issue 9, F3), in the case
  // the tools read and in others: the match ignores case.
  const families: Record<string, string[]> = {
    make: ['MAKEFILES', 'MAKEFLAGS', 'GNUMAKEFLAGS', 'MFLAGS', 'makeflags'],
    tar: ['TAR_OPTIONS', 'tar_options'],
    go: ['GOFLAGS', 'GOENV', 'GOTOOLCHAIN', 'GOPROXY', 'GOAUTH', 'CGO_LDFLAGS', 'goflags'],
    rust: ['RUSTC_WRAPPER', 'RUSTC', 'RUSTFLAGS', 'RUSTUP_TOOLCHAIN', 'CARGO_HOME', 'CARGO_BUILD_RUSTC_WRAPPER', 'Cargo_Target_Dir'],
    compilers: ['CC', 'CXX', 'CPP', 'LD', 'AR', 'CFLAGS', 'CXXFLAGS', 'LDFLAGS', 'CPPFLAGS', 'LDLIBS', 'cc', 'cflags', 'CMAKE_TOOLCHAIN_FILE', 'PKG_CONFIG_PATH'],
    jvm: ['MAVEN_OPTS', 'GRADLE_OPTS', 'JAVA_OPTS', 'SBT_OPTS', 'ANT_OPTS', 'CATALINA_OPTS', 'maven_opts', 'MAVEN_ARGS', 'GRADLE_USER_HOME', 'JAVA_HOME'],
    erlang: ['ERL_AFLAGS', 'ERL_ZFLAGS', 'ELIXIR_ERL_OPTIONS'],
    dotnet: ['DOTNET_STARTUP_HOOKS', 'DOTNET_ROOT', 'CORECLR_PROFILER', 'CORECLR_PROFILER_PATH', 'COR_PROFILER', 'COR_PROFILER_PATH', 'COR_ENABLE_PROFILING', 'COMPlus_EnableDiagnostics'],
    python: ['PYTHONUSERBASE', 'PYTHONPYCACHEPREFIX', 'PYTHON_HISTORY', 'pythonuserbase'],
    xdg: ['XDG_CONFIG_HOME', 'XDG_DATA_DIRS', 'xdg_config_home'],
    tools: ['CURL_HOME', 'WGETRC', 'RSYNC_RSH', 'LESSCLOSE', 'SUDO_ASKPASS', 'DBUS_SESSION_BUS_ADDRESS', 'GTK_MODULES', 'VK_LAYER_PATH', 'VK_ICD_FILENAMES', 'DOCKER_HOST', 'NLSPATH'],
    packageManagers: ['NPM_CONFIG_USERCONFIG', 'npm_config_script_shell', 'Npm_Config_Registry', 'YARN_YARN_PATH', 'yarn_rc_filename', 'PIP_INDEX_URL', 'PIP_CONFIG_FILE', 'BUNDLE_GEMFILE'],
    proxies: ['HTTP_PROXY', 'HTTPS_PROXY', 'ALL_PROXY', 'NO_PROXY', 'FTP_PROXY', 'http_proxy', 'https_proxy', 'all_proxy', 'no_proxy', 'Https_Proxy'],
    certificates: ['SSL_CERT_FILE', 'SSL_CERT_DIR', 'CURL_CA_BUNDLE', 'REQUESTS_CA_BUNDLE', 'NODE_EXTRA_CA_CERTS', 'NODE_TLS_REJECT_UNAUTHORIZED', 'AWS_CA_BUNDLE', 'SSLKEYLOGFILE', 'ssl_cert_file'],
    prompts: ['PS0', 'PS1', 'PS2', 'PS3', 'PS4', 'PROMPT_COMMAND', 'ps1', 'prompt_command'],
    gitlab: ['CI', 'CI_API_V4_URL', 'CI_SERVER_URL', 'CI_JOB_TOKEN', 'CI_REGISTRY', 'ci_api_v4_url', 'GITLAB_CI', 'GITLAB_FEATURES', 'GITLAB_USER_LOGIN', 'gitlab_user_email', 'CHAT_INPUT', 'TRIGGER_PAYLOAD'],
  }
  for (const [family, names] of Object.entries(families)) {
    it(`refuses the ${family} family, in any case`, () => {
      for (const name of names) {
        expect(startupVariableReason(name), name).toBeDefined()
        expect(injectionProblem(name), name).toMatch(/ changes how programs start: /)
      }
    })
  }

  it('lets ordinary names through, including ones that merely share a start', () => {
    for (const name of ['DB_PASSWORD', 'API_TOKEN', 'KUBECONFIG', 'AWS_ACCESS_KEY_ID', 'DATABASE_URL', 'ENVIRONMENT', 'PATHS_FILE', 'HOMEPAGE', 'LDAP_PASSWORD', 'NODE_TOKEN', 'GITLAB_TOKEN', 'PS1_X', 'AWS_SECRET_ACCESS_KEY',
      'CC_NUMBER', 'ARGO_TOKEN', 'CIRCLE_TOKEN', 'CIPHER_KEY', 'GOOGLE_APPLICATION_CREDENTIALS', 'GO_TOKEN', 'PROXY_PASSWORD', 'OPTS', 'DOCKER_AUTH_CONFIG', 'VK_TOKEN', 'CHAT_TOKEN',
      'CARGO_REGISTRY_TOKEN', 'yarn_npm_auth_token', 'XDG', 'CORE_API_KEY', 'COMPOSER_AUTH', 'NPM_TOKEN']) {
      expect(startupVariableReason(name), name).toBeUndefined()
      expect(injectionProblem(name), name).toBeUndefined()
    }
  })

  it('gives a reason for every entry, and names are upper case so the case-blind match sees them', () => {
    for (const entry of STARTUP_VARIABLES) {
      expect(entry.why.length).toBeGreaterThan(10)
      expect(entry.name).toBe(entry.name.toUpperCase())
      for (const name of entry.except ?? []) expect(name).toBe(name.toUpperCase())
      expect(entry.name.indexOf('*') === -1 || entry.name.indexOf('*') === 0 || entry.name.indexOf('*') === entry.name.length - 1, entry.name).toBe(true)
    }
    expect(new Set(STARTUP_VARIABLES.map((entry) => entry.name)).size).toBe(STARTUP_VARIABLES.length)
  })

  it('says which name and why, as a USAGE error, and quotes an invalid name instead of printing it raw', () => {
    let error: unknown
    try {
      checkInjectableName('BASH_ENV', 'refusing --variable secret')
    } catch (caught) {
      error = caught
    }

    expect(error).toBeInstanceOf(SecretsError)
    expect((error as SecretsError).code).toBe('USAGE')
    expect((error as SecretsError).message).toBe('refusing --variable secret: BASH_ENV changes how programs start: bash sources the file it names before any non-interactive script')
    expect(injectionProblem('../../repo/X')).toBe('"../../repo/X" is not a valid variable name (a letter or _ first, then letters, digits and _, as GitLab requires)')
    expect(injectionProblem('\u001b]52;c;AAAA\u0007')).not.toMatch(/[\u0000-\u001f]/)
    expect(injectionProblem('A'.repeat(300))).toContain('…')
  })
})
