import { checkAppId } from '../client/arguments.js'
import { type ClientOptions, createClient, type WeChatClient } from '../client/client.js'
import { invalidArgument } from '../client/errors.js'
import { quietly } from '../client/quietly.js'
import { MAX_ADMISSIONS } from '../stores/arguments.js'
import { memoryStore } from '../stores/memory.js'
import type { Store } from '../stores/store.js'
import { resolveReturnTo } from './return-to.js'
import type { AppCredentials, FlowEvent, Identity, TokenSet, WxAuthConfig } from './types.js'

/** Which WeChat login an app serves. @internal */
export type AppKind = 'official' | 'website'

/** A configured app and its client. @internal */
export interface FlowApp {
  kind: AppKind
  appId: string
  client: WeChatClient
}

/** Validated configuration with defaults applied. @internal */
export interface ResolvedConfig {
  apps: Partial<Record<AppKind, FlowApp>>
  origin: string
  basePath: string
  callbackUrl: string
  secrets: string[]
  /**
   * Sessions, users' tokens, refresh locks, and login attempts under `login:`, which the store
   * keeps where they cannot push the others out.
   */
  store: Store
  /** Login starts admitted within a transaction's lifetime; beyond, starts are refused as busy. */
  maxPendingLogins: number
  scope: 'snsapi_base' | 'snsapi_userinfo'
  sessionMaxAge: number
  revocable: boolean
  secure: boolean
  cookiePrefix: string
  defaultReturnTo: string
  onLogin: ((identity: Identity, tokens: TokenSet) => unknown) | undefined
  /** Time one callback may spend on WeChat, in ms. */
  budget: number
  log: (event: FlowEvent) => void
  now: () => number
}

const LOCALHOST = new Set(['localhost', '127.0.0.1', '[::1]'])

const OPTIONS = new Set([
  'apps',
  'baseUrl',
  'basePath',
  'secrets',
  'store',
  'scope',
  'session',
  'cookies',
  'defaultReturnTo',
  'apiBaseUrl',
  'openBaseUrl',
  'fetch',
  'wechat',
  'logins',
  'onLogin',
  'log',
  'now',
])

/** Checks a {@link WxAuthConfig} and applies defaults; errors name the option and the fix. @internal */
export function resolveConfig(config: WxAuthConfig): ResolvedConfig {
  if (typeof config !== 'object' || config === null) {
    throw invalidArgument('config must be an object')
  }
  for (const key of Object.keys(config)) {
    // There is deliberately no option to skip the state check, and a misspelt one must not pass.
    if (!OPTIONS.has(key)) throw invalidArgument(`"${key}" is not an option of createWxAuth`)
  }
  const origin = checkOrigin(config.baseUrl)
  const basePath = checkBasePath(config.basePath ?? '/auth/wechat')
  const clientOptions = {
    ...(config.apiBaseUrl === undefined ? {} : { apiBaseUrl: config.apiBaseUrl }),
    ...(config.openBaseUrl === undefined ? {} : { openBaseUrl: config.openBaseUrl }),
    ...(config.fetch === undefined ? {} : { fetch: config.fetch }),
    ...wechatOptions(config.wechat),
  }
  const budget = config.wechat?.budget ?? 10_000
  if (typeof budget !== 'number' || !Number.isFinite(budget) || budget <= 0 || budget > MAX_TIMER) {
    throw invalidArgument(`wechat.budget must be a positive number of ms up to ${MAX_TIMER}`)
  }
  const apps: Partial<Record<AppKind, FlowApp>> = {}
  for (const kind of ['official', 'website'] as const) {
    const credentials: AppCredentials | undefined = config.apps?.[kind]
    if (credentials === undefined) continue
    const appId = checkAppId(credentials.appId, `apps.${kind}.appId`)
    if (typeof credentials.appSecret !== 'string' || credentials.appSecret.trim() === '') {
      throw invalidArgument(`apps.${kind}.appSecret must be the app's AppSecret`)
    }
    apps[kind] = {
      kind,
      appId,
      client: createClient({ appId, appSecret: credentials.appSecret, ...clientOptions }),
    }
  }
  if (!apps.official && !apps.website) {
    throw invalidArgument(
      'apps must configure an official account (apps.official), a website app (apps.website), or both',
    )
  }
  if (apps.official && apps.website && apps.official.appId === apps.website.appId) {
    throw invalidArgument(
      'apps.official and apps.website must be different apps: a website app cannot log users in inside WeChat (10016)',
    )
  }
  const secrets = typeof config.secrets === 'string' ? [config.secrets] : config.secrets
  if (!Array.isArray(secrets) || secrets.length === 0) {
    throw invalidArgument(
      'secrets must be a string of 32 characters or more, or a list of them (newest first)',
    )
  }
  const scope = config.scope ?? 'snsapi_userinfo'
  if (scope !== 'snsapi_base' && scope !== 'snsapi_userinfo') {
    throw invalidArgument('scope must be "snsapi_base" or "snsapi_userinfo"')
  }
  const sessionMaxAge = config.session?.maxAge ?? 7 * 24 * 3600
  if (!Number.isInteger(sessionMaxAge) || sessionMaxAge <= 0 || sessionMaxAge > 366 * 24 * 3600) {
    throw invalidArgument('session.maxAge must be a whole number of seconds, at most a year')
  }
  const url = new URL(origin)
  const plainHttp = url.protocol === 'http:' && !LOCALHOST.has(url.hostname)
  if (plainHttp && config.cookies?.secure !== false) {
    // Browsers drop Secure cookies over plain http, so every login would fail: say so at start.
    throw invalidArgument(
      'baseUrl must be https (WeChat codes travel in the callback URL); for a plain-http test on a LAN, set cookies.secure to false',
    )
  }
  const secure = config.cookies?.secure ?? url.protocol === 'https:'
  const cookiePrefix = config.cookies?.prefix ?? 'wxauth'
  if (!/^[A-Za-z0-9_-]{1,32}$/.test(cookiePrefix)) {
    throw invalidArgument('cookies.prefix must be 1 to 32 characters of [A-Za-z0-9_-]')
  }
  const defaultReturnTo = checkDefaultReturnTo(config.defaultReturnTo ?? '/', origin)
  const maxPendingLogins = checkLogins(config.logins)
  if (config.onLogin !== undefined && typeof config.onLogin !== 'function') {
    throw invalidArgument('onLogin must be a function')
  }
  if (config.log !== undefined && typeof config.log !== 'function') {
    throw invalidArgument('log must be a function')
  }
  return {
    apps,
    origin,
    basePath,
    callbackUrl: `${origin}${basePath}/callback`,
    secrets,
    store: config.store ?? memoryStore(),
    maxPendingLogins,
    scope,
    sessionMaxAge,
    revocable: config.session?.revocable ?? false,
    secure,
    cookiePrefix,
    defaultReturnTo,
    onLogin: config.onLogin,
    budget,
    log: quietly(config.log) ?? (() => {}),
    now: config.now ?? Date.now,
  }
}

// setTimeout fires at once past 2^31-1 ms.
const MAX_TIMER = 2_147_483_647

/** The client options under `wechat`, checked here so that an error names `wechat.…`. */
function wechatOptions(wechat: WxAuthConfig['wechat']): Pick<ClientOptions, 'timeout' | 'retry'> {
  if (wechat === undefined) return {}
  if (typeof wechat !== 'object' || wechat === null)
    throw invalidArgument('wechat must be an object')
  for (const key of Object.keys(wechat)) {
    if (!['timeout', 'retry', 'budget'].includes(key)) {
      throw invalidArgument(`"wechat.${key}" is not an option (timeout, retry, budget)`)
    }
  }
  try {
    // createClient checks them; made once here so that its message can be prefixed.
    const options = {
      ...(wechat.timeout === undefined ? {} : { timeout: wechat.timeout }),
      ...(wechat.retry === undefined ? {} : { retry: wechat.retry }),
    }
    createClient({ appId: 'wx0000000000000000', appSecret: 'check', ...options })
    return options
  } catch (error) {
    throw invalidArgument(`wechat.${(error as Error).message}`)
  }
}

function checkOrigin(baseUrl: string): string {
  let url: URL
  try {
    url = new URL(baseUrl)
  } catch {
    throw invalidArgument(
      'baseUrl must be the public origin of the app, such as "https://example.com"',
    )
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw invalidArgument('baseUrl must be an http(s) origin, such as "https://example.com"')
  }
  if (url.pathname !== '/' || url.search || url.hash || url.username || url.password) {
    throw invalidArgument(
      'baseUrl must be an origin only (no path, query or credentials); put a path prefix in basePath',
    )
  }
  return url.origin
}

/**
 * The default return path, normalised as a requested one is (a non-ASCII path percent-encoded),
 * so that the redirect after a login can always be sent: a header cannot carry it otherwise.
 */
function checkDefaultReturnTo(value: unknown, origin: string): string {
  const normalised = typeof value === 'string' ? resolveReturnTo(value, origin, '') : ''
  if (normalised === '') {
    throw invalidArgument(
      'defaultReturnTo must be a path on this site, such as "/" or "/home" (at most 512 characters once percent-encoded)',
    )
  }
  return normalised
}

/** Default of `logins.maxPending`: 100 login starts a second, for the 10 minutes a login may take. */
const MAX_PENDING_LOGINS = 60_000

function checkLogins(logins: WxAuthConfig['logins']): number {
  if (logins === undefined) return MAX_PENDING_LOGINS
  if (typeof logins !== 'object' || logins === null)
    throw invalidArgument('logins must be an object')
  for (const key of Object.keys(logins)) {
    if (key !== 'maxPending') throw invalidArgument(`"logins.${key}" is not an option (maxPending)`)
  }
  const max = logins.maxPending ?? MAX_PENDING_LOGINS
  if (!Number.isInteger(max) || max < 1 || max > MAX_ADMISSIONS) {
    throw invalidArgument(
      `logins.maxPending must be a whole number from 1 to ${MAX_ADMISSIONS}: the peak login starts per second times 600`,
    )
  }
  return max
}

function checkBasePath(basePath: string): string {
  if (typeof basePath !== 'string' || !/^(\/[A-Za-z0-9._~-]+)+$/.test(basePath)) {
    throw invalidArgument('basePath must be a path such as "/auth/wechat" (no trailing slash)')
  }
  return basePath
}
