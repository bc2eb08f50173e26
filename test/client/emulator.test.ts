/**
 * The client through its public API against the emulator, in-process (emulator.fetch) and over a
 * real socket (the default undici transport): every endpoint, every error class, retries and the
 * absence of a retry where it would be unsafe.
 */

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { canarySecret } from '../helpers/canary.js'
import {
  createEmulator,
  defaultComponent,
  defaultMiniProgram,
  defaultOfficialAccount,
  defaultWebsiteApp,
  type Emulator,
} from '../helpers/emulator.js'
import {
  type ClientOptions,
  createClient,
  WeChatApiError,
  type WeChatClient,
  WeChatResponseError,
  WeChatTimeoutError,
  WeChatTransportError,
} from '../helpers/wxauth.js'

const WECHAT_UA =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.47(0x18002f2c) NetType/WIFI Language/zh_CN'
const CALLBACK = 'http://localhost:3000/auth/wechat/callback'
const DAY = 86_400

type Mode = 'in-process' | 'socket'

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.unreachable('the call should fail'),
    (error: unknown) => error,
  )
}

describe.each<Mode>(['in-process', 'socket'])('client against the emulator (%s)', (mode) => {
  let emu: Emulator
  let base: Pick<ClientOptions, 'apiBaseUrl' | 'openBaseUrl' | 'fetch'>
  let official: WeChatClient
  let website: WeChatClient

  const make = (options: Omit<ClientOptions, 'apiBaseUrl' | 'openBaseUrl' | 'fetch'>) =>
    createClient({
      ...base,
      timeout: 400,
      retry: { retries: 2, baseDelay: 1, maxDelay: 5 },
      ...options,
    })

  beforeAll(async () => {
    emu = createEmulator()
    if (mode === 'socket') {
      const { url } = await emu.listen({ port: 0 })
      base = { apiBaseUrl: url, openBaseUrl: url }
    } else {
      base = { fetch: emu.fetch }
    }
  })
  afterAll(() => emu.close())
  beforeEach(() => {
    emu.reset()
    official = make({
      appId: defaultOfficialAccount.appId,
      appSecret: defaultOfficialAccount.secret,
    })
    website = make({ appId: defaultWebsiteApp.appId, appSecret: defaultWebsiteApp.secret })
  })

  /** Opens an authorize link as WeChat's browser would and returns the callback's query. */
  async function follow(link: string): Promise<URLSearchParams> {
    const response = await emu.fetch(link, {
      redirect: 'manual',
      headers: { 'user-agent': WECHAT_UA },
    })
    expect(response.status).toBe(302)
    const location = new URL(response.headers.get('location') ?? '')
    expect(`${location.origin}${location.pathname}`).toBe(CALLBACK)
    return location.searchParams
  }

  it('logs a user in with snsapi_userinfo: authorize, exchange, userinfo, sns/auth, refresh', async () => {
    emu.autoApprove('zhangsan')
    const query = await follow(
      official.authorizeUrl({ redirectUri: CALLBACK, scope: 'snsapi_userinfo', state: 'st4te' }),
    )
    expect(query.get('state')).toBe('st4te')
    const code = query.get('code') ?? ''

    const token = await official.exchangeCode(code)
    expect(token).toMatchObject({
      openid: emu.openid(defaultOfficialAccount.appId, 'zhangsan'),
      unionid: emu.unionid(defaultOfficialAccount.appId, 'zhangsan'),
      scope: 'snsapi_userinfo',
      expires_in: 7200,
    })
    expect(token).not.toHaveProperty('token_type')
    expect(token.raw).not.toHaveProperty('errcode')

    const user = await official.getUserInfo(token.access_token, token.openid)
    expect(user).toMatchObject({
      openid: token.openid,
      nickname: '张三',
      unionid: token.unionid,
      privilege: [],
    })
    await expect(official.checkToken(token.access_token, token.openid)).resolves.toBe(true)
    await expect(
      official.checkToken(token.access_token, emu.openid(defaultOfficialAccount.appId, 'lisi')),
    ).resolves.toBe(false)

    const refreshed = await official.refreshToken(token.refresh_token)
    expect(refreshed.access_token).toBe(token.access_token)
    expect(refreshed.refresh_token).toBe(token.refresh_token)

    const reused = await failure(official.exchangeCode(code))
    expect(reused).toBeInstanceOf(WeChatApiError)
    expect(reused).toMatchObject({
      errcode: 40163,
      category: 'restart-login',
      endpoint: 'sns/oauth2/access_token',
    })
    expect(emu.count('sns/oauth2/access_token')).toBe(2)
  })

  it('snsapi_base gives an openid without unionid, and userinfo answers 48001 (config)', async () => {
    emu.autoApprove('lisi')
    const query = await follow(official.authorizeUrl({ redirectUri: CALLBACK, state: 'b' }))
    const token = await official.exchangeCode(query.get('code') ?? '')
    expect(token.scope).toBe('snsapi_base')
    expect(token.unionid).toBeUndefined()
    const error = await failure(official.getUserInfo(token.access_token, token.openid))
    expect(error).toMatchObject({ errcode: 48001, category: 'config', retryable: false })
    expect(emu.count('sns/userinfo')).toBe(1)
  })

  it('an expired code is 40029 (restart-login)', async () => {
    const code = emu.issueCode({ appId: defaultOfficialAccount.appId, user: 'zhangsan' })
    emu.clock.advance(301)
    await expect(official.exchangeCode(code)).rejects.toMatchObject({
      errcode: 40029,
      category: 'restart-login',
    })
  })

  it('an expired access token: userinfo 42001 (refresh), sns/auth false, refresh gives a new token', async () => {
    const code = emu.issueCode({
      appId: defaultOfficialAccount.appId,
      user: 'zhangsan',
      scope: 'snsapi_userinfo',
    })
    const token = await official.exchangeCode(code)
    emu.clock.advance(7201)
    await expect(official.getUserInfo(token.access_token, token.openid)).rejects.toMatchObject({
      errcode: 42001,
      category: 'refresh',
    })
    await expect(official.checkToken(token.access_token, token.openid)).resolves.toBe(false)
    const refreshed = await official.refreshToken(token.refresh_token)
    expect(refreshed.access_token).not.toBe(token.access_token)
    await expect(official.getUserInfo(refreshed.access_token, token.openid)).resolves.toMatchObject(
      { nickname: '张三' },
    )
  })

  it('a refresh token past 30 days is 40030, a user who changed password 42007 (both reauthorize)', async () => {
    const first = await official.exchangeCode(
      emu.issueCode({ appId: defaultOfficialAccount.appId, user: 'zhangsan' }),
    )
    const second = await official.exchangeCode(
      emu.issueCode({ appId: defaultOfficialAccount.appId, user: 'lisi' }),
    )
    emu.revokeUser('lisi')
    await expect(official.refreshToken(second.refresh_token)).rejects.toMatchObject({
      errcode: 42007,
      category: 'reauthorize',
    })
    emu.clock.advance(30 * DAY + 1)
    await expect(official.refreshToken(first.refresh_token)).rejects.toMatchObject({
      errcode: 40030,
      category: 'reauthorize',
    })
  })

  it('a snapshot user: is_snapshotuser 1 and no profile', async () => {
    const code = emu.issueCode({
      appId: defaultOfficialAccount.appId,
      user: 'snapshot',
      scope: 'snsapi_userinfo',
    })
    const token = await official.exchangeCode(code)
    expect(token.is_snapshotuser).toBe(1)
    await expect(official.getUserInfo(token.access_token, token.openid)).rejects.toMatchObject({
      errcode: 48001,
    })
  })

  it('website QR login: same unionid as the official account, another openid', async () => {
    emu.autoApprove('wangwu')
    const query = await follow(website.qrConnectUrl({ redirectUri: CALLBACK, state: 'qr' }))
    const token = await website.exchangeCode(query.get('code') ?? '')
    expect(token.scope).toBe('snsapi_login')
    expect(token.unionid).toBe(emu.unionid(defaultOfficialAccount.appId, 'wangwu'))
    expect(token.openid).not.toBe(emu.openid(defaultOfficialAccount.appId, 'wangwu'))
    await expect(website.getUserInfo(token.access_token, token.openid)).resolves.toMatchObject({
      nickname: '王五',
    })
  })

  it('a website code cannot be redeemed by the official account (40029)', async () => {
    const code = emu.issueCode({
      appId: defaultWebsiteApp.appId,
      user: 'zhangsan',
      scope: 'snsapi_login',
    })
    await expect(official.exchangeCode(code)).rejects.toMatchObject({ errcode: 40029 })
  })

  it('a third-party platform authorizes, exchanges and refreshes on behalf of the official account', async () => {
    const component = make({
      appId: defaultOfficialAccount.appId,
      component: {
        appId: defaultComponent.appId,
        accessToken: () => emu.componentAccessToken(defaultComponent.appId),
      },
    })
    emu.autoApprove('zhangsan')
    const link = component.authorizeUrl({
      redirectUri: CALLBACK,
      scope: 'snsapi_userinfo',
      state: 'c',
    })
    expect(new URL(link).searchParams.get('component_appid')).toBe(defaultComponent.appId)
    const query = await follow(link)
    expect(query.get('appid')).toBe(defaultOfficialAccount.appId)
    const token = await component.exchangeCode(query.get('code') ?? '')
    expect(token.openid).toBe(emu.openid(defaultOfficialAccount.appId, 'zhangsan'))
    const refreshed = await component.refreshToken(token.refresh_token)
    expect(refreshed.access_token).toBe(token.access_token)
    expect(emu.count('sns/oauth2/component/access_token')).toBe(1)
    expect(emu.count('sns/oauth2/access_token')).toBe(0)
  })

  it('mini program login: code2Session once per js_code', async () => {
    const client = make({ appId: defaultMiniProgram.appId, appSecret: defaultMiniProgram.secret })
    const jsCode = emu.miniProgramLogin({ appId: defaultMiniProgram.appId, user: 'zhangsan' })
    const session = await client.code2Session(jsCode)
    expect(session.openid).toBe(emu.openid(defaultMiniProgram.appId, 'zhangsan'))
    expect(session.session_key).toMatch(/^[A-Za-z0-9+/]{22}==$/)
    await expect(client.code2Session(jsCode)).rejects.toMatchObject({
      errcode: 40163,
      category: 'restart-login',
    })
  })

  it('configuration errors: wrong secret 40125, unknown app 40013', async () => {
    const code = emu.issueCode({ appId: defaultOfficialAccount.appId, user: 'zhangsan' })
    const wrongSecret = make({
      appId: defaultOfficialAccount.appId,
      appSecret: canarySecret('wrong'),
    })
    await expect(wrongSecret.exchangeCode(code)).rejects.toMatchObject({
      errcode: 40125,
      category: 'config',
    })
    const unknown = make({ appId: 'wx0000000000000000', appSecret: canarySecret('wrong') })
    await expect(unknown.exchangeCode(code)).rejects.toMatchObject({
      errcode: 40013,
      category: 'config',
    })
    // Neither spent the code.
    await expect(official.exchangeCode(code)).resolves.toMatchObject({
      openid: emu.openid(defaultOfficialAccount.appId, 'zhangsan'),
    })
  })

  describe('faults', () => {
    async function userinfoToken() {
      const code = emu.issueCode({
        appId: defaultOfficialAccount.appId,
        user: 'zhangsan',
        scope: 'snsapi_userinfo',
      })
      return official.exchangeCode(code)
    }

    it('-1 on userinfo is retried until it succeeds', async () => {
      const token = await userinfoToken()
      emu.fail('sns/userinfo', { errcode: -1 }, 2)
      await expect(official.getUserInfo(token.access_token, token.openid)).resolves.toMatchObject({
        nickname: '张三',
      })
      expect(emu.count('sns/userinfo')).toBe(3)
    })

    it('-1 on the exchange is tried once more (WeChat did not process it), and only once', async () => {
      const code = emu.issueCode({ appId: defaultOfficialAccount.appId, user: 'zhangsan' })
      emu.fail('sns/oauth2/access_token', { errcode: -1 })
      await expect(official.exchangeCode(code)).resolves.toMatchObject({ scope: 'snsapi_userinfo' })
      expect(emu.count('sns/oauth2/access_token')).toBe(2)

      const other = emu.issueCode({ appId: defaultOfficialAccount.appId, user: 'zhangsan' })
      emu.fail('sns/oauth2/access_token', { errcode: -1 }, 3)
      await expect(official.exchangeCode(other)).rejects.toMatchObject({
        errcode: -1,
        category: 'restart-login',
      })
      expect(emu.count('sns/oauth2/access_token')).toBe(4)
    })

    it('a connection dropped after the exchange reached WeChat is not retried, and the code is spent', async () => {
      const code = emu.issueCode({ appId: defaultOfficialAccount.appId, user: 'zhangsan' })
      emu.fail('sns/oauth2/access_token', { drop: true })
      const error = await failure(official.exchangeCode(code))
      expect(error).toBeInstanceOf(WeChatTransportError)
      expect(error).toMatchObject({ sent: true, category: 'restart-login', retryable: false })
      expect(emu.count('sns/oauth2/access_token')).toBe(1)
      await expect(official.exchangeCode(code)).rejects.toMatchObject({ errcode: 40163 })
    })

    it('a dropped userinfo connection is retried', async () => {
      const token = await userinfoToken()
      emu.fail('sns/userinfo', { drop: true })
      await expect(official.getUserInfo(token.access_token, token.openid)).resolves.toMatchObject({
        nickname: '张三',
      })
      expect(emu.count('sns/userinfo')).toBe(2)
    })

    it('a slow sns/auth times out and is retried; a slow exchange times out once', async () => {
      const token = await userinfoToken()
      emu.fail('sns/auth', { delay: 1_500 })
      await expect(official.checkToken(token.access_token, token.openid)).resolves.toBe(true)
      expect(emu.count('sns/auth')).toBe(2)

      const code = emu.issueCode({ appId: defaultOfficialAccount.appId, user: 'zhangsan' })
      emu.fail('sns/oauth2/access_token', { delay: 1_500 })
      const error = await failure(official.exchangeCode(code))
      expect(error).toBeInstanceOf(WeChatTimeoutError)
      expect(error).toMatchObject({ retryable: false, category: 'restart-login' })
      expect(emu.count('sns/oauth2/access_token')).toBe(2)
    })

    it('an HTML 502 from a proxy on refresh is retried', async () => {
      const token = await userinfoToken()
      emu.fail('sns/oauth2/refresh_token', { nonJson: true })
      await expect(official.refreshToken(token.refresh_token)).resolves.toMatchObject({
        openid: token.openid,
      })
      expect(emu.count('sns/oauth2/refresh_token')).toBe(2)
    })

    it('a truncated body is a parse error, not a crash', async () => {
      const code = emu.issueCode({ appId: defaultOfficialAccount.appId, user: 'zhangsan' })
      emu.fail('sns/oauth2/access_token', { truncate: true })
      const error = await failure(official.exchangeCode(code))
      expect(error).toBeInstanceOf(WeChatResponseError)
      expect(error).toMatchObject({ code: 'WECHAT_PARSE_ERROR' })
    })

    it('a text/plain Content-Type changes nothing', async () => {
      const code = emu.issueCode({ appId: defaultOfficialAccount.appId, user: 'zhangsan' })
      emu.fail('sns/oauth2/access_token', { contentType: 'text/plain' })
      await expect(official.exchangeCode(code)).resolves.toMatchObject({
        openid: emu.openid(defaultOfficialAccount.appId, 'zhangsan'),
      })
    })

    it('an injected errcode keeps the code usable (WeChat rejected before looking at it)', async () => {
      const code = emu.issueCode({ appId: defaultOfficialAccount.appId, user: 'zhangsan' })
      emu.fail('sns/oauth2/access_token', { errcode: 45009 })
      await expect(official.exchangeCode(code)).rejects.toMatchObject({
        errcode: 45009,
        category: 'rate-limit',
        retryable: false,
      })
      await expect(official.exchangeCode(code)).resolves.toMatchObject({
        openid: emu.openid(defaultOfficialAccount.appId, 'zhangsan'),
      })
    })
  })
})
