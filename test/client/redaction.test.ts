/**
 * LOG-01: a planted app secret, code and tokens never appear in any error message, cause, stack,
 * toJSON, inspection or log event, on every failure path.
 */
import { inspect } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CANARY, canaryCode, canarySecret, canaryToken } from '../helpers/canary.js'
import { replayServer } from '../helpers/replay-server.js'
import { type ClientLogEvent, createClient, type WeChatClient } from '../helpers/wxauth.js'

const SECRET = canarySecret('redaction')
const CODE = canaryCode('redaction')
const ACCESS = canaryToken('access')
const REFRESH = canaryToken('refresh')
const CANARIES = [SECRET, CODE, ACCESS, REFRESH, CANARY]

function everythingAbout(value: unknown): string {
  const parts: string[] = [inspect(value, { depth: Number.POSITIVE_INFINITY, showHidden: true })]
  for (let current = value, depth = 0; current && depth < 10; depth++) {
    const error = current as Error & { toJSON?: () => unknown }
    parts.push(String(error.message), String(error.stack))
    if (typeof error.toJSON === 'function') parts.push(JSON.stringify(error.toJSON()))
    parts.push(JSON.stringify(current))
    current = error.cause
  }
  return parts.join('\n')
}

const echoSecret = `{"errcode":40125,"errmsg":"invalid appsecret ${SECRET} for code ${CODE}, rid: 66b5fb8f-5e3c0071-3d7f539a"}`

describe('secrets never leak', () => {
  let server: Awaited<ReturnType<typeof replayServer>>
  const events: ClientLogEvent[] = []
  let client: WeChatClient

  beforeAll(async () => {
    server = await replayServer([])
    client = createClient({
      appId: 'wx1234567890abcdef',
      appSecret: SECRET,
      apiBaseUrl: server.url,
      timeout: 200,
      retry: { retries: 1, baseDelay: 1, maxDelay: 2 },
      log: (event) => events.push(event),
    })
  })
  afterAll(() => server.close())

  const paths: [string, () => void, (c: WeChatClient) => Promise<unknown>][] = [
    [
      'an errcode whose errmsg echoes the secret',
      () => server.queue.push({ body: echoSecret }),
      (c) => c.exchangeCode(CODE),
    ],
    [
      'an HTTP 500 page quoting the URL',
      () =>
        server.queue.push({
          status: 500,
          body: `GET /sns/oauth2/access_token?secret=${SECRET}&code=${CODE}`,
          headers: { 'content-type': 'text/html' },
        }),
      (c) => c.exchangeCode(CODE),
    ],
    [
      'malformed JSON quoting the code',
      () => server.queue.push({ body: `{"access_token":"${ACCESS}` }),
      (c) => c.exchangeCode(CODE),
    ],
    [
      'a connection cut mid-body',
      () =>
        server.queue.push({
          body: `{"access_token":"${ACCESS}","x":"${'y'.repeat(100)}"}`,
          cutAfter: 40,
        }),
      (c) => c.exchangeCode(CODE),
    ],
    [
      'a timeout',
      () => server.queue.push({ body: '{}', delay: 1_000 }),
      (c) => c.exchangeCode(CODE),
    ],
    [
      'a refresh that times out twice',
      () => server.queue.push({ body: '{}', delay: 1_000 }, { body: '{}', delay: 1_000 }),
      (c) => c.refreshToken(REFRESH),
    ],
    [
      'userinfo with an expired token',
      () => server.queue.push({ body: '{"errcode":42001,"errmsg":"access_token expired"}' }),
      (c) => c.getUserInfo(ACCESS, 'o1'),
    ],
    ['a bad argument', () => {}, (c) => c.exchangeCode(`${CODE} `)],
  ]

  it.each(paths)('on %s', async (_name, prepare, call) => {
    prepare()
    const error = await call(client).then(
      () => expect.unreachable('the call should fail'),
      (e: unknown) => e,
    )
    const text = everythingAbout(error)
    for (const canary of CANARIES) expect(text).not.toContain(canary)
  })

  it('on a refused connection and an unresolvable host', async () => {
    for (const apiBaseUrl of ['http://127.0.0.1:1', 'http://wechat-emulator.invalid']) {
      const c = createClient({
        appId: 'wx1234567890abcdef',
        appSecret: SECRET,
        apiBaseUrl,
        timeout: 500,
        retry: false,
      })
      const error = await c.exchangeCode(CODE).catch((e: unknown) => e)
      expect(error).toMatchObject({
        code: expect.stringMatching(/^WECHAT_(TRANSPORT_ERROR|TIMEOUT)$/),
      })
      const text = everythingAbout(error)
      for (const canary of CANARIES) expect(text).not.toContain(canary)
    }
  })

  it('when an injected fetch quotes the URL in its error, as node-fetch does', async () => {
    const c = createClient({
      appId: 'wx1234567890abcdef',
      appSecret: SECRET,
      retry: false,
      fetch: async (url) => {
        const reason = Object.assign(new Error(`connect ECONNREFUSED, while fetching ${url}`), {
          code: 'ECONNREFUSED',
        })
        throw Object.assign(new TypeError(`request to ${url} failed, reason: ${reason.message}`), {
          cause: reason,
        })
      },
    })
    const error = await c.exchangeCode(CODE).catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'WECHAT_TRANSPORT_ERROR', sent: false })
    expect((error as Error).message).toContain('sns/oauth2/access_token')
    const text = everythingAbout(error)
    for (const canary of CANARIES) expect(text).not.toContain(canary)
  })

  it('in log events', () => {
    expect(events.length).toBeGreaterThan(5)
    const text = JSON.stringify(events)
    for (const canary of CANARIES) expect(text).not.toContain(canary)
  })

  it('in the client object itself', () => {
    expect(inspect(client, { depth: Number.POSITIVE_INFINITY, showHidden: true })).not.toContain(
      SECRET,
    )
    expect(JSON.stringify(client)).not.toContain(SECRET)
  })
})

describe('redactText', () => {
  it('redacts secret parameters whatever their case, and known secret values anywhere', async () => {
    const { redactText } = await import('../../src/client/redact.js')
    const text = redactText(
      'GET /x?SECRET=s1&Code=c1&component_verify_ticket=t1&lang=zh_CN and again s3cr3tvalue',
      ['s3cr3tvalue'],
    )
    expect(text).toBe(
      'GET /x?SECRET=[REDACTED]&Code=[REDACTED]&component_verify_ticket=[REDACTED]&lang=zh_CN and again [REDACTED]',
    )
  })
})
