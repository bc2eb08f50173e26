/** The WeChat API endpoints this client calls, by path below the API base URL. */
export type Endpoint =
  | 'sns/oauth2/access_token'
  | 'sns/oauth2/refresh_token'
  | 'sns/auth'
  | 'sns/userinfo'
  | 'sns/oauth2/component/access_token'
  | 'sns/oauth2/component/refresh_token'
  | 'sns/jscode2session'

/**
 * Whether a call may be repeated once it may have reached WeChat. Redeeming a code is not:
 * a code is single use, so a repeat after a lost response answers 40163.
 * @internal
 */
export function isIdempotent(endpoint: Endpoint): boolean {
  return (
    endpoint !== 'sns/oauth2/access_token' &&
    endpoint !== 'sns/oauth2/component/access_token' &&
    endpoint !== 'sns/jscode2session'
  )
}

/** Query parameters whose values are secrets and never leave the client. @internal */
export const SECRET_PARAMS: readonly string[] = [
  'secret',
  'appsecret',
  'component_appsecret',
  'code',
  'js_code',
  'access_token',
  'refresh_token',
  'component_access_token',
  'component_verify_ticket',
  'authorizer_access_token',
  'authorizer_refresh_token',
  'session_key',
]
