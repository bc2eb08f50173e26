import type { Endpoint } from './endpoints.js'

/**
 * What an application should do about a WeChat error.
 *
 * - `retry`: transient; the same call may succeed soon (the client retries it itself where safe).
 * - `rate-limit`: a quota or frequency limit; do not retry now, tell the user to try later.
 * - `restart-login`: the authorization code is spent or invalid; send the user through the authorize
 *   link again.
 * - `refresh`: the access token is expired or invalid; refresh it, then try again once.
 * - `reauthorize`: the user's authorization is gone (refresh token dead, password changed); the user
 *   must authorize again.
 * - `blocked`: WeChat blocks this user (high-risk or restricted account); no retry or new login helps.
 * - `config`: the application is misconfigured (app id, secret, IP whitelist, scope, domain); no
 *   retry will help, an operator must fix it.
 * - `unknown`: an errcode this library does not know; treated as not retryable.
 */
export type ErrorCategory =
  | 'retry'
  | 'rate-limit'
  | 'restart-login'
  | 'refresh'
  | 'reauthorize'
  | 'blocked'
  | 'config'
  | 'unknown'

/** What one WeChat errcode means. */
export interface ErrcodeInfo {
  errcode: number
  category: ErrorCategory
  /** WeChat's own description, in Chinese. */
  zh: string
  /** An English explanation. */
  en: string
}

type Row = readonly [ErrorCategory, string, string]

// Source: reference/wechat-api.md §2.3 (authorize pages), §9, §10.
const TABLE: Readonly<Record<number, Row>> = {
  [-1]: ['retry', '系统繁忙，此时请开发者稍候再试', 'WeChat is busy; try again later'],
  40001: [
    'config',
    'AppSecret 错误或 access_token 无效',
    'Invalid credential: wrong AppSecret, or an access token that is invalid or not the latest',
  ],
  40002: ['config', '不合法的凭证类型', 'Invalid grant_type'],
  40003: ['reauthorize', '不合法的 OpenID', 'Invalid openid for this access token'],
  40013: ['config', '不合法的 AppID', 'Invalid AppID'],
  40014: ['refresh', '不合法的 access_token', 'Invalid access token'],
  40029: ['restart-login', '不合法的 oauth_code', 'Invalid or expired authorization code'],
  40030: ['reauthorize', '不合法的 refresh_token', 'Invalid refresh token'],
  40125: ['config', '无效的 appsecret', 'Invalid AppSecret'],
  40163: ['restart-login', 'oauth_code 已使用', 'Authorization code already used'],
  40164: [
    'config',
    '调用接口的 IP 地址不在白名单中',
    "The server's IP address is not in the app's IP whitelist",
  ],
  40226: ['blocked', '高风险等级用户，登录拦截', 'Login blocked: the user is rated high-risk'],
  41001: ['config', '缺少 access_token 参数', 'Missing access_token parameter'],
  41002: ['config', '缺少 appid 参数', 'Missing appid parameter'],
  41003: ['config', '缺少 refresh_token 参数', 'Missing refresh_token parameter'],
  41004: ['config', '缺少 secret 参数', 'Missing secret parameter'],
  41008: ['restart-login', '缺少 oauth code', 'Missing authorization code'],
  41009: ['config', '缺少 openid', 'Missing openid parameter'],
  42001: ['refresh', 'access_token 超时', 'Access token expired'],
  42002: ['reauthorize', 'refresh_token 超时', 'Refresh token expired'],
  42003: ['restart-login', 'oauth_code 超时', 'Authorization code expired'],
  42007: [
    'reauthorize',
    '用户修改微信密码，access_token 和 refresh_token 失效，需要重新授权',
    'The user changed their WeChat password; tokens are void and the user must authorize again',
  ],
  45009: ['rate-limit', '接口调用超过限制', 'API call quota exceeded; try again later'],
  45011: ['rate-limit', 'API 调用太频繁，请稍候再试', 'Too many calls per minute; wait a minute'],
  48001: [
    'config',
    'api 功能未授权',
    'API unauthorized: the token scope does not allow it (snsapi_base), or a snapshot-user token',
  ],
  50001: ['reauthorize', '用户未授权该 api', 'The user has not authorized this API'],
  50002: ['blocked', '用户受限，可能是违规后接口被封禁', 'The user is restricted by WeChat'],
  61003: [
    'config',
    '帐号未授权给第三方平台',
    'The account has not authorized the third-party platform',
  ],
  61010: ['restart-login', 'code 已过期', 'Code expired'],
  61023: ['reauthorize', 'refresh_token 无效', 'Invalid authorizer refresh token'],
  89501: ['config', '此 IP 正在等待管理员确认', 'This IP awaits the administrator’s confirmation'],
  89503: [
    'config',
    '此 IP 调用需要管理员确认',
    'Calls from this IP need the administrator’s confirmation',
  ],
  89506: [
    'config',
    '24 小时内该 IP 被管理员拒绝调用两次',
    'The administrator refused this IP twice in 24 hours',
  ],
  89507: [
    'config',
    '1 小时内该 IP 被管理员拒绝调用一次',
    'The administrator refused this IP within the hour',
  ],
  10003: [
    'config',
    'redirect_uri域名与后台配置不一致',
    'The redirect_uri host is not the authorized callback domain (ports are not allowed)',
  ],
  10004: ['config', '此公众号被封禁', 'This official account is banned'],
  10005: [
    'config',
    '此公众号并没有这些scope的权限',
    'The account lacks permission for this scope (or the app kind does not fit the flow)',
  ],
  10006: ['config', '必须关注此测试号', 'The user must follow this sandbox (测试号) account'],
  10009: ['rate-limit', '操作太频繁了，请稍后重试', 'Too many attempts; try again later'],
  10010: ['config', 'scope不能为空', 'scope is missing'],
  10011: ['config', 'redirect_uri不能为空', 'redirect_uri is missing'],
  10012: ['config', 'appid不能为空', 'appid is missing'],
  10013: ['config', 'state不能为空', 'state is missing'],
  10015: [
    'config',
    '公众号未授权第三方平台，请检查授权状态',
    'The official account has not authorized this third-party platform',
  ],
  10016: [
    'config',
    '不支持微信开放平台的Appid，请使用公众号Appid',
    'An open-platform (website/mobile app) AppID cannot be used here; use the official account AppID',
  ],
}

const CODE_ENDPOINTS: ReadonlySet<Endpoint> = new Set([
  'sns/oauth2/access_token',
  'sns/oauth2/component/access_token',
  'sns/jscode2session',
])

/**
 * Describes a WeChat errcode: its category and meaning. Unknown codes get category `unknown`.
 *
 * @example
 * describeErrcode(40163).category // 'restart-login'
 */
export function describeErrcode(errcode: number): ErrcodeInfo {
  const row = TABLE[errcode]
  if (!row) return { errcode, category: 'unknown', zh: '未知错误', en: 'Unknown WeChat error code' }
  return { errcode, category: row[0], zh: row[1], en: row[2] }
}

/** Every errcode this library classifies. */
export function knownErrcodes(): number[] {
  return Object.keys(TABLE).map(Number)
}

/**
 * The category of an errcode returned by a given endpoint. Some codes mean different things on
 * different endpoints.
 * @internal
 */
export function categorize(errcode: number, endpoint: Endpoint): ErrorCategory {
  // The code may already be consumed when WeChat says "system busy" (a retry answers 40163).
  if (errcode === -1 && CODE_ENDPOINTS.has(endpoint)) return 'restart-login'
  if (errcode === 40001) {
    if (endpoint === 'sns/userinfo' || endpoint === 'sns/auth') return 'refresh'
    if (endpoint.startsWith('sns/oauth2/component/')) return 'refresh'
  }
  return describeErrcode(errcode).category
}
