// Variables that change how a program starts: a shell sources the file they name, a runtime
// loads the code or options they give, the dynamic linker loads the library they point to.
// A secret injected under such a name runs its author's code at the start of every job that
// receives it, where that code can read every other secret of the job. GitLab lets a
// maintainer do this with a CI/CD variable; here a --variable secret reaches every matching
// run of everyone, so the names are refused outright: when a secret is added or imported as a
// --variable, when a job's `secrets:` names one, and at run time for a secret some older client
// (or a forged operation) already stored under one.
//
// The list is of names (exact) and prefixes (a whole family: LD_AUDIT, LD_PRELOAD, …); each
// says why. It errs on refusing: a secret never needs such a name, it can always be injected
// under another and the job can use it from there. Names compare without regard to case:
// Windows reads `Path` as PATH, and zsh ties `path` and `cdpath` to PATH and CDPATH.
import {usage} from '../errors.js'
import {isVariableName} from '../vault/validate.js'

interface StartupName {
  /** An exact name, or a prefix when it ends with `*`. */
  name: string
  why: string
}

const SHELL = 'a shell runs it when it starts'

export const STARTUP_VARIABLES: readonly StartupName[] = [
  // Shells.
  {name: 'BASH_ENV', why: 'bash sources the file it names before any non-interactive script'},
  {name: 'ENV', why: 'sh, dash and bash in POSIX mode source the file it names'},
  {name: 'BASH_FUNC_*', why: 'bash imports it as a function definition that can replace any command'},
  {name: 'SHELLOPTS', why: 'bash turns on the options it lists (xtrace would print every expanded value)'},
  {name: 'BASHOPTS', why: 'bash turns on the shopt options it lists'},
  {name: 'PS4', why: 'bash expands it, command substitutions included, before each traced line'},
  {name: 'PROMPT_COMMAND', why: `${SHELL} before each prompt`},
  {name: 'IFS', why: 'it changes how every shell splits words, and so what each script line runs'},
  {name: 'CDPATH', why: 'it changes where every `cd` in a script lands'},
  {name: 'ZDOTDIR', why: 'zsh sources its startup files from the directory it names'},
  {name: 'PATH', why: 'it decides which program every command name starts'},
  {name: 'HOME', why: 'shells, git and most tools read their startup files and configuration from it'},
  {name: 'TMPDIR', why: 'it moves every temporary file of the job, ours included, to a place its author chose'},
  {name: 'SHELL', why: 'programs that start a shell start the one it names'},
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
  // git: configuration, programs it runs, and where it finds its own parts.
  {name: 'GIT_*', why: 'git runs programs and reads configuration it names (GIT_SSH_COMMAND, GIT_EXEC_PATH, GIT_CONFIG_*, GIT_DIR, …)'},
  {name: 'SSH_ASKPASS', why: 'ssh runs the program it names'},
  {name: 'EDITOR', why: 'tools that open an editor run the program it names'},
  {name: 'VISUAL', why: 'tools that open an editor run the program it names'},
  {name: 'PAGER', why: 'tools that page their output run the program it names'},
  {name: 'LESSOPEN', why: 'less runs the program it names on every file'},
  {name: 'MANPAGER', why: 'man runs the program it names'},
  {name: 'BROWSER', why: 'tools that open a browser run the program it names'},
  // C library and locale: files read at start.
  {name: 'GCONV_PATH', why: 'the C library loads conversion modules from the directory it names'},
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
    const matches = entry.name.endsWith('*') ? upper.startsWith(entry.name.slice(0, -1)) : upper === entry.name
    if (matches) return entry.why
  }

  return undefined
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
