/**
 * Compatibility: the unmodified third-party client `wechat-oauth` (node-webot, CommonJS, urllib over
 * real HTTP, callback API) against the emulator on a real socket. Only the host of its hard-coded
 * request URLs is rewritten, by wrapping the instance's `request` method.
 */
import { createRequire } from 'node:module'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createEmulator,
  defaultMiniProgram,
  defaultOfficialAccount,
  defaultUsers,
  defaultWebsiteApp,
  type Emulator,
} from '../helpers/emulator.js'

/** The callback every wechat-oauth method takes. */
type Callback<T> = (err: (Error & { code?: unknown }) | null, result: T) => void

/** What getAccessToken / refreshAccessToken / getSessionKey give: an AccessToken wrapper. */
interface AccessTokenResult<D> {
  data: D & { create_at: number }
  isValid(): boolean
}

interface TokenData {
  access_token: string
  expires_in: number
  refresh_token: string
  openid: string
  scope: string
  unionid?: string
}

interface SessionData {
  openid: string
  session_key: string
  unionid?: string
}

interface UserInfo {
  openid: string
  nickname: string
  unionid?: string
  [key: string]: unknown
}

/** The part of wechat-oauth@1.5.0's public API these tests use (it ships no types). */
interface WeChatOAuth {
  request(url: string, opts: unknown, callback: (...args: unknown[]) => void): void
  getAuthorizeURL(redirect: string, state?: string, scope?: string): string
  getAuthorizeURLForWebsite(redirect: string, state?: string, scope?: string): string
  getAccessToken(code: string, callback: Callback<AccessTokenResult<TokenData>>): void
  refreshAccessToken(refreshToken: string, callback: Callback<AccessTokenResult<TokenData>>): void
  getUser(openid: string | { openid: string; lang?: string }, callback: Callback<UserInfo>): void
  verifyToken(
    openid: string,
    accessToken: string,
    callback: Callback<{ errcode: number; errmsg: string }>,
  ): void
  getSessionKey(jsCode: string, callback: Callback<AccessTokenResult<SessionData>>): void
}

type WeChatOAuthConstructor = new (
  appid: string,
  appsecret: string,
  getToken?: unknown,
  saveToken?: unknown,
  isMiniProgram?: boolean,
) => WeChatOAuth

const require = createRequire(import.meta.url)
const OAuth = require('wechat-oauth') as WeChatOAuthConstructor

const API = 'https://api.weixin.qq.com'
const wechatUA =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.47(0x18002f2f) NetType/WIFI Language/zh_CN'
const redirect = 'http://localhost:3000/auth/wechat/callback'

let emu: Emulator
let base: string

/** A library instance whose requests go to the emulator instead of api.weixin.qq.com. */
function onEmulator(oauth: WeChatOAuth): WeChatOAuth {
  const original = oauth.request
  oauth.request = function (this: WeChatOAuth, url, opts, callback) {
    const target = url.startsWith(API) ? `${base}${url.slice(API.length)}` : url
    original.call(this, target, opts, callback)
  }
  return oauth
}

/** Calls one callback-style method as a promise; rejects with the library's own error. */
function call<T>(fn: (callback: Callback<T>) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    fn((err, result) => (err ? reject(err) : resolve(result)))
  })
}

/** Follows one step of the browser flow: fetches `url` on the emulator, expects a 302. */
async function redirectOf(url: string, headers: Record<string, string> = {}): Promise<URL> {
  const u = new URL(url)
  expect(u.origin).toBe('https://open.weixin.qq.com')
  const res = await fetch(`${base}${u.pathname}${u.search}`, { headers, redirect: 'manual' })
  await res.arrayBuffer()
  expect(res.status).toBe(302)
  const location = res.headers.get('location')
  expect(location).toBeTruthy()
  return new URL(location as string)
}

const user = defaultUsers[0] as (typeof defaultUsers)[number]
const oa = defaultOfficialAccount
const web = defaultWebsiteApp
const mp = defaultMiniProgram

beforeAll(async () => {
  emu = createEmulator()
  base = (await emu.listen({ port: 0 })).url
  // The defaults this file relies on, taken from the emulator itself.
  expect(emu.apps.map((a) => a.appId)).toEqual(
    expect.arrayContaining([oa.appId, web.appId, mp.appId]),
  )
  expect(emu.users.find((u) => u.id === user.id)?.nickname).toBe(user.nickname)
})

afterAll(async () => {
  await emu?.close()
})

describe('wechat-oauth@1.5.0 against the emulator (official account, snsapi_userinfo)', () => {
  const api = onEmulator(new OAuth(oa.appId, oa.secret))
  let code: string
  let token: TokenData

  it('getAuthorizeURL → authorize with auto-approve → 302 to the callback with code and state', async () => {
    const authorizeUrl = api.getAuthorizeURL(redirect, 'st4te0K', 'snsapi_userinfo')
    expect(authorizeUrl).toMatch(
      /^https:\/\/open\.weixin\.qq\.com\/connect\/oauth2\/authorize\?appid=.*#wechat_redirect$/,
    )
    emu.autoApprove(user.id)
    const location = await redirectOf(authorizeUrl, { 'user-agent': wechatUA })
    expect(`${location.origin}${location.pathname}`).toBe(redirect)
    expect(location.searchParams.get('state')).toBe('st4te0K')
    code = location.searchParams.get('code') ?? ''
    expect(code).toMatch(/^[A-Za-z0-9]+$/)
  })

  it('getAccessToken(code) → token data with unionid (the app is bound to an open platform)', async () => {
    const before = emu.count('sns/oauth2/access_token')
    const result = await call<AccessTokenResult<TokenData>>((cb) => api.getAccessToken(code, cb))
    token = result.data
    expect(token).toMatchObject({
      access_token: expect.any(String),
      expires_in: 7200,
      refresh_token: expect.any(String),
      openid: emu.openid(oa.appId, user.id),
      scope: 'snsapi_userinfo',
      unionid: emu.unionid(oa.appId, user.id),
    })
    expect(token.unionid).toBeTruthy()
    expect(result.isValid()).toBe(true)
    // It really went over HTTP to the emulator.
    expect(emu.count('sns/oauth2/access_token')).toBe(before + 1)
  })

  it('getUser(openid) uses the stored token → the nickname configured in the emulator', async () => {
    const info = await call<UserInfo>((cb) => api.getUser(token.openid, cb))
    expect(info.openid).toBe(token.openid)
    expect(info.nickname).toBe(user.nickname)
    expect(info.unionid).toBe(token.unionid)
  })

  it('refreshAccessToken(refresh_token) → the same, unexpired access_token', async () => {
    const result = await call<AccessTokenResult<TokenData>>((cb) =>
      api.refreshAccessToken(token.refresh_token, cb),
    )
    expect(result.data.access_token).toBe(token.access_token)
    expect(result.data.openid).toBe(token.openid)
    expect(result.data.expires_in).toBeGreaterThan(0)
  })

  it('verifyToken(openid, access_token) → errcode 0', async () => {
    const result = await call<{ errcode: number; errmsg: string }>((cb) =>
      api.verifyToken(token.openid, token.access_token, cb),
    )
    expect(result.errcode).toBe(0)
    expect(result.errmsg).toBe('ok')
  })

  it('reusing the code → WeChatAPIError with code 40163', async () => {
    const err = await call((cb) => api.getAccessToken(code, cb)).then(
      () => {
        throw new Error('expected the reused code to be refused')
      },
      (e: Error & { code?: unknown }) => e,
    )
    expect(err.name).toBe('WeChatAPIError')
    expect(err.code).toBe(40163)
    expect(err.message).toMatch(/^code been used/)
  })

  it('all of it went over HTTP to the emulator, and its log keeps no secret, code or token', () => {
    const log = emu.requests
    const used = log.filter((r) => r.endpoint === 'sns/oauth2/access_token')
    expect(used.map((r) => r.errcode)).toEqual([undefined, 40163])
    for (const endpoint of ['sns/userinfo', 'sns/oauth2/refresh_token', 'sns/auth'] as const) {
      expect(emu.count(endpoint)).toBe(1)
    }
    const text = JSON.stringify(log)
    for (const secret of [oa.secret, code, token.access_token, token.refresh_token]) {
      expect(text).not.toContain(secret)
    }
  })
})

describe('wechat-oauth@1.5.0 against the emulator (website app, QR login)', () => {
  it('getAuthorizeURLForWebsite → qrconnect with auto-approve → getAccessToken', async () => {
    const site = onEmulator(new OAuth(web.appId, web.secret))
    const authorizeUrl = site.getAuthorizeURLForWebsite(redirect, 'qrSt4te')
    expect(authorizeUrl).toMatch(/^https:\/\/open\.weixin\.qq\.com\/connect\/qrconnect\?/)
    emu.autoApprove('lisi')
    const location = await redirectOf(authorizeUrl)
    expect(location.searchParams.get('state')).toBe('qrSt4te')
    const code = location.searchParams.get('code') ?? ''
    const { data } = await call<AccessTokenResult<TokenData>>((cb) => site.getAccessToken(code, cb))
    expect(data).toMatchObject({
      openid: emu.openid(web.appId, 'lisi'),
      scope: 'snsapi_login',
      unionid: emu.unionid(web.appId, 'lisi'),
      expires_in: 7200,
    })
    // Same open platform: the same person has the same unionid in both apps.
    expect(data.unionid).toBe(emu.unionid(oa.appId, 'lisi'))
  })
})

describe('wechat-oauth@1.5.0 against the emulator (mini program)', () => {
  it('getSessionKey(js_code) → openid and session_key', async () => {
    const mini = onEmulator(new OAuth(mp.appId, mp.secret, undefined, undefined, true))
    const jsCode = emu.miniProgramLogin({ appId: mp.appId, user: 'wangwu' })
    const { data } = await call<AccessTokenResult<SessionData>>((cb) =>
      mini.getSessionKey(jsCode, cb),
    )
    expect(data.openid).toBe(emu.openid(mp.appId, 'wangwu'))
    expect(data.session_key).toEqual(expect.any(String))
    expect(Buffer.from(data.session_key, 'base64')).toHaveLength(16)
    expect(data.unionid).toBe(emu.unionid(mp.appId, 'wangwu'))
  })
})
