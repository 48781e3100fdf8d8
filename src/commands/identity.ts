import {BaseCommand} from '../base-command.js'
import {loadSodium} from '../crypto/sodium.js'
import {IdentityStore, type IdentitySource} from '../keychain/identity-store.js'

export default class IdentityCommand extends BaseCommand {
  static summary = 'Show your identity (creating one if you have none): the recipient to give vault owners.'
  static examples = ['<%= config.bin %> identity', '<%= config.bin %> identity --json']

  async run(): Promise<{recipient: string; fingerprint: string; source: IdentitySource; location: string; created: boolean}> {
    await this.parse(IdentityCommand)
    await loadSodium()
    const loaded = new IdentityStore({env: this.env}).findOrCreate()
    if (loaded.warning) this.warning(loaded.warning)
    const {recipient} = loaded.identity
    if (!this.jsonEnabled()) {
      if (loaded.created) this.say(`created a new identity in ${loaded.location}`)
      this.log(`recipient:   ${recipient.toString()}`)
      this.log(`fingerprint: ${recipient.fingerprint}`)
      this.log(`source:      ${loaded.source} (${loaded.location})`)
    }

    return {recipient: recipient.toString(), fingerprint: recipient.fingerprint, source: loaded.source, location: loaded.location, created: loaded.created}
  }
}
