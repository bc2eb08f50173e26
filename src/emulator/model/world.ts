/** The emulator's whole model: apps, users and everything issued to them. */
import type { Behaviour, ResolvedOptions } from '../config.js'
import { Apps } from './apps.js'
import { Codes } from './codes.js'
import { ComponentTokens } from './component-tokens.js'
import { Consents } from './consents.js'
import { PendingRequests } from './pending.js'
import { QrSessions } from './qr.js'
import { MinuteRate } from './rate.js'
import { Tokens } from './tokens.js'
import { Users } from './users.js'

/** Everything the emulator knows; `reset()` returns to the configured initial state. */
export class World {
  readonly apps: Apps
  readonly users: Users
  /** The marker in every credential issued ('' for none): see `EmulatorOptions.canary`. */
  readonly canary: string
  /** OAuth codes (authorize, qrconnect, component). */
  readonly codes: Codes
  /** Mini-program js_codes (wx.login). */
  readonly jsCodes: Codes
  readonly tokens: Tokens
  readonly componentTokens: ComponentTokens
  readonly consents = new Consents()
  readonly pending = new PendingRequests()
  readonly qr = new QrSessions()
  readonly jsRate = new MinuteRate()
  readonly behaviour: Behaviour
  readonly #initial: ResolvedOptions

  constructor(options: ResolvedOptions) {
    this.#initial = options
    this.canary = options.canary
    this.codes = new Codes(options.canary)
    this.jsCodes = new Codes(options.canary)
    this.tokens = new Tokens(options.canary)
    this.componentTokens = new ComponentTokens(options.canary)
    this.apps = new Apps(options.apps)
    this.users = new Users(options.users)
    this.behaviour = options.behaviour
  }

  /** Whether `value` is a code, js_code or token this emulator issued and still knows. */
  isIssued(value: string): boolean {
    return (
      this.codes.has(value) ||
      this.jsCodes.has(value) ||
      this.tokens.has(value) ||
      this.componentTokens.has(value)
    )
  }

  reset(): void {
    this.apps.reset(this.#initial.apps)
    this.users.reset(this.#initial.users)
    this.codes.clear()
    this.jsCodes.clear()
    this.tokens.clear()
    this.componentTokens.clear()
    this.consents.clear()
    this.pending.clear()
    this.qr.clear()
    this.jsRate.clear()
  }
}
