/** The emulator's state and the operations tests script it with (shared by the JS and HTTP APIs). */
import { jsCodeTtl } from './api/jscode2session.js'
import { type AutoApproval, type AutoApproveOptions, AutoApprover } from './auto-approve.js'
import { Chaos, type ChaosSettings, parseChaosOptions } from './chaos.js'
import { OffsetClock } from './clock.js'
import { CodeUsageCounter } from './code-usage.js'
import {
  type AppConfig,
  type Behaviour,
  EmulatorConfigError,
  parseAppConfig,
  parseUserConfig,
  type ResolvedOptions,
  type UserConfig,
} from './config.js'
import type { Env } from './context.js'
import { type EndpointName, isEndpointName } from './endpoints.js'
import { type Fault, FaultQueue, parseFault } from './faults.js'
import { openidFor } from './ids.js'
import { scopesOf, unionidOf } from './model/apps.js'
import { World } from './model/world.js'
import { RequestLog, type RequestLogEntry } from './request-log.js'

/** Options of `issueCode`: who authorized which app, with which scope. */
export interface IssueCodeOptions {
  appId: string
  user: string
  /** Default: snsapi_userinfo for official accounts, snsapi_login for website apps. */
  scope?: string
  /** A snapshot-page code (`is_snapshotuser: 1`); default: whether the user is a snapshot user. */
  snapshot?: boolean
  /** Issue the code as if authorized through this third-party platform. */
  componentAppId?: string
}

/** Most apps the emulator holds; adding more fails (replacing one by appId still works). */
export const maxApps = 10_000
/** Most users the emulator holds; adding more fails (replacing one by id still works). */
export const maxUsers = 10_000

const bad = (message: string): never => {
  throw new EmulatorConfigError(message)
}

/** Emulator state plus the scripting operations. */
export class Core implements Env {
  readonly world: World
  readonly clock: OffsetClock
  readonly behaviour: Behaviour
  readonly allowLocalPorts: boolean
  readonly faults = new FaultQueue()
  readonly chaos = new Chaos()
  readonly codeUsage = new CodeUsageCounter()
  readonly log = new RequestLog(500)
  readonly #counts = new Map<EndpointName, number>()
  readonly #publicUrl: string | undefined
  readonly #auto = new AutoApprover()
  /** Set while listening. */
  listenUrl: string | undefined
  /** Set by the handler once built. */
  fetch: Env['fetch'] = () => Promise.reject(new Error('emulator not ready'))

  constructor(options: ResolvedOptions, clock?: () => number) {
    this.world = new World(options)
    this.behaviour = options.behaviour
    this.allowLocalPorts = options.allowLocalPorts
    this.clock = new OffsetClock(clock)
    this.#publicUrl = options.publicUrl
  }

  baseUrl(): string {
    return this.#publicUrl ?? this.listenUrl ?? 'http://127.0.0.1:8900'
  }

  /** The auto-approve script as it stands (not used up). */
  autoApproval(): AutoApproval | undefined {
    return this.#auto.peek()
  }

  takeAutoApproval(): AutoApproval | undefined {
    return this.#auto.take()
  }

  recentRequests(): readonly RequestLogEntry[] {
    return this.log.list()
  }

  #app(appId: unknown, path = 'appId'): AppConfig {
    if (typeof appId !== 'string') return bad(`"${path}" must be a string`)
    return this.world.apps.get(appId) ?? bad(`"${path}": no app "${appId}"`)
  }

  #user(id: unknown, path = 'user'): UserConfig {
    if (typeof id !== 'string') return bad(`"${path}" must be a string`)
    return this.world.users.get(id) ?? bad(`"${path}": no user "${id}"`)
  }

  /** The next authorize or qrconnect (or `times`, or all with `keep`) answers at once as `user`. */
  autoApprove(user: string | null, opts: AutoApproveOptions = {}): void {
    if (user !== null) this.#user(user)
    if (typeof opts !== 'object' || opts === null) bad('autoApprove options must be an object')
    this.#auto.set(user, opts)
  }

  /** Queues a fault for the next `times` calls of `endpoint`. */
  fail(endpoint: unknown, fault: unknown, times: unknown = 1): void {
    if (!isEndpointName(endpoint)) bad(`"endpoint": unknown endpoint ${JSON.stringify(endpoint)}`)
    this.faults.add(endpoint as EndpointName, parseFault(fault) as Fault, times as number)
  }

  /**
   * Starts chaos mode (restarting its generator and report), or stops it with null.
   * @returns the settings with defaults applied (the seed included), or null when stopped.
   */
  setChaos(options: unknown): ChaosSettings | null {
    if (options === null) {
      this.chaos.stop()
      return null
    }
    const settings = parseChaosOptions(options)
    this.chaos.start(settings)
    return this.chaos.settings() ?? null
  }

  /** Counts a request to `endpoint`. */
  hit(endpoint: EndpointName): void {
    this.#counts.set(endpoint, (this.#counts.get(endpoint) ?? 0) + 1)
  }

  count(endpoint: EndpointName): number {
    if (!isEndpointName(endpoint)) bad(`unknown endpoint ${JSON.stringify(endpoint)}`)
    return this.#counts.get(endpoint) ?? 0
  }

  /** A code as if `user` had just authorized `appId`. */
  issueCode(opts: IssueCodeOptions): string {
    if (typeof opts !== 'object' || opts === null) bad('issueCode needs { appId, user }')
    const app = this.#app(opts.appId)
    const user = this.#user(opts.user)
    if (app.kind !== 'official' && app.kind !== 'website') {
      bad(
        `"appId": ${app.appId} is a ${app.kind}; codes are for official accounts and website apps`,
      )
    }
    const scope = opts.scope ?? (app.kind === 'website' ? 'snsapi_login' : 'snsapi_userinfo')
    if (typeof scope !== 'string' || scope.split(',').some((s) => !scopesOf(app).includes(s))) {
      bad(`"scope": ${app.appId} may request ${scopesOf(app).join(', ') || 'nothing'}`)
    }
    if (opts.snapshot !== undefined && typeof opts.snapshot !== 'boolean')
      bad('"snapshot" must be a boolean')
    const grant = {
      appId: app.appId,
      userId: user.id,
      scope,
      snapshot: opts.snapshot ?? user.snapshot === true,
    }
    if (opts.componentAppId !== undefined) {
      const component = this.#app(opts.componentAppId, 'componentAppId')
      if (
        component.kind !== 'component' ||
        !(app.authorizedComponents ?? []).includes(component.appId)
      ) {
        bad(`"componentAppId": ${app.appId} has not authorized component ${component.appId}`)
      }
      Object.assign(grant, { componentAppId: component.appId })
    }
    const ttl =
      app.kind === 'website' ? this.behaviour.codeTtl.website : this.behaviour.codeTtl.official
    return this.world.codes.issue(grant, ttl, this.clock.now())
  }

  /** What wx.login gives a mini program: a js_code (5 minutes, single use). */
  miniProgramLogin(opts: { appId: string; user: string }): string {
    if (typeof opts !== 'object' || opts === null) bad('miniProgramLogin needs { appId, user }')
    const app = this.#app(opts.appId)
    if (app.kind !== 'miniprogram') bad(`"appId": ${app.appId} is not a mini program`)
    const user = this.#user(opts.user)
    const grant = { appId: app.appId, userId: user.id, scope: '', snapshot: false }
    return this.world.jsCodes.issue(grant, jsCodeTtl, this.clock.now())
  }

  /** A valid component_access_token for a third-party platform. */
  componentAccessToken(componentAppId: string): { token: string; expiresIn: number } {
    const app = this.#app(componentAppId, 'componentAppId')
    if (app.kind !== 'component') bad(`"componentAppId": ${app.appId} is not a component`)
    return this.world.componentTokens.issue(
      app.appId,
      this.behaviour.accessTokenTtl,
      this.clock.now(),
    )
  }

  openid(appId: string, user: string): string {
    const u = this.#user(user)
    return openidFor(this.#app(appId).appId, u.id, u.snapshot === true)
  }

  unionid(appId: string, user: string): string | undefined {
    const u = this.#user(user)
    return unionidOf(this.#app(appId), u.id, u.snapshot === true)
  }

  /**
   * Forgets remembered snsapi_userinfo consents (of one app, one user, or all), so that the
   * consent page shows again; returns how many were forgotten.
   */
  forgetConsents(opts: { appId?: unknown; user?: unknown } = {}): number {
    if (typeof opts !== 'object' || opts === null) bad('forgetConsents takes { appId?, user? }')
    const filter: { appId?: string; userId?: string } = {}
    if (opts.appId !== undefined) filter.appId = this.#app(opts.appId).appId
    if (opts.user !== undefined) filter.userId = this.#user(opts.user).id
    return this.world.consents.forget(filter)
  }

  /** The user changed their password: their tokens (for one app, or all) now answer 42007. */
  revokeUser(user: string, opts: { appId?: string } = {}): void {
    this.#user(user)
    if (opts.appId !== undefined) this.#app(opts.appId)
    this.world.tokens.revoke(user, opts.appId)
  }

  /** Adds (or replaces, by appId) an app; at most {@link maxApps}. */
  addApp(app: unknown): AppConfig {
    const parsed = parseAppConfig(app)
    const { apps } = this.world
    if (!apps.get(parsed.appId) && apps.size >= maxApps) {
      bad(`too many apps (${maxApps} max): reset the emulator or replace one by appId`)
    }
    apps.put(parsed)
    return parsed
  }

  /** Adds (or replaces, by id) a user; at most {@link maxUsers}. */
  addUser(user: unknown): UserConfig {
    const parsed = parseUserConfig(user)
    const { users } = this.world
    if (!users.get(parsed.id) && users.size >= maxUsers) {
      bad(`too many users (${maxUsers} max): reset the emulator or replace one by id`)
    }
    users.put(parsed)
    return parsed
  }

  /** Back to the initial configuration. */
  reset(): void {
    this.world.reset()
    this.faults.clear()
    this.chaos.clear()
    this.codeUsage.clear()
    this.log.clear()
    this.#counts.clear()
    this.#auto.clear()
    this.clock.reset()
  }
}
