import { defaultTransport } from '#default-transport'
import { checkAppId } from './arguments.js'
import {
  type AuthorizeUrlOptions,
  buildAuthorizeUrl,
  buildQrConnectUrl,
  DEFAULT_OPEN_BASE_URL,
  type QrConnectUrlOptions,
} from './authorize.js'
import { invalidArgument } from './errors.js'
import type { CallContext, ClientLogEvent, RetryOptions } from './http.js'
import { code2Session } from './miniprogram.js'
import { quietly } from './quietly.js'
import { type ComponentOptions, exchangeCode, type RequestOptions, refreshToken } from './token.js'
import { type FetchLike, fetchTransport } from './transport.js'
import type { Code2SessionResult, TokenResult, UserInfoResult } from './types.js'
import { checkToken, getUserInfo, type UserInfoOptions } from './userinfo.js'

/** Default base URL of WeChat's API. */
export const DEFAULT_API_BASE_URL = 'https://api.weixin.qq.com'

/** Options of {@link createClient}. */
export interface ClientOptions {
  /** The app's AppID: an official account, a website app or a mini program. */
  appId: string
  /** The app's AppSecret. Required except for a third-party platform (`component`). Never logged. */
  appSecret?: string
  /** Act as a third-party platform on behalf of the official account `appId`. */
  component?: ComponentOptions
  /** Default `https://api.weixin.qq.com`; the emulator's URL in development. */
  apiBaseUrl?: string
  /** Default `https://open.weixin.qq.com`; the emulator's URL in development. */
  openBaseUrl?: string
  /**
   * A `fetch` to send requests with, e.g. the emulator's in-process `emulator.fetch`. By default
   * the client uses a keep-alive undici pool on Node.
   */
  fetch?: FetchLike
  /** Per-attempt timeout in ms. Default `5000`. */
  timeout?: number
  /** Retry policy for calls that are safe to repeat, or `false` for none. */
  retry?: RetryOptions | false
  /** Largest response body accepted, in bytes. Default `65536`. */
  maxBodySize?: number
  /**
   * Receives a secret-free event for every response, retry and error. It may be async; what it
   * throws or rejects with is ignored.
   */
  log?: (event: ClientLogEvent) => void
}

/** A client for one WeChat app. Holds no per-user state. */
export interface WeChatClient {
  /** The app's AppID. */
  readonly appId: string
  /** The official account authorize link (inside WeChat). Adds `component_appid` for a platform. */
  authorizeUrl(options: AuthorizeUrlOptions): string
  /** The website app QR login link (desktop browsers). */
  qrConnectUrl(options: QrConnectUrlOptions): string
  /**
   * Exchanges the callback's `code` for tokens and the user's openid.
   * @throws {WeChatApiError} e.g. 40029 (invalid or expired code) or 40163 (already used):
   * both have `category: 'restart-login'`.
   */
  exchangeCode(code: string, options?: RequestOptions): Promise<TokenResult>
  /**
   * Refreshes an access token.
   * @throws {WeChatApiError} 40030 / 42002 / 42007 with `category: 'reauthorize'`.
   */
  refreshToken(refreshTokenValue: string, options?: RequestOptions): Promise<TokenResult>
  /** Whether an access token is valid for an openid (`sns/auth`). */
  checkToken(accessToken: string, openid: string, options?: RequestOptions): Promise<boolean>
  /**
   * The user's profile (`sns/userinfo`); needs a `snsapi_userinfo` or `snsapi_login` token.
   * @throws {WeChatApiError} 48001 for a `snsapi_base` or snapshot-user token.
   */
  getUserInfo(
    accessToken: string,
    openid: string,
    options?: UserInfoOptions,
  ): Promise<UserInfoResult>
  /** Mini program login: exchanges a `wx.login` code for openid and session key. */
  code2Session(jsCode: string, options?: RequestOptions): Promise<Code2SessionResult>
}

/**
 * Creates a client for one WeChat app.
 *
 * @example
 * const wechat = createClient({ appId: 'wx0123456789abcdef', appSecret: process.env.WECHAT_SECRET })
 * const tokens = await wechat.exchangeCode(code)
 * const profile = await wechat.getUserInfo(tokens.access_token, tokens.openid)
 */
export function createClient(options: ClientOptions): WeChatClient {
  const appId = checkAppId(options.appId, 'appId')
  const appSecret = options.appSecret
  if (appSecret !== undefined && (typeof appSecret !== 'string' || appSecret.trim() === '')) {
    throw invalidArgument('appSecret must be a non-empty string')
  }
  const component = options.component
  if (component !== undefined) {
    checkAppId(component.appId, 'component.appId')
    if (typeof component.accessToken !== 'function') {
      throw invalidArgument(
        'component.accessToken must be a function returning the component access token',
      )
    }
  } else if (appSecret === undefined) {
    throw invalidArgument('appSecret is required (or `component` for a third-party platform)')
  }
  const openBaseUrl = checkBaseUrl(options.openBaseUrl ?? DEFAULT_OPEN_BASE_URL, 'openBaseUrl')
  if (options.log !== undefined && typeof options.log !== 'function') {
    throw invalidArgument('log must be a function')
  }
  const ctx: CallContext = {
    transport: options.fetch ? fetchTransport(checkFetch(options.fetch)) : defaultTransport(),
    apiBaseUrl: checkBaseUrl(options.apiBaseUrl ?? DEFAULT_API_BASE_URL, 'apiBaseUrl'),
    timeout: checkPositive(options.timeout ?? 5_000, 'timeout'),
    retry: retryPolicy(options.retry),
    maxBodySize: checkPositive(options.maxBodySize ?? 65_536, 'maxBodySize', 16 * 1024 * 1024),
    log: quietly(options.log),
    secrets: appSecret ? [appSecret] : [],
  }
  const credentials = { appId, appSecret, component }
  const target = component
    ? { appId, openBaseUrl, componentAppId: component.appId }
    : { appId, openBaseUrl }

  return {
    appId,
    authorizeUrl: (opts) => buildAuthorizeUrl({ ...opts, ...target }),
    qrConnectUrl: (opts) => buildQrConnectUrl({ ...opts, appId, openBaseUrl }),
    exchangeCode: (code, opts) => exchangeCode(ctx, credentials, code, opts),
    refreshToken: (token, opts) => refreshToken(ctx, credentials, token, opts),
    checkToken: (token, openid, opts) => checkToken(ctx, token, openid, opts),
    getUserInfo: (token, openid, opts) => getUserInfo(ctx, token, openid, opts),
    code2Session: (jsCode, opts) => code2Session(ctx, credentials, jsCode, opts),
  }
}

function checkBaseUrl(value: string, name: string): string {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw invalidArgument(`${name} must be an absolute http(s) URL`)
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw invalidArgument(`${name} must be an absolute http(s) URL`)
  }
  if (url.search || url.hash) throw invalidArgument(`${name} must not have a query or fragment`)
  return url.href.replace(/\/+$/, '')
}

// setTimeout (behind AbortSignal.timeout) fires at once past 2^31-1 ms.
const MAX_TIMER = 2_147_483_647

function checkPositive(value: number, name: string, max = MAX_TIMER): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > max) {
    throw invalidArgument(`${name} must be a positive number up to ${max}`)
  }
  return value
}

function checkFetch(value: FetchLike): FetchLike {
  if (typeof value !== 'function') throw invalidArgument('fetch must be a function')
  return value
}

function retryPolicy(retry: RetryOptions | false | undefined): Required<RetryOptions> {
  if (retry === false) return { retries: 0, baseDelay: 0, maxDelay: 0 }
  const given = Object.fromEntries(Object.entries(retry ?? {}).filter(([, v]) => v !== undefined))
  const policy = { retries: 2, baseDelay: 200, maxDelay: 2_000, ...given }
  if (!Number.isInteger(policy.retries) || policy.retries < 0 || policy.retries > 10) {
    throw invalidArgument('retry.retries must be an integer from 0 to 10')
  }
  for (const name of ['baseDelay', 'maxDelay'] as const) {
    const value = policy[name]
    if (typeof value !== 'number' || !(value >= 0) || value > MAX_TIMER) {
      throw invalidArgument(`retry.${name} must be a number from 0 to ${MAX_TIMER}`)
    }
  }
  return policy
}
