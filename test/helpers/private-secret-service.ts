// A D-Bus session bus and a gnome-keyring Secret Service of a test's own, so that a test can
// lock, stop or forbid them without touching the keychain other tests (or a person) use.
// Processes are started here and ended here, by their pid.
import {type ChildProcess, spawn} from 'node:child_process'
import {existsSync, mkdirSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {exec} from './cli.js'

const TOOLS = ['/usr/bin/dbus-daemon', '/usr/bin/gnome-keyring-daemon', '/usr/bin/gdbus']

/** Why a private Secret Service cannot run here, or undefined when it can. */
export function privateSecretServiceMissing(): string | undefined {
  if (process.platform !== 'linux') return 'not linux'
  const missing = TOOLS.filter((tool) => !existsSync(tool))
  return missing.length > 0 ? `missing ${missing.join(', ')}` : undefined
}

/** `deny`: the bus refuses every call to the Secret Service (it answers with AccessDenied). */
function busConfig(deny: boolean): string {
  return `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN" "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:tmpdir=/tmp</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
    ${deny ? '<deny send_destination="org.freedesktop.secrets"/>' : ''}
  </policy>
</busconfig>
`
}

export class PrivateSecretService {
  private constructor(
    private readonly bus: ChildProcess,
    private readonly keyring: ChildProcess,
    /** What a process needs in its environment to use this keychain. */
    readonly env: Record<string, string>,
  ) {}

  /** Starts an unlocked keyring (password "test") on a new bus; no service auto-starts on that bus. */
  static async start(root: string, options: {deny?: boolean} = {}): Promise<PrivateSecretService> {
    mkdirSync(join(root, 'run'), {recursive: true, mode: 0o700})
    mkdirSync(join(root, 'data'), {recursive: true})
    writeFileSync(join(root, 'bus.conf'), busConfig(options.deny ?? false))
    const bus = spawn('/usr/bin/dbus-daemon', [`--config-file=${join(root, 'bus.conf')}`, '--nofork', '--print-address=1'], {stdio: ['ignore', 'pipe', 'ignore']})
    const address = await new Promise<string>((resolve, reject) => {
      let out = ''
      bus.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString()
        if (out.includes('\n')) resolve(out.split('\n')[0]!)
      })
      bus.on('exit', () => reject(new Error('dbus-daemon exited')))
    })
    const env = {DBUS_SESSION_BUS_ADDRESS: address, XDG_RUNTIME_DIR: join(root, 'run'), XDG_DATA_HOME: join(root, 'data')}
    const keyring = spawn('/usr/bin/gnome-keyring-daemon', ['--foreground', '--unlock', '--components=secrets'], {
      env: {...process.env, ...env},
      stdio: ['pipe', 'ignore', 'ignore'],
    })
    keyring.stdin!.end('test')
    const service = new PrivateSecretService(bus, keyring, env)
    for (let i = 0; i < 100 && !(await service.owned()); i++) await new Promise((r) => setTimeout(r, 100))
    if (!(await service.owned())) {
      service.close()
      throw new Error('gnome-keyring did not take org.freedesktop.secrets on the private bus')
    }
    return service
  }

  private async owned(): Promise<boolean> {
    const result = await this.gdbus('org.freedesktop.DBus', '/org/freedesktop/DBus', 'org.freedesktop.DBus.NameHasOwner', 'org.freedesktop.secrets')
    return result.stdout.includes('true')
  }

  gdbus(dest: string, path: string, method: string, ...args: string[]) {
    return exec('/usr/bin/gdbus', ['call', '--session', '--dest', dest, '--object-path', path, '--method', method, ...args], {env: {...process.env, ...this.env}})
  }

  /** Locks the login collection, as a screen lock or `secret-tool lock` does. */
  async lock(): Promise<void> {
    const result = await this.gdbus('org.freedesktop.secrets', '/org/freedesktop/secrets', 'org.freedesktop.Secret.Service.Lock', "['/org/freedesktop/secrets/collection/login']")
    if (result.code !== 0) throw new Error(`cannot lock: ${result.stderr}`)
  }

  /** The daemon keeps its bus name but answers nothing (SIGSTOP), until resume(). */
  freeze(): void {
    process.kill(this.keyring.pid!, 'SIGSTOP')
  }

  resume(): void {
    process.kill(this.keyring.pid!, 'SIGCONT')
  }

  close(): void {
    for (const child of [this.keyring, this.bus]) {
      try {
        process.kill(child.pid!, 'SIGCONT')
        process.kill(child.pid!, 'SIGKILL')
      } catch {
        // already gone
      }
    }
  }
}
