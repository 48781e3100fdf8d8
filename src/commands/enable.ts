import {userInfo} from 'node:os'
import {join} from 'node:path'

import {Flags} from '@oclif/core'

import {BaseCommand} from '../base-command.js'
import {now} from '../clock.js'
import {configDir, pinScope, vaultLocation} from '../command-context.js'
import {loadSodium} from '../crypto/sodium.js'
import {type GitSetup, checkGitIntegration, installGitIntegration, secretsCommandLine} from '../git/integration.js'
import {gitConfig} from '../git/repository.js'
import {IdentityStore} from '../keychain/identity-store.js'
import {type EnableResult, checkVaultFiles, enableVault} from '../vault/enable-vault.js'
import {trustedBase} from '../vault/repo-paths.js'

export default class Enable extends BaseCommand {
  static summary = 'Create the vault (.secrets/vault.db) in this repository, with you as its owner.'
  static description =
    'Creates your identity in the OS keychain if you have none, then the vault at the repository root with you as its first member (owner). Commit .secrets/ to share it. Refuses, writing nothing, when .secrets, a file in it, .gitattributes or the git config is a symlink (a cloned repository chooses those paths).'

  static examples = ['<%= config.bin %> enable', '<%= config.bin %> enable --name alice']

  static flags = {
    name: Flags.string({summary: 'Your member name in the vault (default: git user.email, else your login name).'}),
  }

  async run(): Promise<EnableResult & {recipient: string; identitySource: string; git: GitSetup | null}> {
    const {flags} = await this.parse(Enable)
    const context = this.context(flags.vault)
    const location = vaultLocation(context)
    // A symlink a clone planted (.secrets, .gitattributes, …) is refused before anything is
    // written: the identity, the vault, the attributes, the git config.
    const base = trustedBase(location.path, location.repoRoot)
    checkVaultFiles(base, location.path, 'write')
    if (location.repoRoot) checkGitIntegration(location.repoRoot, location.path)
    await loadSodium()
    const loaded = new IdentityStore({env: this.env}).findOrCreate()
    if (loaded.warning) this.warning(loaded.warning)
    const name = `user:${flags.name ?? gitConfig(location.repoRoot ?? process.cwd(), 'user.email') ?? userInfo().username}`
    const result = enableVault(location.path, loaded.identity, name, now(this.env), {configDir: configDir(this.env), pinScope: pinScope(location)}, base)
    // Git config is not cloned: each clone gets the drivers from its own `enable`.
    const git = location.repoRoot
      ? installGitIntegration(location.repoRoot, location.path, secretsCommandLine(process.execPath, join(this.config.root, 'bin', 'run.js')))
      : null
    const gitChanged = git !== null && (git.attributesLineAdded || git.configChanged.length > 0)
    if (!result.created) {
      this.say(`secrets is already enabled: ${location.path} (${gitChanged ? "set up git's diff and merge drivers for it in this clone" : 'nothing changed'})`)
    } else {
      if (loaded.created) this.say(`created your identity in ${loaded.location}`)
      this.say(`created ${location.path} with ${name} as owner`)
      if (gitChanged) this.say("set up git's diff and merge drivers for it (.gitattributes and this clone's git config)")
      this.say(`commit .secrets/${git?.attributesLineAdded ? ' and .gitattributes' : ''} to share the vault; names and scopes are visible in it, values are encrypted`)
    }

    return {...result, recipient: loaded.identity.recipient.toString(), identitySource: loaded.source, git}
  }
}
