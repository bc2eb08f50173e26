import { checkOpaque } from './arguments.js'
import type { Endpoint } from './endpoints.js'
import { invalidArgument, WeChatApiError } from './errors.js'
import { FieldReader } from './fields.js'
import { type CallContext, callWeChat, type WeChatBody } from './http.js'
import type { TokenResult } from './types.js'

/** A third-party platform (第三方平台) acting for an official account. */
export interface ComponentOptions {
  /** The platform's own AppID (`component_appid`). */
  appId: string
  /**
   * Supplies the platform's `component_access_token`. Called with `forceRefresh: true` once when
   * WeChat says the token is stale (40001), then the call is tried once more.
   */
  accessToken: (options: {
    forceRefresh: boolean
    signal: AbortSignal | undefined
  }) => string | Promise<string>
}

/** Per-call options. */
export interface RequestOptions {
  /**
   * Aborts the call, all attempts and backoff included; e.g. `AbortSignal.timeout(10_000)` bounds
   * the whole call.
   */
  signal?: AbortSignal
  /**
   * When to give up, in ms since the epoch (`Date.now()`): no attempt or backoff goes past it, and
   * the last attempt gets only what is left. A time budget without the cost of a signal.
   */
  deadline?: number
}

/** Credentials of the app whose tokens are requested. @internal */
export interface TokenCredentials {
  appId: string
  appSecret: string | undefined
  component: ComponentOptions | undefined
}

/**
 * Exchanges an authorization code for the user's tokens and openid (`sns/oauth2/access_token`, or
 * `sns/oauth2/component/access_token` for a third-party platform). Never retried once the request
 * may have reached WeChat: a code is single use.
 * @internal
 */
export async function exchangeCode(
  ctx: CallContext,
  credentials: TokenCredentials,
  code: string,
  options: RequestOptions = {},
): Promise<TokenResult> {
  checkOpaque(code, 'code')
  if (credentials.component) {
    return withComponentToken(credentials.component, options, (componentToken) =>
      tokenCall(ctx, 'sns/oauth2/component/access_token', options, [code, componentToken], {
        appid: credentials.appId,
        code,
        grant_type: 'authorization_code',
        component_appid: credentials.component?.appId ?? '',
        component_access_token: componentToken,
      }),
    )
  }
  return tokenCall(ctx, 'sns/oauth2/access_token', options, [code], {
    appid: credentials.appId,
    secret: requireSecret(credentials),
    code,
    grant_type: 'authorization_code',
  })
}

/**
 * Refreshes a user's access token (`sns/oauth2/refresh_token`, or the component variant). An
 * unexpired access token comes back unchanged with a new expiry; the refresh token keeps its fixed
 * 30-day life.
 * @internal
 */
export async function refreshToken(
  ctx: CallContext,
  credentials: TokenCredentials,
  refreshTokenValue: string,
  options: RequestOptions = {},
): Promise<TokenResult> {
  checkOpaque(refreshTokenValue, 'refreshToken', 1024)
  if (credentials.component) {
    return withComponentToken(credentials.component, options, (componentToken) =>
      tokenCall(
        ctx,
        'sns/oauth2/component/refresh_token',
        options,
        [refreshTokenValue, componentToken],
        {
          appid: credentials.appId,
          grant_type: 'refresh_token',
          component_appid: credentials.component?.appId ?? '',
          component_access_token: componentToken,
          refresh_token: refreshTokenValue,
        },
      ),
    )
  }
  return tokenCall(ctx, 'sns/oauth2/refresh_token', options, [refreshTokenValue], {
    appid: credentials.appId,
    grant_type: 'refresh_token',
    refresh_token: refreshTokenValue,
  })
}

async function tokenCall(
  ctx: CallContext,
  endpoint: Endpoint,
  options: RequestOptions,
  secrets: string[],
  params: Record<string, string>,
): Promise<TokenResult> {
  const response = await callWeChat(ctx, endpoint, params, {
    secrets,
    signal: options.signal,
    deadline: options.deadline,
  })
  return parseTokenBody(endpoint, response)
}

/**
 * Validates a token response body and returns it with WeChat's field names.
 * @internal
 */
export function parseTokenBody(endpoint: Endpoint, response: WeChatBody): TokenResult {
  const fields = new FieldReader(endpoint, response)
  const result: TokenResult = {
    access_token: fields.requiredString('access_token'),
    expires_in: fields.positiveNumber('expires_in'),
    refresh_token: fields.requiredString('refresh_token'),
    openid: fields.requiredString('openid'),
    scope: fields.requiredString('scope'),
    raw: response.body,
  }
  const unionid = fields.optionalString('unionid')
  if (unionid !== undefined) result.unionid = unionid
  if (fields.integer('is_snapshotuser', 0) === 1) result.is_snapshotuser = 1
  return result
}

async function withComponentToken<T>(
  component: ComponentOptions,
  options: RequestOptions,
  call: (componentToken: string) => Promise<T>,
): Promise<T> {
  const token = await component.accessToken({ forceRefresh: false, signal: options.signal })
  checkOpaque(token, 'component access token', 1024)
  try {
    return await call(token)
  } catch (error) {
    // A stale component token is rejected before the code is looked at, so one retry is safe.
    if (!(error instanceof WeChatApiError) || error.errcode !== 40001 || options.signal?.aborted) {
      throw error
    }
    const fresh = await component.accessToken({ forceRefresh: true, signal: options.signal })
    return call(checkOpaque(fresh, 'component access token', 1024))
  }
}

function requireSecret(credentials: TokenCredentials): string {
  if (!credentials.appSecret) {
    throw invalidArgument(
      'appSecret is required to exchange codes (or configure `component` for a third-party platform)',
    )
  }
  return credentials.appSecret
}
