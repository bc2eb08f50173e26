import { checkOpaque, checkOpenid } from './arguments.js'
import { invalidArgument, WeChatApiError } from './errors.js'
import { FieldReader } from './fields.js'
import { type CallContext, callWeChat, invalid, type WeChatBody } from './http.js'
import type { RequestOptions } from './token.js'
import type { UserInfoLang, UserInfoResult } from './types.js'

/** Options of `getUserInfo`. */
export interface UserInfoOptions extends RequestOptions {
  /** Language of region names. Default `zh_CN`. WeChat has ignored it in practice since 2021. */
  lang?: UserInfoLang
}

const LANGS: readonly string[] = ['zh_CN', 'zh_TW', 'en']

/** Errcodes of `sns/auth` that mean "this token is not valid for this openid". */
const INVALID_TOKEN_ERRCODES: ReadonlySet<number> = new Set([40001, 40003, 40014, 42001, 42007])

/**
 * Fetches the profile of the user behind an access token (`sns/userinfo`). Requires a token from
 * `snsapi_userinfo` or `snsapi_login`; a `snsapi_base` or snapshot-user token gets 48001.
 * The returned openid is checked against the one asked for.
 * @internal
 */
export async function getUserInfo(
  ctx: CallContext,
  accessToken: string,
  openid: string,
  options: UserInfoOptions = {},
): Promise<UserInfoResult> {
  checkOpaque(accessToken, 'accessToken', 1024)
  checkOpenid(openid)
  const lang = options.lang ?? 'zh_CN'
  if (!LANGS.includes(lang)) throw invalidArgument('lang must be "zh_CN", "zh_TW" or "en"')
  const response = await callWeChat(
    ctx,
    'sns/userinfo',
    { access_token: accessToken, openid, lang },
    { secrets: [accessToken], signal: options.signal, deadline: options.deadline },
  )
  const result = parseUserInfoBody(response)
  if (result.openid !== openid) {
    throw invalid('sns/userinfo', response.status, '"openid" is not the openid that was asked for')
  }
  return result
}

/**
 * Validates a `sns/userinfo` body. `sex` may arrive as a number or a string.
 * @internal
 */
export function parseUserInfoBody(response: WeChatBody): UserInfoResult {
  const fields = new FieldReader('sns/userinfo', response)
  const result: UserInfoResult = {
    openid: fields.requiredString('openid'),
    nickname: fields.text('nickname'),
    sex: fields.integer('sex', 0),
    province: fields.text('province'),
    city: fields.text('city'),
    country: fields.text('country'),
    headimgurl: fields.text('headimgurl'),
    privilege: fields.stringArray('privilege'),
    raw: response.body,
  }
  const unionid = fields.optionalString('unionid')
  if (unionid !== undefined) result.unionid = unionid
  const language = fields.optionalString('language')
  if (language !== undefined) result.language = language
  return result
}

/**
 * Asks WeChat whether an access token is still valid for an openid (`sns/auth`). Resolves `false`
 * when WeChat says the token is invalid, expired or not this user's; throws for anything else
 * (network, configuration).
 * @internal
 */
export async function checkToken(
  ctx: CallContext,
  accessToken: string,
  openid: string,
  options: RequestOptions = {},
): Promise<boolean> {
  checkOpaque(accessToken, 'accessToken', 1024)
  checkOpenid(openid)
  let response: WeChatBody
  try {
    response = await callWeChat(
      ctx,
      'sns/auth',
      { access_token: accessToken, openid },
      { secrets: [accessToken], signal: options.signal, deadline: options.deadline },
    )
  } catch (error) {
    if (error instanceof WeChatApiError && INVALID_TOKEN_ERRCODES.has(error.errcode)) return false
    throw error
  }
  // Only WeChat's exact success answer means valid: a proxy's `{}` must not revive a dead token.
  const { errcode } = response.body
  if (errcode !== 0 && errcode !== '0') {
    throw invalid('sns/auth', response.status, 'success must carry "errcode": 0')
  }
  return true
}
