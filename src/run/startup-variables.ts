// Variables that change how a program starts: a shell sources the file they name, a runtime
// loads the code or options they give, the dynamic linker loads the library they point to, a
// build tool or package manager runs the program or reads the configuration they name, a
// client sends its traffic (and its credentials) where they say. A secret injected under such
// a name runs its author's code at the start of every job that receives it, where that code
// can read every other secret of the job. GitLab lets a maintainer do this with a CI/CD
// variable; here a --variable secret reaches every matching run of everyone, so the names are
// refused outright: when a secret is added or imported as a --variable, when a job's `secrets:`
// names one, and at run time for a secret some older client (or a forged operation) already
// stored under one. `export --format dotenv` refuses them too (src/formats/dotenv.ts): a shell
// that sources the file with `set -a` would start its next programs under them.
//
// This list cannot be complete, and is not a sandbox. Every tool reads some variable naming its
// configuration, and a tool's configuration is code: KUBECONFIG (the README's own example of a
// `--variable --file`) can hold an exec credential plugin, AWS_CONFIG_FILE a credential_process,
// DOCKER_CONFIG a credential helper. Such names stay allowed: handing one tool the
// configuration a job asks it to use is what --variable secrets are for. A --variable secret
// therefore needs a maintainer, as GitLab's CI/CD variables do, and that maintainer is trusted
// with the jobs it reaches. The list is defence in depth against the well-known start-up hooks
// (shells, linkers, runtimes, build tools, proxies, the runner's own variables), which a job
// meets in programs it never meant to configure and no one means to set through a secret.
//
// The list is of names (exact), prefixes (a whole family, `LD_*`) and suffixes (`*_PROXY`);
// each says why. It errs on refusing: a secret never needs such a name, it can always be
// injected under another and the job can use it from there (`export CC="$MY_CC"`). Names
// compare without regard to case: Windows reads `Path` as PATH, zsh ties `path` and `cdpath`
// to PATH and CDPATH, npm reads npm_config_* and curl http_proxy in lower case.
import {usage} from '../errors.js'
import {isVariableName} from '../vault/validate.js'

interface StartupName {
  /** An exact name, a prefix when it ends with `*`, a suffix when it starts with `*`. */
  name: string
  why: string
  /** Members of a family that its tools read only as a credential, never as code or a place. */
  except?: readonly string[]
}

const SHELL = 'a shell runs it when it starts'

export const STARTUP_VARIABLES: readonly StartupName[] = [
  // Shells.
  {name: 'BASH_ENV', why: 'bash sources the file it names before any non-interactive script'},
  {name: 'ENV', why: 'sh, dash and bash in POSIX mode source the file it names'},
  {name: 'BASH_FUNC_*', why: 'bash imports it as a function definition that can replace any command'},
  {name: 'SHELLOPTS', why: 'bash turns on the options it lists (xtrace would print every expanded value)'},
  {name: 'BASHOPTS', why: 'bash turns on the shopt options it lists'},
  {name: 'PS0', why: 'an interactive bash expands it, command substitutions included, before each command'},
  {name: 'PS1', why: 'an interactive shell expands it, command substitutions included, at each prompt'},
  {name: 'PS2', why: 'an interactive shell expands it, command substitutions included, at each continuation prompt'},
  {name: 'PS3', why: 'bash expands it, command substitutions included, at each `select` prompt'},
  {name: 'PS4', why: 'bash expands it, command substitutions included, before each traced line'},
  {name: 'PROMPT_COMMAND', why: `${SHELL} before each prompt`},
  {name: 'IFS', why: 'it changes how every shell splits words, and so what each script line runs'},
  {name: 'CDPATH', why: 'it changes where every `cd` in a script lands'},
  {name: 'ZDOTDIR', why: 'zsh sources its startup files from the directory it names'},
  {name: 'PATH', why: 'it decides which program every command name starts'},
  {name: 'HOME', why: 'shells, git and most tools read their startup files and configuration from it'},
  {name: 'TMPDIR', why: 'it moves every temporary file of the job, ours included, to a place its author chose'},
  {name: 'SHELL', why: 'programs that start a shell start the one it names'},
  {name: 'XDG_*', why: 'shells, git (XDG_CONFIG_HOME/git/config), fish and most tools read their configuration from the directories it names'},
  // The dynamic linker.
  {name: 'LD_*', why: 'the dynamic linker loads libraries it names (LD_PRELOAD, LD_AUDIT, LD_LIBRARY_PATH, …) into every program'},
  {name: 'DYLD_*', why: "macOS's dynamic linker loads libraries it names into every program"},
  // Runtimes.
  {name: 'NODE_OPTIONS', why: 'node applies it to every start, --require and --import included'},
  {name: 'NODE_PATH', why: 'node resolves modules from the directories it names'},
  {name: 'PYTHONSTARTUP', why: 'python runs the file it names'},
  {name: 'PYTHONPATH', why: 'python imports modules from the directories it names first'},
  {name: 'PYTHONHOME', why: "python loads its standard library from the directory it names"},
  {name: 'PYTHONINSPECT', why: 'python drops into an interactive prompt after the script'},
  {name: 'PYTHONWARNINGS', why: 'python imports the warning categories it names, so it can load code'},
  {name: 'PERL5OPT', why: 'perl applies it as command-line switches (-M loads a module)'},
  {name: 'PERL5LIB', why: 'perl loads modules from the directories it names first'},
  {name: 'PERLLIB', why: 'perl loads modules from the directories it names first'},
  {name: 'PERL5DB', why: 'perl runs it as debugger code'},
  {name: 'RUBYOPT', why: 'ruby applies it as command-line switches (-r loads a library)'},
  {name: 'RUBYLIB', why: 'ruby loads libraries from the directories it names first'},
  {name: 'JAVA_TOOL_OPTIONS', why: 'every JVM applies it (-javaagent loads code)'},
  {name: '_JAVA_OPTIONS', why: 'every JVM applies it (-javaagent loads code)'},
  {name: 'JDK_JAVA_OPTIONS', why: 'the java launcher applies it (-javaagent loads code)'},
  {name: 'CLASSPATH', why: 'the JVM loads classes from the places it names'},
  {name: 'GEM_PATH', why: 'ruby loads gems from the directories it names'},
  {name: 'GEM_HOME', why: 'ruby loads gems from the directory it names'},
  {name: 'PHPRC', why: 'php reads its configuration (auto_prepend_file) from the place it names'},
  {name: 'PHP_INI_SCAN_DIR', why: 'php reads extra configuration from the directory it names'},
  {name: 'LUA_INIT', why: 'lua runs it (or the file it names) at start'},
  {name: 'LUA_INIT_*', why: 'lua runs it (or the file it names) at start'},
  {name: 'PYTHON*', why: 'python reads it at start (PYTHONUSERBASE and PYTHONPYCACHEPREFIX, for one, make it load code from where they say)'},
  {name: 'JAVA_HOME', why: 'launchers and build tools start the java found in the directory it names'},
  {name: '*_OPTS', why: 'JVM launchers (MAVEN_OPTS, GRADLE_OPTS, JAVA_OPTS, SBT_OPTS, ANT_OPTS, …) pass it to java (-javaagent loads code)'},
  {name: 'MAVEN_ARGS', why: 'maven applies it as command-line options'},
  {name: 'MAVEN_HOME', why: 'launchers start the maven found in the directory it names'},
  {name: 'M2_HOME', why: 'launchers start the maven found in the directory it names'},
  {name: 'GRADLE_USER_HOME', why: 'gradle runs the init scripts and reads the properties found in the directory it names'},
  {name: 'ERL_AFLAGS', why: 'erlang applies it as command-line flags (-eval runs code)'},
  {name: 'ERL_ZFLAGS', why: 'erlang applies it as command-line flags (-eval runs code)'},
  {name: 'ERL_FLAGS', why: 'erlang applies it as command-line flags (-eval runs code)'},
  {name: 'ELIXIR_ERL_OPTIONS', why: 'elixir passes it to erlang as flags (-eval runs code)'},
  {name: 'DOTNET_*', why: '.NET reads it at start (DOTNET_STARTUP_HOOKS loads an assembly into every program)'},
  {name: 'CORECLR_*', why: '.NET loads the profiler library it names into every program'},
  {name: 'COR_*', why: '.NET Framework loads the profiler it names (COR_PROFILER, COR_PROFILER_PATH) into every program'},
  {name: 'COMPLUS_*', why: '.NET reads runtime configuration from it at start'},
  // Build tools, compilers and package managers: programs they run, options, where they fetch from.
  {name: 'MAKEFILES', why: 'make reads the makefiles it names first, and a makefile runs commands'},
  {name: 'MAKEFLAGS', why: 'make applies it as options (--eval runs make code, -f reads another makefile)'},
  {name: 'GNUMAKEFLAGS', why: 'make applies it as options (--eval runs make code)'},
  {name: 'MFLAGS', why: 'make applies it as options'},
  {name: 'TAR_OPTIONS', why: 'GNU tar applies it as options (--checkpoint-action=exec runs a command)'},
  {name: 'CC', why: 'make, configure scripts, cgo and build tools start the compiler it names'},
  {name: 'CXX', why: 'make, configure scripts and build tools start the compiler it names'},
  {name: 'CPP', why: 'make, configure scripts and build tools start the preprocessor it names'},
  {name: 'LD', why: 'build tools start the linker it names'},
  {name: 'AR', why: 'build tools start the archiver it names'},
  {name: 'CFLAGS', why: 'build tools pass it to the compiler (-fplugin loads code, -wrapper runs a program)'},
  {name: 'CXXFLAGS', why: 'build tools pass it to the compiler (-fplugin loads code, -wrapper runs a program)'},
  {name: 'CPPFLAGS', why: 'build tools pass it to the preprocessor (-include adds a file to every source)'},
  {name: 'LDFLAGS', why: 'build tools pass it to the linker, which then links what it says'},
  {name: 'LDLIBS', why: 'build tools link the libraries it names'},
  {name: 'CMAKE_*', why: 'cmake reads it (CMAKE_TOOLCHAIN_FILE runs cmake code, compiler launchers run a program)'},
  {name: 'PKG_CONFIG*', why: 'pkg-config, and so every build that asks it, takes flags from the places it names'},
  {name: 'GOFLAGS', why: 'the go command applies it as flags (-toolexec runs a program)'},
  {name: 'GOENV', why: 'the go command reads its settings from the file it names'},
  {name: 'GOTOOLCHAIN', why: 'the go command downloads and starts the toolchain it names'},
  {name: 'GOROOT', why: 'the go command starts the toolchain found in the directory it names'},
  {name: 'GOPATH', why: 'the go command installs and builds from the directory it names'},
  {name: 'GOPROXY', why: 'the go command fetches modules from where it says'},
  {name: 'GOSUMDB', why: 'the go command checks modules against the database it names (off turns the check off)'},
  {name: 'GONOSUMDB', why: 'the go command skips the checksum check for the modules it names'},
  {name: 'GONOSUMCHECK', why: 'the go command skips the checksum check'},
  {name: 'GOINSECURE', why: 'the go command fetches the modules it names without TLS'},
  {name: 'GOPRIVATE', why: 'the go command fetches the modules it names directly, unchecked'},
  {name: 'GONOPROXY', why: 'the go command fetches the modules it names directly'},
  {name: 'GOAUTH', why: 'the go command runs the program it names for credentials'},
  {name: 'GOEXPERIMENT', why: 'the go toolchain changes how it builds'},
  {name: 'CGO_*', why: 'cgo passes it to the C compiler and linker (CGO_CFLAGS, CGO_LDFLAGS)'},
  {name: 'RUSTC', why: 'cargo starts the compiler it names'},
  {name: 'RUSTDOC', why: 'cargo starts the documentation tool it names'},
  {name: 'RUSTC_*', why: 'cargo starts the wrapper it names around every compiler run (RUSTC_WRAPPER)'},
  {name: 'RUSTFLAGS', why: 'cargo passes it to the compiler (-C linker runs a program)'},
  {name: 'RUSTDOCFLAGS', why: 'cargo passes it to rustdoc'},
  {name: 'RUSTUP_*', why: 'rustup starts the toolchain, or fetches from the server, it names'},
  {
    name: 'CARGO_*',
    why: 'cargo reads its configuration from it (CARGO_HOME, CARGO_BUILD_RUSTC_WRAPPER, CARGO_TARGET_*_RUNNER run programs)',
    except: ['CARGO_REGISTRY_TOKEN'],
  },
  {name: 'NPM_CONFIG_*', why: 'npm reads it as configuration (script-shell, userconfig, registry, node-options)'},
  {name: 'YARN_*', why: 'yarn reads it as configuration (yarn-path starts another yarn, registries)', except: ['YARN_NPM_AUTH_TOKEN']},
  {name: 'PIP_*', why: 'pip reads it as configuration (config file, index, certificates)'},
  {name: 'BUNDLE_*', why: 'bundler reads it as configuration (BUNDLE_GEMFILE loads another Gemfile, which is ruby)'},
  // git: configuration, programs it runs, and where it finds its own parts.
  {name: 'GIT_*', why: 'git runs programs and reads configuration it names (GIT_SSH_COMMAND, GIT_EXEC_PATH, GIT_CONFIG_*, GIT_DIR, …)'},
  {name: 'SSH_ASKPASS', why: 'ssh runs the program it names'},
  {name: 'EDITOR', why: 'tools that open an editor run the program it names'},
  {name: 'VISUAL', why: 'tools that open an editor run the program it names'},
  {name: 'PAGER', why: 'tools that page their output run the program it names'},
  {name: 'LESSOPEN', why: 'less runs the program it names on every file'},
  {name: 'MANPAGER', why: 'man runs the program it names'},
  {name: 'BROWSER', why: 'tools that open a browser run the program it names'},
  {name: 'LESSCLOSE', why: 'less runs the program it names on every file'},
  {name: 'SUDO_ASKPASS', why: 'sudo runs the program it names'},
  {name: 'RSYNC_RSH', why: 'rsync runs the program it names to reach the other side'},
  {name: 'RSYNC_CONNECT_PROG', why: 'rsync runs the program it names to reach the other side'},
  {name: 'CURL_HOME', why: 'curl reads its configuration (and the options in it) from the directory it names'},
  {name: 'WGETRC', why: 'wget reads its configuration from the file it names'},
  {name: 'DBUS_SESSION_BUS_ADDRESS', why: 'programs send their session-bus messages (secret-service requests included) where it says'},
  {name: 'GTK_MODULES', why: 'every GTK program loads the modules it names'},
  {name: 'GTK_PATH', why: 'every GTK program loads modules from the directories it names'},
  {name: 'VK_LAYER_PATH', why: 'the Vulkan loader loads the layers found in the directories it names'},
  {name: 'VK_ADD_LAYER_PATH', why: 'the Vulkan loader loads the layers found in the directories it names'},
  {name: 'VK_INSTANCE_LAYERS', why: 'the Vulkan loader loads the layers it names'},
  {name: 'VK_ICD_FILENAMES', why: 'the Vulkan loader loads the drivers it names'},
  {name: 'VK_DRIVER_FILES', why: 'the Vulkan loader loads the drivers it names'},
  {name: 'VK_ADD_DRIVER_FILES', why: 'the Vulkan loader loads the drivers it names'},
  {name: 'DOCKER_HOST', why: 'docker sends its commands, build contexts and registry logins to where it says'},
  // Where traffic goes, and which certificates it trusts.
  {name: '*_PROXY', why: 'clients send their traffic, credentials included, through the proxy it names (HTTPS_PROXY, ALL_PROXY, http_proxy, …)'},
  {name: 'SSL_CERT_FILE', why: 'TLS clients trust the certificates it names, so traffic can be intercepted'},
  {name: 'SSL_CERT_DIR', why: 'TLS clients trust the certificates it names, so traffic can be intercepted'},
  {name: 'CURL_CA_BUNDLE', why: 'curl trusts the certificates it names, so traffic can be intercepted'},
  {name: 'REQUESTS_CA_BUNDLE', why: 'python requests trusts the certificates it names, so traffic can be intercepted'},
  {name: 'NODE_EXTRA_CA_CERTS', why: 'node trusts the certificates it names, so traffic can be intercepted'},
  {name: 'NODE_TLS_REJECT_UNAUTHORIZED', why: 'node turns certificate checks off when it is 0'},
  {name: 'AWS_CA_BUNDLE', why: 'AWS clients trust the certificates it names, so traffic can be intercepted'},
  {name: 'SSLKEYLOGFILE', why: 'TLS clients write their session keys to the file it names, so recorded traffic can be decrypted'},
  {name: 'RES_OPTIONS', why: 'the C library resolver applies it to every lookup'},
  {name: 'LOCALDOMAIN', why: 'the C library resolver appends the domains it names to short host names'},
  // GitLab's predefined variables: the runner sets them, scripts trust them (a secret named
  // CI_API_V4_URL would send CI_JOB_TOKEN to its author). GITLAB_* is not taken whole: beyond
  // the predefined names below it is a common name for a secret (GITLAB_TOKEN).
  {name: 'CI', why: 'the runner sets it, and tools change how they behave when it is set'},
  {name: 'CI_*', why: "it is a GitLab predefined variable (CI_API_V4_URL, CI_SERVER_URL, CI_JOB_TOKEN, …): it would replace the runner's value, and scripts send CI_JOB_TOKEN where these say"},
  {name: 'GITLAB_CI', why: "it is a GitLab predefined variable: it would replace the runner's value"},
  {name: 'GITLAB_FEATURES', why: "it is a GitLab predefined variable: it would replace the runner's value"},
  {name: 'GITLAB_USER_*', why: "it is a GitLab predefined variable (who started the pipeline): it would replace the runner's value"},
  {name: 'CHAT_CHANNEL', why: "it is a GitLab predefined variable (ChatOps): it would replace the runner's value"},
  {name: 'CHAT_INPUT', why: "it is a GitLab predefined variable (ChatOps): it would replace the runner's value"},
  {name: 'CHAT_USER_ID', why: "it is a GitLab predefined variable (ChatOps): it would replace the runner's value"},
  {name: 'TRIGGER_PAYLOAD', why: "it is a GitLab predefined variable: it would replace the runner's value"},
  // C library and locale: files read at start.
  {name: 'GCONV_PATH', why: 'the C library loads conversion modules from the directory it names'},
  {name: 'NLSPATH', why: 'the C library loads message catalogs, format strings included, from the places it names'},
  {name: 'LOCPATH', why: 'the C library loads locale data from the directory it names'},
  {name: 'MALLOC_*', why: 'the C library changes its allocator (and may print to stderr) at start'},
  {name: 'GLIBC_TUNABLES', why: 'the C library reads it at start (it has held exploitable parser bugs)'},
  {name: 'HOSTALIASES', why: 'the C library reads host aliases from the file it names'},
  {name: 'RESOLV_HOST_CONF', why: 'the C library reads resolver configuration from the file it names'},
  {name: 'OPENSSL_CONF', why: 'openssl loads the configuration (and engines) it names'},
  {name: 'OPENSSL_ENGINES', why: 'openssl loads engines from the directory it names'},
]

/** Why a variable of this name may not be injected, or undefined when it may. */
export function startupVariableReason(name: string): string | undefined {
  const upper = name.toUpperCase()
  for (const entry of STARTUP_VARIABLES) {
    if (matchesName(entry.name, upper) && !entry.except?.includes(upper)) return entry.why
  }

  return undefined
}

function matchesName(pattern: string, upper: string): boolean {
  if (pattern.endsWith('*')) return upper.startsWith(pattern.slice(0, -1))
  if (pattern.startsWith('*')) return upper.endsWith(pattern.slice(1))
  return upper === pattern
}

/**
 * Why this name cannot be injected as an environment variable (not a valid name, or one that
 * changes how programs start), or undefined when it can. `name` may come from a hostile file:
 * it is quoted (JSON) and cut, never printed raw.
 */
export function injectionProblem(name: string): string | undefined {
  if (!isVariableName(name)) {
    return `${quoteName(name)} is not a valid variable name (a letter or _ first, then letters, digits and _, as GitLab requires)`
  }

  const why = startupVariableReason(name)
  return why === undefined ? undefined : `${name} changes how programs start: ${why}`
}

/** Throws a USAGE error when `name` cannot be injected; `what` says what was asked (`add --variable`). */
export function checkInjectableName(name: string, what: string): string {
  const problem = injectionProblem(name)
  if (problem) throw usage(`${what}: ${problem}`, 'give it another name (the job can read it from there)')
  return name
}

function quoteName(name: string): string {
  const cut = [...name].length > 64 ? `${[...name].slice(0, 64).join('')}…` : name
  return JSON.stringify(cut)
}
