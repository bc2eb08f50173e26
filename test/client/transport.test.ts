/**
 * Timeouts, retries (and their absence where a retry is unsafe) and malformed responses, over a
 * real socket through the client's default transport.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { canaryCode, canarySecret, canaryToken } from '../helpers/canary.js'
import { type Canned, replayServer } from '../helpers/replay-server.js'
import {
  type ClientLogEvent,
  createClient,
  WeChatApiError,
  WeChatResponseError,
  WeChatTimeoutError,
  WeChatTransportError,
} from '../helpers/wxauth.js'

const APP_ID = 'wx1234567890abcdef'
const SECRET = canarySecret('transport')
// Tokens and codes carry the test canary: the leak check sees any of them escape.
const ACCESS = canaryToken('access')
const REFRESH = canaryToken('refresh')
const TOKEN_BODY = `{"access_token":"${ACCESS}","expires_in":7200,"refresh_token":"${REFRESH}","openid":"o1","scope":"snsapi_userinfo"}`
const USER_BODY = '{"openid":"o1","nickname":"n","sex":0,"headimgurl":"","privilege":[]}'
const BUSY = '{"errcode":-1,"errmsg":"system error, rid: 65c17d8c-5cf05990-781aabe9"}'
const HTML_502 = '<html><body><h1>502 Bad Gateway</h1></body></html>'

let close: (() => Promise<void>) | undefined
afterEach(async () => {
  await close?.()
  close = undefined
})

async function setup(responses: Canned[], timeout = 2_000) {
  const server = await replayServer(responses)
  close = server.close
  const events: ClientLogEvent[] = []
  const client = createClient({
    appId: APP_ID,
    appSecret: SECRET,
    apiBaseUrl: server.url,
    timeout,
    retry: { retries: 2, baseDelay: 5, maxDelay: 20 },
    log: (event) => events.push(event),
  })
  return { client, server, events }
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.unreachable('the call should fail'),
    (error: unknown) => error,
  )
}

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

describe('retries', () => {
  it('retries errcode -1 on userinfo and succeeds on the third attempt', async () => {
    const { client, server, events } = await setup([
      { body: BUSY },
      { body: BUSY },
      { body: USER_BODY },
    ])
    const user = await client.getUserInfo(ACCESS, 'o1')
    expect(user.openid).toBe('o1')
    expect(server.received).toHaveLength(3)
    expect(events.map((e) => e.type)).toEqual(['retry', 'retry', 'response'])
  })

  it('gives up after three attempts of -1 on refresh, with the last error', async () => {
    const { client, server } = await setup([
      { body: BUSY },
      { body: BUSY },
      { body: BUSY },
      { body: TOKEN_BODY },
    ])
    const error = await failure(client.refreshToken(REFRESH))
    expect(error).toMatchObject({ errcode: -1, category: 'retry', retryable: true })
    expect(server.received).toHaveLength(3)
  })

  // O11: WeChat's -1 on the code exchange, as observed. It did not process the call, so one more
  // try is worth it (REL-04); a spent code then answers 40163, which restarts the login.
  const O11 = '{"errcode":-1,"errmsg":"system error, hints: [ req_id: 4FFbQDshE-npwHqA ]"}'

  it('tries -1 on the code exchange once more, and only once: the code may be spent after all', async () => {
    const { client, server } = await setup([{ body: O11 }, { body: O11 }, { body: TOKEN_BODY }])
    const error = await failure(client.exchangeCode(canaryCode('0001')))
    expect(error).toMatchObject({
      errcode: -1,
      errmsg: 'system error',
      rid: '4FFbQDshE-npwHqA',
      category: 'restart-login',
    })
    expect(server.received).toHaveLength(2)
  })

  it('a -1 on the code exchange followed by an answer: the login goes on', async () => {
    const { client, server } = await setup([{ body: O11 }, { body: TOKEN_BODY }])
    await expect(client.exchangeCode(canaryCode('0001'))).resolves.toMatchObject({
      openid: expect.any(String),
    })
    expect(server.received).toHaveLength(2)
  })

  it('a -1 then 40163 on the code exchange: a restart, not a replayed code', async () => {
    const used = '{"errcode":40163,"errmsg":"code been used, rid: 6500351b-2a0273e2-4af6b58d"}'
    const { client, server } = await setup([{ body: O11 }, { body: used }])
    const error = await failure(client.exchangeCode(canaryCode('0001')))
    expect(error).toMatchObject({ errcode: 40163, category: 'restart-login', retryable: false })
    expect(server.received).toHaveLength(2)
  })

  it('retries an HTML 502 on userinfo, not on the code exchange', async () => {
    const { client, server } = await setup([
      { status: 502, headers: { 'content-type': 'text/html' }, body: HTML_502 },
      { body: USER_BODY },
    ])
    await expect(client.getUserInfo(ACCESS, 'o1')).resolves.toMatchObject({ openid: 'o1' })
    expect(server.received).toHaveLength(2)

    server.queue.push(
      { status: 502, headers: { 'content-type': 'text/html' }, body: HTML_502 },
      { body: TOKEN_BODY },
    )
    const error = await failure(client.exchangeCode(canaryCode('0002')))
    expect(error).toBeInstanceOf(WeChatResponseError)
    expect(error).toMatchObject({ status: 502, category: 'restart-login', retryable: false })
    expect(server.received).toHaveLength(3)
  })

  it('honours a Retry-After within the delay cap', async () => {
    const { client, events } = await setup([
      { status: 503, headers: { 'retry-after': '0' }, body: 'busy' },
      { body: USER_BODY },
    ])
    await client.getUserInfo(ACCESS, 'o1')
    expect(events[0]).toMatchObject({ type: 'retry', delay: 0 })
  })

  it('gives up at once when Retry-After asks for longer than the cap, and says how long', async () => {
    const { client, server } = await setup([
      { status: 503, headers: { 'retry-after': '60' }, body: 'busy' },
      { body: USER_BODY },
    ])
    const error = await failure(client.getUserInfo(ACCESS, 'o1'))
    expect(error).toBeInstanceOf(WeChatResponseError)
    expect(error).toMatchObject({ status: 503, retryAfter: 60_000, retryable: true })
    expect(server.received).toHaveLength(1)
  })

  it('retries a refused connection even for the code exchange (it never reached WeChat)', async () => {
    const port = await freePort()
    const events: ClientLogEvent[] = []
    const client = createClient({
      appId: APP_ID,
      appSecret: SECRET,
      apiBaseUrl: `http://127.0.0.1:${port}`,
      retry: { retries: 2, baseDelay: 1, maxDelay: 5 },
      log: (event) => events.push(event),
    })
    const error = await failure(client.exchangeCode(canaryCode('0003')))
    expect(error).toBeInstanceOf(WeChatTransportError)
    expect(error).toMatchObject({ code: 'WECHAT_TRANSPORT_ERROR', sent: false, category: 'retry' })
    expect(events.filter((e) => e.type === 'retry')).toHaveLength(2)
  })

  it('spreads backoff delays with jitter, all within the cap', async () => {
    const responses = Array.from({ length: 60 }, (_, i) => ({
      body: i % 3 === 2 ? USER_BODY : BUSY,
    }))
    const { client, events } = await setup(responses)
    for (let i = 0; i < 20; i++) await client.getUserInfo(ACCESS, 'o1')
    const delays = events.filter((e) => e.type === 'retry').map((e) => e.delay ?? -1)
    expect(delays).toHaveLength(40)
    expect(Math.max(...delays)).toBeLessThanOrEqual(20)
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(0)
    expect(new Set(delays).size).toBeGreaterThan(1)
  })

  it('retry: false makes exactly one attempt', async () => {
    const server = await replayServer([{ body: BUSY }, { body: USER_BODY }])
    close = server.close
    const client = createClient({
      appId: APP_ID,
      appSecret: SECRET,
      apiBaseUrl: server.url,
      retry: false,
    })
    await failure(client.getUserInfo(ACCESS, 'o1'))
    expect(server.received).toHaveLength(1)
  })
})

describe('timeouts and aborts', () => {
  it('an abort during the backoff stops the retries with WECHAT_ABORTED', async () => {
    const server = await replayServer([{ body: BUSY }, { body: USER_BODY }])
    close = server.close
    const events: ClientLogEvent[] = []
    const client = createClient({
      appId: APP_ID,
      appSecret: SECRET,
      apiBaseUrl: server.url,
      retry: { retries: 2, baseDelay: 60_000, maxDelay: 60_000 },
      log: (event) => events.push(event),
    })
    const controller = new AbortController()
    const pending = failure(client.getUserInfo(ACCESS, 'o1', { signal: controller.signal }))
    while (!events.some((e) => e.type === 'retry')) await new Promise((r) => setTimeout(r, 5))
    controller.abort()
    const error = await pending
    expect(error).toBeInstanceOf(WeChatTransportError)
    expect(error).toMatchObject({ code: 'WECHAT_ABORTED', retryable: false })
    expect((error as Error).cause).toMatchObject({ errcode: -1 })
    expect(server.received).toHaveLength(1)
  })

  it('times out a slow userinfo, retries it, then succeeds', async () => {
    const { client, server } = await setup(
      [{ body: USER_BODY, delay: 1_000 }, { body: USER_BODY }],
      100,
    )
    await expect(client.getUserInfo(ACCESS, 'o1')).resolves.toMatchObject({ openid: 'o1' })
    expect(server.received).toHaveLength(2)
  })

  it('times out a slow code exchange once and does not retry it', async () => {
    const { client, server } = await setup(
      [{ body: TOKEN_BODY, delay: 1_000 }, { body: TOKEN_BODY }],
      100,
    )
    const error = await failure(client.exchangeCode(canaryCode('0004')))
    expect(error).toBeInstanceOf(WeChatTimeoutError)
    expect(error).toMatchObject({
      code: 'WECHAT_TIMEOUT',
      timeout: 100,
      category: 'restart-login',
      retryable: false,
    })
    expect(server.received).toHaveLength(1)
  })

  it('a deadline bounds every attempt and backoff: the last attempt gets only what is left', async () => {
    const slow = { body: USER_BODY, delay: 1_000 }
    const { client, server } = await setup([slow, slow, slow], 100)
    const error = await failure(client.getUserInfo(ACCESS, 'o1', { deadline: Date.now() + 150 }))
    expect(error).toBeInstanceOf(WeChatTimeoutError)
    // 100 ms, then at most the 50 ms left: never the third attempt the retry policy allows.
    expect(server.received.length).toBeLessThanOrEqual(2)
    await expect(
      client.getUserInfo(ACCESS, 'o1', { deadline: Date.now() - 1 }),
    ).rejects.toBeInstanceOf(WeChatTimeoutError)
  })

  it('bounds the whole answer, not only the wait for headers: a trickling body times out', async () => {
    const { client, server } = await setup([{ body: TOKEN_BODY, drip: 20 }], 150)
    const error = await failure(client.exchangeCode(canaryCode('0006')))
    expect(error).toBeInstanceOf(WeChatTimeoutError)
    expect(error).toMatchObject({ code: 'WECHAT_TIMEOUT', timeout: 150, retryable: false })
    expect(server.received).toHaveLength(1)
  })

  it('stops at once when the caller aborts', async () => {
    const { client, server } = await setup([{ body: USER_BODY, delay: 1_000 }, { body: USER_BODY }])
    const controller = new AbortController()
    const pending = failure(client.getUserInfo(ACCESS, 'o1', { signal: controller.signal }))
    while (server.received.length === 0) await new Promise((resolve) => setTimeout(resolve, 5))
    controller.abort()
    const error = await pending
    expect(error).toMatchObject({ code: 'WECHAT_ABORTED', retryable: false })
    expect(server.received).toHaveLength(1)
  })
})

describe('sns/auth', () => {
  it.each([['{}'], ['{"errmsg":"ok"}'], ['{"foo":1}'], ['{"errcode":null,"errmsg":"ok"}']])(
    'does not call %s a valid token',
    async (body) => {
      const { client } = await setup([{ body }])
      const error = await failure(client.checkToken(ACCESS, 'o1'))
      expect(error).toBeInstanceOf(WeChatResponseError)
      expect((error as Error).message).toMatch(/"errcode"/)
    },
  )
})

describe('malformed responses', () => {
  it('does not follow a redirect: the secret must not travel to another host', async () => {
    const { client, server } = await setup([
      { status: 302, headers: { location: 'http://127.0.0.1:1/elsewhere' }, body: '' },
    ])
    const error = await failure(client.exchangeCode(canaryCode('0005')))
    expect(error).toBeInstanceOf(WeChatResponseError)
    expect(error).toMatchObject({ status: 302, retryable: false })
    expect(server.received).toHaveLength(1)
  })

  it('rejects a body over maxBodySize', async () => {
    const server = await replayServer([
      { body: `{"openid":"o1","nickname":"${'x'.repeat(70_000)}"}` },
    ])
    close = server.close
    const client = createClient({ appId: APP_ID, appSecret: SECRET, apiBaseUrl: server.url })
    const error = await failure(client.getUserInfo(ACCESS, 'o1'))
    expect(error).toBeInstanceOf(WeChatResponseError)
    expect((error as Error).message).toContain('over 65536 bytes')
  })

  it('reports a connection cut mid-body on the exchange as a transport error that may have been sent', async () => {
    const { client } = await setup([{ body: TOKEN_BODY, cutAfter: 20 }])
    const error = await failure(client.exchangeCode(canaryCode('0006')))
    expect(error).toBeInstanceOf(WeChatTransportError)
    expect(error).toMatchObject({ sent: true, category: 'restart-login', retryable: false })
  })

  it.each([
    ['an empty body', '', 'WECHAT_PARSE_ERROR', 'not JSON'],
    ['truncated JSON', TOKEN_BODY.slice(0, 30), 'WECHAT_PARSE_ERROR', 'not JSON'],
    ['an array', '[]', 'WECHAT_INVALID_RESPONSE', 'JSON object'],
    ['a string', '"x"', 'WECHAT_INVALID_RESPONSE', 'JSON object'],
    [
      'a number access_token',
      `{"access_token":1,"expires_in":7200,"refresh_token":"${REFRESH}","openid":"o","scope":"s"}`,
      'WECHAT_INVALID_RESPONSE',
      '"access_token" must be a non-empty string',
    ],
    [
      'a text expires_in',
      `{"access_token":"${ACCESS}","expires_in":"abc","refresh_token":"${REFRESH}","openid":"o","scope":"s"}`,
      'WECHAT_INVALID_RESPONSE',
      '"expires_in" must be a positive number',
    ],
    [
      'no openid',
      `{"access_token":"${ACCESS}","expires_in":7200,"refresh_token":"${REFRESH}","scope":"s"}`,
      'WECHAT_INVALID_RESPONSE',
      '"openid" must be a non-empty string',
    ],
    [
      'a non-numeric errcode',
      '{"errcode":"oops","errmsg":"x"}',
      'WECHAT_INVALID_RESPONSE',
      '"errcode" must be an integer',
    ],
    ['an HTML page with status 200', HTML_502, 'WECHAT_PARSE_ERROR', 'not JSON'],
  ])('rejects %s with a typed error naming the problem', async (_name, body, code, text) => {
    const { client, server } = await setup([{ body, headers: { 'content-type': 'text/plain' } }])
    const error = await failure(client.exchangeCode(canaryCode('0007')))
    expect(error).toBeInstanceOf(WeChatResponseError)
    // The request reached WeChat: the code is probably spent, so the login restarts.
    expect(error).toMatchObject({
      code,
      endpoint: 'sns/oauth2/access_token',
      retryable: false,
      category: 'restart-login',
    })
    expect((error as Error).message).toContain(text)
    expect(server.received).toHaveLength(1)
  })

  it('reads a numeric-string errcode as an API error', async () => {
    const { client } = await setup([{ body: '{"errcode":"40029","errmsg":"invalid code"}' }])
    const error = await failure(client.exchangeCode(canaryCode('0008')))
    expect(error).toBeInstanceOf(WeChatApiError)
    expect(error).toMatchObject({ errcode: 40029 })
  })

  it('rejects a userinfo whose openid is not the one asked for', async () => {
    const { client } = await setup([{ body: USER_BODY.replace('"o1"', '"o2"') }])
    const error = await failure(client.getUserInfo(ACCESS, 'o1'))
    expect(error).toBeInstanceOf(WeChatResponseError)
    expect((error as Error).message).toContain('not the openid that was asked for')
  })
})
