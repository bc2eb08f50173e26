/**
 * A flood of login starts, as anyone on the internet can send: cookie-less `GET /login`, each of
 * which used to write two entries into the app's own store. In a configured memory store that
 * evicted sessions and tokens (about 50k requests logged everyone out); in Redis it grew without
 * bound. Now the starts beyond `logins.maxPending` get "busy", and nothing already there moves.
 */
import { Redis } from 'ioredis'
import { afterAll, beforeEach, describe, expect, it } from 'vitest'
import { memoryStore } from '../../src/stores/memory.js'
import { redisStore } from '../../src/stores/redis/index.js'
import type { Store } from '../../src/stores/store.js'
import { createEmulator, defaultOfficialAccount, type Emulator } from '../helpers/emulator.js'
import { REDIS_URL, redisReachable } from '../helpers/redis.js'
import { TestBrowser, WECHAT_UA } from '../helpers/user-agent.js'
import { createWxAuth, type WxAuth, type WxAuthConfig } from '../helpers/wxauth.js'

const ORIGIN = 'http://localhost:3000'
const SECRET = 'flood-test-secret-0123456789abcdef0123'
const FLOOD = 100_000
const CAP = 20_000
// Requests in flight at once during the flood, as from many connections.
const PARALLEL = 64

let emu: Emulator
const withRedis = await redisReachable()

beforeEach(() => {
  emu = createEmulator()
})

function setup(store: Store | undefined, overrides: Partial<WxAuthConfig> = {}): WxAuth {
  return createWxAuth({
    apps: {
      official: { appId: defaultOfficialAccount.appId, appSecret: defaultOfficialAccount.secret },
    },
    baseUrl: ORIGIN,
    secrets: [SECRET],
    fetch: emu.fetch,
    ...(store ? { store } : {}),
    // Sessions kept in the store too: the flood must not push them out.
    session: { revocable: true },
    ...overrides,
  })
}

function browser(auth: WxAuth): TestBrowser {
  const app = async (request: Request) =>
    (await auth.handle(request)) ?? new Response('not found', { status: 404 })
  return new TestBrowser(app, ORIGIN, emu, WECHAT_UA)
}

/** Sends `count` cookie-less login starts; counts the answers by status. */
async function flood(auth: WxAuth, count: number): Promise<Map<number, number>> {
  const statuses = new Map<number, number>()
  let next = 0
  let busyChecked = false
  const worker = async () => {
    while (next < count) {
      next++
      const response = await auth.handle(
        new Request(`${ORIGIN}/auth/wechat/login?returnTo=/flood`, {
          headers: { 'user-agent': WECHAT_UA, accept: 'application/json' },
        }),
      )
      const status = response?.status ?? 0
      statuses.set(status, (statuses.get(status) ?? 0) + 1)
      if (status === 503 && !busyChecked) {
        busyChecked = true
        expect(response?.headers.get('retry-after')).toBe('60')
        expect(await response?.json()).toMatchObject({ error: 'busy' })
      } else {
        await response?.body?.cancel()
      }
    }
  }
  await Promise.all(Array.from({ length: PARALLEL }, worker))
  return statuses
}

/**
 * The whole scenario: a user logged in, a victim half-way through WeChat's consent page, then the
 * flood; afterwards the user's session and tokens still work and the victim's login completes.
 */
async function survivesFlood(auth: WxAuth, cap: number): Promise<void> {
  emu.autoApprove('zhangsan')
  const user = browser(auth)
  await user.navigate('/auth/wechat/login?returnTo=/home')
  const before = await auth.getSession(sessionRequest(user))
  expect(before?.identity.openid).toBeDefined()
  const subject = before?.identity.subject ?? ''
  expect(await auth.getAccessToken(subject)).toMatch(/./)

  const victim = browser(auth)
  const start = await victim.request('/auth/wechat/login?returnTo=/checkout')
  expect(start.status).toBe(302)
  const authorizeUrl = start.headers.get('location') ?? ''

  const statuses = await flood(auth, FLOOD)

  const after = await auth.getSession(sessionRequest(user))
  expect(after?.identity.subject).toBe(subject)
  expect(await auth.getAccessToken(subject)).toMatch(/./)

  emu.autoApprove('lisi')
  await victim.navigate(authorizeUrl)
  const callback = victim.hops.find((hop) => hop.url.startsWith(`${ORIGIN}/auth/wechat/callback`))
  expect(callback?.status).toBe(303)
  expect(callback?.location).toBe(`${ORIGIN}/checkout`)
  const victimSession = await auth.getSession(sessionRequest(victim))
  expect(victimSession?.identity.openid).toBe(emu.openid(defaultOfficialAccount.appId, 'lisi'))

  // Two starts came before the flood: the user's and the victim's.
  expect(statuses.get(302)).toBe(cap - 2)
  expect(statuses.get(503)).toBe(FLOOD - cap + 2)
  expect([...statuses.keys()].sort()).toEqual([302, 503])
}

function sessionRequest(b: TestBrowser): Request {
  const url = new URL('/', ORIGIN)
  return new Request(url, { headers: { cookie: b.cookieHeader(url) } })
}

describe('a flood of cookie-less login starts', () => {
  it(`${FLOOD} starts against a configured memory store leave a session, its tokens and a login in progress intact; those past the cap are busy`, async () => {
    await survivesFlood(setup(memoryStore(), { logins: { maxPending: CAP } }), CAP)
  }, 120_000)

  it(`${FLOOD} starts against the default store, at its default cap of 60,000: the same`, async () => {
    await survivesFlood(setup(undefined), 60_000)
  }, 120_000)

  describe.runIf(withRedis)('with Redis', () => {
    const client = new Redis(REDIS_URL, { lazyConnect: true, enableOfflineQueue: false })
    const prefix = `wxauth-flood:${crypto.randomUUID().slice(0, 8)}:`
    afterAll(async () => {
      const store = redisStore({ client, prefix })
      await store.clear()
      client.disconnect()
    })

    it(`${FLOOD} starts against Redis leave a session, its tokens and a login in progress intact; those past the cap are busy, and Redis holds a bounded number of keys`, async () => {
      await client.connect()
      const store = redisStore({ client, prefix, timeout: 5_000 })
      await survivesFlood(setup(store, { logins: { maxPending: CAP } }), CAP)
      let keys = 0
      let cursor = '0'
      do {
        const [next, batch] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000)
        cursor = next
        keys += batch.length
      } while (cursor !== '0')
      // Two per admitted start (transaction and pending list), a few for the two logins, and the
      // admissions' sorted set: not one per request of the flood.
      expect(keys).toBeLessThan(2 * CAP + 20)
    }, 180_000)
  })
})
