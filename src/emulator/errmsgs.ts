/** WeChat's JSON error codes, their errmsg base texts, and the rid suffix. */
import type { Behaviour } from './config.js'
import { newLegacyReqId, newRid } from './ids.js'

/** errcode → errmsg base text as WeChat writes it (reference §10; [UNCERTAIN] texts marked). */
export const errmsgs: Readonly<Record<number, string>> = Object.freeze({
  [-1]: 'system error',
  40001: 'invalid credential, access_token is invalid or not latest',
  40002: 'invalid grant_type',
  40003: 'invalid openid',
  40013: 'invalid appid',
  40014: 'invalid access_token',
  40029: 'invalid code',
  40030: 'invalid refresh_token',
  40125: 'invalid appsecret',
  40163: 'code been used',
  40226: 'code blocked',
  41001: 'access_token missing',
  41002: 'appid missing',
  41003: 'refresh_token missing', // [UNCERTAIN] text
  41004: 'appsecret missing',
  41008: 'missing code',
  41009: 'missing openid', // [UNCERTAIN] text
  41018: 'missing component_appid',
  42001: 'access_token expired',
  42002: 'refresh_token expired', // [UNCERTAIN] text
  42003: 'code expired', // [UNCERTAIN] text
  42007: 'access_token and refresh_token exception',
  43001: 'require GET method',
  43002: 'require POST method',
  45011: 'api minute-quota reach limit mustslower retry next minute',
  47001: 'data format error',
  48001: 'api unauthorized',
  61006: 'component ticket is invalid',
  61011: 'invalid component',
})

/** The errmsg WeChat would send: base text plus the request-id suffix in the configured style. */
export function errmsgFor(
  errcode: number,
  nowMs: number,
  style: Behaviour['errmsgStyle'],
  base = errmsgs[errcode] ?? 'system error',
): string {
  switch (style) {
    case 'rid':
      return `${base}, rid: ${newRid(nowMs)}`
    case 'rid-no-comma':
      return `${base} rid: ${newRid(nowMs)}`
    case 'hints':
      return `${base}, hints: [ req_id: ${newLegacyReqId()} ]`
  }
}

/** A WeChat JSON error body: `{errcode, errmsg}` and nothing else. */
export interface ErrorBody {
  errcode: number
  errmsg: string
}
