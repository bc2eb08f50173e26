/**
 * A local WeChat for development and tests: the OAuth endpoints of api.weixin.qq.com and the
 * authorize / QR login pages of open.weixin.qq.com, with WeChat's quirks reproduced on purpose.
 * Not WeChat, and for testing only.
 *
 * @example
 * ```ts
 * import { createEmulator, defaultOfficialAccount } from 'wxauth/emulator'
 * const emu = createEmulator()
 * const { appId, secret } = defaultOfficialAccount
 * const code = emu.issueCode({ appId, user: 'zhangsan' })
 * const res = await emu.fetch(
 *   `https://api.weixin.qq.com/sns/oauth2/access_token?appid=${appId}&secret=${secret}&code=${code}&grant_type=authorization_code`,
 * )
 * ```
 * @module wxauth/emulator
 */
import type { AutoApproveOptions } from './auto-approve.js'
import type { ChaosOptions, ChaosReport, ChaosSettings } from './chaos.js'
import type { EmulatorClock } from './clock.js'
import type { CodeUsage } from './code-usage.js'
import {
  type AppConfig,
  EmulatorConfigError,
  type EmulatorOptions,
  resolveOptions,
  type UserConfig,
} from './config.js'
import { Core, type IssueCodeOptions } from './core.js'
import { defaultApps, defaultUsers } from './defaults.js'
import type { EndpointName } from './endpoints.js'
import type { Fault } from './faults.js'
import { createHandler } from './handler.js'
import type { RequestLogEntry } from './request-log.js'
import { HttpServer, type ListenInfo, type ListenOptions } from './server.js'

export type { AutoApproval, AutoApproveOptions } from './auto-approve.js'
export {
  type ChaosFaultKind,
  type ChaosOptions,
  type ChaosReport,
  type ChaosSettings,
  chaosFaultKinds,
} from './chaos.js'
export type { EmulatorClock } from './clock.js'
export type { CodeUsage } from './code-usage.js'
export {
  type AppConfig,
  type AppKind,
  type Behaviour,
  type BehaviourOptions,
  defaultBehaviour,
  EmulatorConfigError,
  type EmulatorOptions,
  type UserConfig,
} from './config.js'
export type { IssueCodeOptions } from './core.js'
export {
  defaultApps,
  defaultComponent,
  defaultMiniProgram,
  defaultOfficialAccount,
  defaultUsers,
  defaultWebsiteApp,
} from './defaults.js'
export { type EndpointName, endpointNames } from './endpoints.js'
export type { Fault } from './faults.js'
export type { RequestLogEntry } from './request-log.js'
export type { ListenInfo, ListenOptions } from './server.js'

/** A running emulator. */
export interface Emulator {
  /** WHATWG fetch over the emulator, in-process. Routes by path only; never follows redirects. */
  fetch(input: string | URL | Request, init?: RequestInit): Promise<Response>
  /** Handles one Request; resolves `Response.error()` for a `drop` fault. */
  handle(request: Request): Promise<Response>
  /**
   * Serves both WeChat hosts' paths, the pages and `/__emulator/` over node:http. `/__emulator/`
   * answers only requests whose Host names the emulator (listen host, localhost, 127.0.0.1,
   * [::1] on its port, or the `publicUrl` host): a guard against DNS rebinding.
   */
  listen(options?: ListenOptions): Promise<ListenInfo>
  /** Stops listening (idle keep-alive sockets at once, busy ones within a second); state stays. */
  close(): Promise<void>
  /** The listen URL while listening, else undefined. */
  readonly url: string | undefined
  /** The emulator's clock: `now()` in milliseconds, `advance(seconds)` to expire codes and tokens. */
  readonly clock: EmulatorClock
  /**
   * The next authorize or qrconnect request answers with a 302 at once as `user` (allow: with a
   * code; deny: with state only), then auto-approve is off again: one test's script never answers
   * the next test's logins. `times` answers that many; `keep: true` every one until
   * `autoApprove(null)` or `reset()`. It stands in for the user, not for the WeChat client: an
   * official-account link opened outside WeChat still gets "请在微信客户端打开链接" (and is not
   * counted). Link errors (10003…) still show, and are not counted either.
   * @throws {@link EmulatorConfigError} for an unknown user or a bad option.
   * @example
   * ```ts
   * emu.autoApprove('zhangsan')                 // the next login
   * emu.autoApprove('lisi', { times: 2 })       // the next two
   * emu.autoApprove('wangwu', { keep: true })   // every login, until emu.autoApprove(null)
   * ```
   */
  autoApprove(user: string | null, opts?: AutoApproveOptions): void
  /**
   * Injects `fault` into the next `times` (default 1) calls of `endpoint`.
   * @throws {@link EmulatorConfigError} on a bad fault, or with 10,000 faults already queued.
   */
  fail(endpoint: EndpointName, fault: Fault, times?: number): void
  /**
   * Chaos mode: from now on, a seeded share (`rate`) of the calls to the chosen endpoints gets a
   * fault of a chosen kind (errcode -1, HTTP 5xx, a timeout, a dropped connection, a truncated,
   * HTML or `text/plain` answer). Scripted faults (`fail`) still come first. Starting again
   * restarts the generator and the report; `null` stops (the report stays until the next start or
   * `reset()`).
   * @returns the settings with defaults applied (note the seed to replay a run), or null.
   * @throws {@link EmulatorConfigError} on bad options (the message names the field).
   * @example
   * ```ts
   * emu.chaos({ rate: 0.2, seed: 42, endpoints: ['sns/oauth2/access_token', 'sns/userinfo'] })
   * // … run logins …
   * emu.chaos(null)
   * console.log(emu.chaosReport().byKind) // { drop: 7, timeout: 5, … }
   * ```
   */
  chaos(options: ChaosOptions | null): ChaosSettings | null
  /** What chaos mode injected since it was last started: by kind and by endpoint. */
  chaosReport(): ChaosReport
  /**
   * How codes were presented for exchange since the start or `reset()`: counts only, never a code.
   * `repeats` above 0 means some code was exchanged twice.
   */
  codeUsage(): CodeUsage
  /** The request log (last 500), redacted. */
  readonly requests: readonly RequestLogEntry[]
  /** How many requests `endpoint` received. */
  count(endpoint: EndpointName): number
  /**
   * Back to the initial configuration (codes, tokens, consents, faults, chaos mode and its report,
   * code usage, log, auto-approve, clock).
   */
  reset(): void
  /**
   * Registers an app, replacing one with the same appId; kept until `reset()`.
   * @throws {@link EmulatorConfigError} when invalid, or when 10,000 apps are registered.
   */
  addApp(app: AppConfig): void
  /**
   * Registers a user, replacing one with the same id; kept until `reset()`.
   * @throws {@link EmulatorConfigError} when invalid, or when 10,000 users are registered.
   */
  addUser(user: UserConfig): void
  /** A code as if `user` had just authorized the app. */
  issueCode(opts: IssueCodeOptions): string
  /** What wx.login gives a mini program: a js_code. */
  miniProgramLogin(opts: { appId: string; user: string }): string
  /** A valid component_access_token. */
  componentAccessToken(componentAppId: string): string
  /** The user's openid in the app. */
  openid(appId: string, user: string): string
  /** The user's unionid for the app, if the app is bound to an open platform. */
  unionid(appId: string, user: string): string | undefined
  /**
   * Forgets remembered snsapi_userinfo consents (of one app, one user, or all), so that the next
   * snsapi_userinfo authorize shows the consent page again instead of WeChat's silent
   * re-authorization (a consent is remembered for `behaviour.rememberConsentDays`, 30).
   * @returns how many consents were forgotten.
   * @throws {@link EmulatorConfigError} for an unknown app or user.
   */
  forgetConsents(opts?: { appId?: string; user?: string }): number
  /** The user changed their password: their tokens now answer 42007. */
  revokeUser(user: string, opts?: { appId?: string }): void
  /** Whether a redirect_uri on localhost may carry a port ({@link EmulatorOptions.allowLocalPorts}). */
  readonly allowLocalPorts: boolean
  /** The apps as configured now (secrets included: these are your own test fixtures). */
  readonly apps: readonly AppConfig[]
  /** The users as configured now. */
  readonly users: readonly UserConfig[]
}

function connectionReset(): TypeError {
  const cause = Object.assign(new Error('read ECONNRESET'), {
    code: 'ECONNRESET',
    errno: -104,
    syscall: 'read',
  })
  return new TypeError('fetch failed', { cause })
}

/**
 * Creates an emulator with the default apps and users unless given.
 * @throws {@link EmulatorConfigError} when an option is invalid (the message names it).
 */
export function createEmulator(options: EmulatorOptions = {}): Emulator {
  const resolved = resolveOptions(options, { apps: defaultApps, users: defaultUsers })
  const { clock } = options
  if (clock !== undefined && typeof clock !== 'function') {
    throw new EmulatorConfigError('"clock" must be a function returning milliseconds')
  }
  const core = new Core(resolved, clock)
  const handle = createHandler(core)
  const server = new HttpServer(handle, resolved.publicUrl)

  const fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    // Relative paths are welcome: the host does not matter.
    const target =
      typeof input === 'string' && input.startsWith('/') ? `http://emulator.local${input}` : input
    const response = await handle(new Request(target, init))
    if (response.type === 'error') throw connectionReset()
    return response
  }
  core.fetch = fetch

  return {
    fetch,
    handle,
    async listen(opts) {
      const info = await server.listen(opts)
      core.listenUrl = info.url
      return info
    },
    async close() {
      await server.close()
      core.listenUrl = undefined
    },
    get url() {
      return core.listenUrl
    },
    clock: {
      now: () => core.clock.now(),
      advance: (seconds) => core.clock.advance(seconds),
    },
    autoApprove: (user, opts) => core.autoApprove(user, opts),
    fail: (endpoint, fault, times) => core.fail(endpoint, fault, times),
    chaos: (options) => core.setChaos(options),
    chaosReport: () => core.chaos.report(),
    codeUsage: () => core.codeUsage.report(),
    get requests() {
      return core.log.list()
    },
    count: (endpoint) => core.count(endpoint),
    reset: () => core.reset(),
    addApp: (app) => {
      core.addApp(app)
    },
    addUser: (user) => {
      core.addUser(user)
    },
    issueCode: (opts) => core.issueCode(opts),
    miniProgramLogin: (opts) => core.miniProgramLogin(opts),
    componentAccessToken: (id) => core.componentAccessToken(id).token,
    openid: (appId, user) => core.openid(appId, user),
    unionid: (appId, user) => core.unionid(appId, user),
    forgetConsents: (opts) => core.forgetConsents(opts),
    revokeUser: (user, opts) => core.revokeUser(user, opts),
    allowLocalPorts: core.allowLocalPorts,
    get apps() {
      return core.world.apps.list()
    },
    get users() {
      return core.world.users.list()
    },
  }
}
