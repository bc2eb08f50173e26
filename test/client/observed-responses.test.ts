/**
 * The real WeChat responses quoted in reference/wechat-api.md ([OBS] and SDK fixtures), replayed byte
 * for byte over a real socket through the client's default transport.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { canaryCode, canarySecret, canarySessionKey, canaryToken } from '../helpers/canary.js'
import { type Canned, replayServer } from '../helpers/replay-server.js'
import { createClient, WeChatApiError } from '../helpers/wxauth.js'

const APP_ID = 'wx1234567890abcdef'
const SECRET = canarySecret('observed')
// Codes and tokens carry the test canary (in place of the observed ones): the leak check sees
// any of them escape.
const CODE = canaryCode('observed')
const JS_CODE = canaryCode('js')
const ACCESS = canaryToken('access', '52')
const REFRESH = canaryToken('refresh', '52')
const SESSION_KEY = canarySessionKey()
const STALE_COMPONENT_TOKEN = canaryToken('stale component')
const FRESH_COMPONENT_TOKEN = canaryToken('fresh component')

let close: (() => Promise<void>) | undefined
afterEach(async () => {
  await close?.()
  close = undefined
})

async function clientReplaying(...responses: Canned[]) {
  const server = await replayServer(responses)
  close = server.close
  const client = createClient({
    appId: APP_ID,
    appSecret: SECRET,
    apiBaseUrl: server.url,
    retry: { baseDelay: 1, maxDelay: 5 },
  })
  return { client, server }
}

const TEXT_PLAIN = { 'content-type': 'text/plain' }

describe('successful bodies as WeChat sends them', () => {
  it('parses a snsapi_base token without unionid (O21), under application/json; encoding=utf-8', async () => {
    const body = `{"access_token":"${ACCESS}","expires_in":7200,"refresh_token":"${REFRESH}","openid":"o-qeABCDDA","scope":"snsapi_base"}`
    const { client, server } = await clientReplaying({ body })
    const token = await client.exchangeCode(CODE)
    expect(token).toMatchObject({
      access_token: ACCESS,
      expires_in: 7200,
      refresh_token: REFRESH,
      openid: 'o-qeABCDDA',
      scope: 'snsapi_base',
    })
    expect(token.unionid).toBeUndefined()
    expect(token.is_snapshotuser).toBeUndefined()
    expect(token.raw).toEqual(JSON.parse(body))
    expect(server.received[0]?.path).toBe('/sns/oauth2/access_token')
    expect(Object.fromEntries(server.received[0]?.query ?? [])).toEqual({
      appid: APP_ID,
      secret: SECRET,
      code: CODE,
      grant_type: 'authorization_code',
    })
  })

  it('parses the same body sent as text/plain (O19)', async () => {
    const { client } = await clientReplaying({
      headers: TEXT_PLAIN,
      body: `{"access_token":"${ACCESS}","expires_in":7200,"refresh_token":"${REFRESH}","openid":"ojHK1v9VKtd2r7BrUqRSGnymyH_Q","scope":"snsapi_userinfo","unionid":"oLDegwLanAyzhdUfaBqh6Dt4MqtY"}`,
    })
    const token = await client.exchangeCode(CODE)
    expect(token.unionid).toBe('oLDegwLanAyzhdUfaBqh6Dt4MqtY')
    expect(token.scope).toBe('snsapi_userinfo')
  })

  it('keeps is_snapshotuser of a snapshot-page user (O18)', async () => {
    const { client } = await clientReplaying({
      body: `{"access_token":"${ACCESS}","expires_in":7200,"refresh_token":"${REFRESH}","openid":"oSnap0000000000000000000000","scope":"snsapi_userinfo","unionid":"oUnionSnap00000000000000000","is_snapshotuser":1}`,
    })
    const token = await client.exchangeCode(CODE)
    expect(token.is_snapshotuser).toBe(1)
  })

  it('parses userinfo with language and privilege [] (O22) and sex as a number', async () => {
    const { client } = await clientReplaying({
      body: '{"openid":"ojHK1v9VKtd2r7BrUqRSGnymyH_Q","nickname":"张三","sex":0,"language":"zh_CN","city":"","province":"","country":"","headimgurl":"https://thirdwx.qlogo.cn/mmopen/vi_32/abc/132","privilege":[],"unionid":"oLDegwLanAyzhdUfaBqh6Dt4MqtY"}',
    })
    const user = await client.getUserInfo(ACCESS, 'ojHK1v9VKtd2r7BrUqRSGnymyH_Q')
    expect(user).toMatchObject({
      nickname: '张三',
      sex: 0,
      language: 'zh_CN',
      privilege: [],
      unionid: 'oLDegwLanAyzhdUfaBqh6Dt4MqtY',
    })
  })

  it('parses userinfo with sex as a string (older fixtures) and privilege values', async () => {
    const { client, server } = await clientReplaying({
      headers: TEXT_PLAIN,
      body: '{"openid":"OPENID0001","nickname":"NICKNAME","sex":"1","province":"PROVINCE","city":"CITY","country":"COUNTRY","headimgurl":"http://wx.qlogo.cn/mmopen/g3Mon/46","privilege":["PRIVILEGE1","PRIVILEGE2"]}',
    })
    const user = await client.getUserInfo(ACCESS, 'OPENID0001', { lang: 'en' })
    expect(user.sex).toBe(1)
    expect(user.privilege).toEqual(['PRIVILEGE1', 'PRIVILEGE2'])
    expect(user.raw.sex).toBe('1')
    expect(server.received[0]?.query.get('lang')).toBe('en')
  })

  it('reads sns/auth success {"errcode":0,"errmsg":"ok"} as valid', async () => {
    const { client } = await clientReplaying({ body: '{"errcode":0,"errmsg":"ok"}' })
    await expect(client.checkToken(ACCESS, 'ojHK1v9VKtd2r7BrUqRSGnymyH_Q')).resolves.toBe(true)
  })

  it('parses jscode2session success without errcode (O27)', async () => {
    const { client } = await clientReplaying({
      body: `{"session_key":"${SESSION_KEY}","openid":"omQk44_8-cNOV_rX2ATufITJEP3Y"}`,
    })
    const session = await client.code2Session(JS_CODE)
    expect(session).toMatchObject({
      openid: 'omQk44_8-cNOV_rX2ATufITJEP3Y',
      session_key: SESSION_KEY,
    })
  })

  it('decodes Chinese as UTF-8 although the header says encoding=, not charset= (O20)', async () => {
    const { client } = await clientReplaying({
      headers: { 'content-type': 'application/json; encoding=utf-8' },
      body: '{"openid":"o1","nickname":"微信用户🙂","sex":0,"headimgurl":"","privilege":[]}',
    })
    const user = await client.getUserInfo(ACCESS, 'o1')
    expect(user.nickname).toBe('微信用户🙂')
  })
})

interface ErrorCase {
  name: string
  call: 'exchange' | 'refresh' | 'userinfo' | 'auth' | 'session'
  body: string
  headers?: Record<string, string>
  errcode: number
  errmsg: string
  rid: string | undefined
  category: string
}

const errorCases: ErrorCase[] = [
  {
    name: 'O1 code been used, rid',
    call: 'exchange',
    body: '{"errcode":40163,"errmsg":"code been used, rid: 6566e449-0cdfe7be-7588f1a9"}',
    errcode: 40163,
    errmsg: 'code been used',
    rid: '6566e449-0cdfe7be-7588f1a9',
    category: 'restart-login',
  },
  {
    name: 'O2 invalid code, rid',
    call: 'exchange',
    body: '{"errcode":40029,"errmsg":"invalid code, rid: 65c17d8c-5cf05990-781aabe9"}',
    errcode: 40029,
    errmsg: 'invalid code',
    rid: '65c17d8c-5cf05990-781aabe9',
    category: 'restart-login',
  },
  {
    name: 'O3 code been used, older hints suffix',
    call: 'exchange',
    body: '{"errcode":40163,"errmsg":"code been used, hints: [ req_id: G_gMVa0151hc56 ]"}',
    errcode: 40163,
    errmsg: 'code been used',
    rid: 'G_gMVa0151hc56',
    category: 'restart-login',
  },
  {
    name: 'O3 invalid code, older hints suffix',
    call: 'exchange',
    body: '{"errcode":40029,"errmsg":"invalid code, hints: [ req_id: LEgfftXIRa-BU8_9 ]"}',
    errcode: 40029,
    errmsg: 'invalid code',
    rid: 'LEgfftXIRa-BU8_9',
    category: 'restart-login',
  },
  {
    name: 'O4 48001 on userinfo for a snapshot token',
    call: 'userinfo',
    body: '{"errcode":48001,"errmsg":"api unauthorized, rid: 62fb9bc8-078c24da-4202f278"}',
    errcode: 48001,
    errmsg: 'api unauthorized',
    rid: '62fb9bc8-078c24da-4202f278',
    category: 'config',
  },
  {
    name: 'O6 40014 without a comma before rid',
    call: 'userinfo',
    body: '{"errcode": 40014, "errmsg": "invalid access_token rid: 606e6c56-2fdd935e-10794ce4"}',
    errcode: 40014,
    errmsg: 'invalid access_token',
    rid: '606e6c56-2fdd935e-10794ce4',
    category: 'refresh',
  },
  {
    name: 'O7 40125 invalid appsecret',
    call: 'exchange',
    body: '{"errcode":40125,"errmsg":"invalid appsecret, rid: 66b5fb8f-5e3c0071-3d7f539a"}',
    errcode: 40125,
    errmsg: 'invalid appsecret',
    rid: '66b5fb8f-5e3c0071-3d7f539a',
    category: 'config',
  },
  {
    name: 'O8 40164 IP whitelist on jscode2session',
    call: 'session',
    body: '{"errcode":40164,"errmsg":"invalid ip 47.xx.xx.xx ipv6 ::ffff:47.xx.xx.xx, not in whitelist, rid: 61a5dd5a-34420827-1c178dac"}',
    errcode: 40164,
    errmsg: 'invalid ip 47.xx.xx.xx ipv6 ::ffff:47.xx.xx.xx, not in whitelist',
    rid: '61a5dd5a-34420827-1c178dac',
    category: 'config',
  },
  {
    name: 'O12 40030 invalid refresh_token',
    call: 'refresh',
    body: '{"errcode":40030,"errmsg":"invalid refresh_token, rid: 6500351b-2a0273e2-4af6b58d"}',
    errcode: 40030,
    errmsg: 'invalid refresh_token',
    rid: '6500351b-2a0273e2-4af6b58d',
    category: 'reauthorize',
  },
  {
    name: 'O13 40002 invalid grant_type',
    call: 'exchange',
    body: '{"errcode":40002,"errmsg":"invalid grant_type, rid: 60fe96dc-412c0e98-7453c06c"}',
    errcode: 40002,
    errmsg: 'invalid grant_type',
    rid: '60fe96dc-412c0e98-7453c06c',
    category: 'config',
  },
  {
    name: 'O14 40013 without a comma',
    call: 'session',
    body: '{"errcode":40013,"errmsg":"invalid appid rid: 60b6faee-52db30c5-352fb162"}',
    errcode: 40013,
    errmsg: 'invalid appid',
    rid: '60b6faee-52db30c5-352fb162',
    category: 'config',
  },
  {
    name: 'O15 41002 appid missing',
    call: 'session',
    body: '{"errcode":41002,"errmsg":"appid missing, rid: 619c7771-0a02d499-79942718"}',
    errcode: 41002,
    errmsg: 'appid missing',
    rid: '619c7771-0a02d499-79942718',
    category: 'config',
  },
  {
    name: 'O15 41008 missing code, hints',
    call: 'exchange',
    body: '{"errcode":41008,"errmsg":"missing code, hints: [ req_id: bGBFvOnre-h1D8Qa ]"}',
    errcode: 41008,
    errmsg: 'missing code',
    rid: 'bGBFvOnre-h1D8Qa',
    category: 'restart-login',
  },
  {
    name: 'O16 42001 access_token expired, no comma',
    call: 'userinfo',
    body: '{"errcode":42001,"errmsg":"access_token expired rid: 5f8f0892-4a392928-464d3e81"}',
    errcode: 42001,
    errmsg: 'access_token expired',
    rid: '5f8f0892-4a392928-464d3e81',
    category: 'refresh',
  },
  {
    name: 'O17 40001 on userinfo with a non-OAuth token, as text/plain',
    call: 'userinfo',
    headers: TEXT_PLAIN,
    body: '{"errcode":40001,"errmsg":"invalid credential, access_token is invalid or not latest, rid: 63fddc91-0bf37557-4f13ec59"}',
    errcode: 40001,
    errmsg: 'invalid credential, access_token is invalid or not latest',
    rid: '63fddc91-0bf37557-4f13ec59',
    category: 'refresh',
  },
  {
    name: 'D9 error without any rid',
    call: 'refresh',
    body: '{"errcode":40030,"errmsg":"invalid refresh_token"}',
    errcode: 40030,
    errmsg: 'invalid refresh_token',
    rid: undefined,
    category: 'reauthorize',
  },
]

describe('error bodies as WeChat sends them (HTTP 200)', () => {
  it.each(errorCases)('$name', async (c) => {
    const { client, server } = await clientReplaying({
      body: c.body,
      ...(c.headers ? { headers: c.headers } : {}),
    })
    const call = {
      exchange: () => client.exchangeCode(CODE),
      refresh: () => client.refreshToken(REFRESH),
      userinfo: () => client.getUserInfo(ACCESS, 'ojHK1v9VKtd2r7BrUqRSGnymyH_Q'),
      auth: () => client.checkToken(ACCESS, 'ojHK1v9VKtd2r7BrUqRSGnymyH_Q'),
      session: () => client.code2Session(JS_CODE),
    }[c.call]
    const error = await call().then(
      () => expect.unreachable('the call should fail'),
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(WeChatApiError)
    expect(error).toMatchObject({
      code: 'WECHAT_API_ERROR',
      errcode: c.errcode,
      errmsg: c.errmsg,
      rid: c.rid,
      category: c.category,
      status: 200,
      retryable: false,
    })
    // None of these is retried, so WeChat saw exactly one request.
    expect(server.received).toHaveLength(1)
  })

  it('O5 40003 on sns/auth answers false, not an exception', async () => {
    const { client } = await clientReplaying({
      body: '{"errcode":40003,"errmsg":"invalid openid, rid: 66d19aa4-3f927127-199f930f"}',
    })
    await expect(client.checkToken(ACCESS, 'ojHK1v9VKtd2r7BrUqRSGnymyH_Q')).resolves.toBe(false)
  })

  it('O9 40001 on the component exchange, with RetKey/LogicRet headers: refreshes the component token once', async () => {
    const o9 = {
      headers: { RetKey: '11', LogicRet: '40001' },
      body: '{"errcode":40001,"errmsg":"invalid credential, access_token is invalid or not latest, rid: 66e55c80-6f808a57-63c10317"}',
    }
    const server = await replayServer([o9, o9])
    close = server.close
    const asked: boolean[] = []
    const client = createClient({
      appId: APP_ID,
      apiBaseUrl: server.url,
      component: {
        appId: 'wxcomponent00000001',
        accessToken: ({ forceRefresh }) => {
          asked.push(forceRefresh)
          return forceRefresh ? FRESH_COMPONENT_TOKEN : STALE_COMPONENT_TOKEN
        },
      },
    })
    const error = await client.exchangeCode(CODE).catch((e: unknown) => e)
    expect(error).toMatchObject({ errcode: 40001, endpoint: 'sns/oauth2/component/access_token' })
    expect(asked).toEqual([false, true])
    expect(server.received.map((r) => r.query.get('component_access_token'))).toEqual([
      STALE_COMPONENT_TOKEN,
      FRESH_COMPONENT_TOKEN,
    ])
  })
})
