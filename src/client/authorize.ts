import { checkAppId } from './arguments.js'
import { invalidArgument } from './errors.js'
import type { OfficialAccountScope, WebsiteScope } from './types.js'

/** Default base URL of WeChat's authorization pages. */
export const DEFAULT_OPEN_BASE_URL = 'https://open.weixin.qq.com'

/** Options of the official account authorize link (`connect/oauth2/authorize`). */
export interface AuthorizeUrlOptions {
  /** Absolute http(s) URL on the app's authorized domain (网页授权域名), without a port or fragment. */
  redirectUri: string
  /** Default `snsapi_base` (silent, openid only). `snsapi_userinfo` asks consent and allows `getUserInfo`. */
  scope?: OfficialAccountScope
  /**
   * Up to 128 characters of `[A-Za-z0-9]`, returned unchanged on the callback. Required: it is the
   * login's CSRF protection (WeChat has no PKCE); pass `''` only if you bind the login otherwise.
   */
  state: string
  /** Ask for the consent popup even when WeChat would authorize silently. */
  forcePopup?: boolean
  /** Send the user to the snapshot page (快照页). */
  forceSnapShot?: boolean
}

/** Options of the website QR login link (`connect/qrconnect`). */
export interface QrConnectUrlOptions {
  /** Absolute http(s) URL on the website app's authorized callback domain (授权回调域). */
  redirectUri: string
  /** Always `snsapi_login`. */
  scope?: WebsiteScope
  /** Up to 128 characters of `[A-Za-z0-9]`, returned unchanged on the callback; required, as above. */
  state: string
  /** Language of WeChat's QR page: `cn` (default) or `en`. */
  lang?: 'cn' | 'en'
}

/** Where and for which app an authorize link is built. */
export interface AuthorizeTarget {
  /** The AppID users authorize: an official account (or website app for QR login). */
  appId: string
  /** Default `https://open.weixin.qq.com`; point it at the emulator in development. */
  openBaseUrl?: string
  /** A third-party platform authorizing on behalf of the official account `appId`. */
  componentAppId?: string
}

const STATE = /^[A-Za-z0-9]{0,128}$/
const OFFICIAL_SCOPES: readonly string[] = ['snsapi_base', 'snsapi_userinfo']

/**
 * Builds the link that sends a user inside WeChat to official account web authorization, with the
 * parameters in WeChat's documented order and the `#wechat_redirect` fragment.
 *
 * @throws {TypeError} for a state outside `[A-Za-z0-9]{0,128}`, a redirect URI that is not an
 * absolute http(s) URL, or a scope other than `snsapi_base` / `snsapi_userinfo`.
 * @see https://developers.weixin.qq.com/doc/service/guide/h5/auth.html
 * @example
 * buildAuthorizeUrl({ appId: 'wx0123456789abcdef', redirectUri: 'https://example.com/cb', scope: 'snsapi_userinfo', state: 'k3Jd9' })
 */
export function buildAuthorizeUrl(options: AuthorizeUrlOptions & AuthorizeTarget): string {
  const scope = options.scope ?? 'snsapi_base'
  if (!OFFICIAL_SCOPES.includes(scope)) {
    throw invalidArgument(
      `scope must be "snsapi_base" or "snsapi_userinfo" for official account authorization (website QR login uses qrConnectUrl with "snsapi_login"); got ${JSON.stringify(scope)}`,
    )
  }
  const query = requiredParams(options, scope)
  if (options.componentAppId !== undefined) {
    query.push(
      `component_appid=${encodeURIComponent(checkAppId(options.componentAppId, 'componentAppId'))}`,
    )
  }
  if (options.forcePopup) query.push('forcePopup=true')
  if (options.forceSnapShot) query.push('forceSnapShot=true')
  return `${base(options.openBaseUrl)}/connect/oauth2/authorize?${query.join('&')}#wechat_redirect`
}

/**
 * Builds the link to website QR login (desktop browsers), with the parameters in WeChat's documented
 * order and the `#wechat_redirect` fragment.
 *
 * @throws {TypeError} for a bad state or redirect URI, or a scope other than `snsapi_login`.
 * @see https://developers.weixin.qq.com/doc/oplatform/developers/dev/auth/web.html
 */
export function buildQrConnectUrl(
  options: QrConnectUrlOptions & Omit<AuthorizeTarget, 'componentAppId'>,
): string {
  const scope = options.scope ?? 'snsapi_login'
  if (scope !== 'snsapi_login') {
    throw invalidArgument(
      `scope must be "snsapi_login" for website QR login (official account scopes go to authorizeUrl); got ${JSON.stringify(scope)}`,
    )
  }
  const query = requiredParams(options, scope)
  if (options.lang !== undefined) {
    if (options.lang !== 'cn' && options.lang !== 'en') {
      throw invalidArgument(`lang must be "cn" or "en"; got ${JSON.stringify(options.lang)}`)
    }
    query.push(`lang=${options.lang}`)
  }
  return `${base(options.openBaseUrl)}/connect/qrconnect?${query.join('&')}#wechat_redirect`
}

function requiredParams(
  options: { appId: string; redirectUri: string; state: string },
  scope: string,
): string[] {
  return [
    `appid=${encodeURIComponent(checkAppId(options.appId, 'appId'))}`,
    `redirect_uri=${encodeURIComponent(checkRedirectUri(options.redirectUri))}`,
    'response_type=code',
    `scope=${scope}`,
    `state=${checkState(options.state)}`,
  ]
}

/**
 * Checks a state value against WeChat's rule: at most 128 characters of `a-zA-Z0-9`.
 * @internal
 */
export function checkState(state: string): string {
  if (typeof state !== 'string' || !STATE.test(state)) {
    throw invalidArgument(
      'state must be at most 128 characters of [A-Za-z0-9] (WeChat rejects or mangles anything else)',
    )
  }
  return state
}

/**
 * Checks that a redirect URI is an absolute http(s) URL that WeChat can append `code` and `state` to.
 * @internal
 */
export function checkRedirectUri(redirectUri: string): string {
  let url: URL
  try {
    url = new URL(redirectUri)
  } catch {
    throw invalidArgument('redirectUri must be an absolute http(s) URL')
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw invalidArgument(
      `redirectUri must be an absolute http(s) URL; got the scheme "${url.protocol}"`,
    )
  }
  if (url.username || url.password) throw invalidArgument('redirectUri must not carry credentials')
  if (redirectUri.includes('#')) {
    throw invalidArgument(
      'redirectUri must not contain a fragment (#): WeChat would place the code before it',
    )
  }
  return redirectUri
}

function base(openBaseUrl: string | undefined): string {
  const value = openBaseUrl ?? DEFAULT_OPEN_BASE_URL
  try {
    new URL(value)
  } catch {
    throw invalidArgument('openBaseUrl must be an absolute URL')
  }
  return value.replace(/\/+$/, '')
}
