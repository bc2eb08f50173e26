import { inspect } from 'node:util'
/**
 * The login flow end to end against the emulator, in-process: every route, every environment,
 * and the security bar of reference/security.md (SEC-*, WX-*, SESS-*, LOG-*).
 */
import { beforeEach, describe, expect, it } from 'vitest'
import { STORE_UNAVAILABLE, StoreError } from '../../src/stores/errors.js'
import { memoryStore } from '../../src/stores/memory.js'
import type { Store } from '../../src/stores/store.js'
import { canarySecret } from '../helpers/canary.js'
import {
  createEmulator,
  defaultOfficialAccount,
  defaultWebsiteApp,
  type Emulator,
} from '../helpers/emulator.js'
import { DESKTOP_UA, PHONE_UA, TestBrowser, WECHAT_UA, WECOM_UA } from '../helpers/user-agent.js'
import { createWxAuth, type FlowEvent, type WxAuth, type WxAuthConfig } from '../helpers/wxauth.js'

const ORIGIN = 'http://localhost:3000'
const SECRET = 'flow-test-secret-0123456789abcdef0123'

let emu: Emulator
let clock: number
let events: FlowEvent[]

function setup(overrides: Partial<WxAuthConfig> = {}): WxAuth {
  return createWxAuth({
    apps: {
      official: { appId: defaultOfficialAccount.appId, appSecret: defaultOfficialAccount.secret },
      website: { appId: defaultWebsiteApp.appId, appSecret: defaultWebsiteApp.secret },
    },
    baseUrl: ORIGIN,
    secrets: [SECRET],
    fetch: emu.fetch,
    store: memoryStore(),
    now: () => clock,
    log: (event) => events.push(event),
    ...overrides,
  })
}

/** The app: wxauth's routes, plus a page that shows who is logged in. */
function appOf(auth: WxAuth) {
  return async (request: Request): Promise<Response> => {
    const handled = await auth.handle(request)
    if (handled) return handled
    const session = await auth.getSession(request)
    return new Response(session ? `hello ${session.identity.openid}` : 'anonymous', { status: 200 })
  }
}

function browser(auth: WxAuth, ua = WECHAT_UA) {
  return new TestBrowser(appOf(auth), ORIGIN, emu, ua)
}

beforeEach(() => {
  emu = createEmulator()
  clock = Date.now()
  events = []
})

describe('logging in', () => {
  it('inside WeChat with snsapi_userinfo: authorize, callback, a session with profile and unionid', async () => {
    const auth = setup()
    emu.autoApprove('zhangsan')
    const b = browser(auth)
    const page = await b.navigate('/auth/wechat/login?returnTo=/orders%3Fid%3D7')
    expect(await page.text()).toBe(`hello ${emu.openid(defaultOfficialAccount.appId, 'zhangsan')}`)
    const [login, authorize, callback] = b.hops
    expect(login?.status).toBe(302)
    expect(authorize?.url).toMatch(/^https:\/\/open\.weixin\.qq\.com\/connect\/oauth2\/authorize\?/)
    expect(new URL(authorize?.url ?? '').searchParams.get('scope')).toBe('snsapi_userinfo')
    expect(callback?.url).toMatch(/^http:\/\/localhost:3000\/auth\/wechat\/callback\?code=/)
    expect(callback?.status).toBe(303)
    expect(callback?.location).toBe(`${ORIGIN}/orders?id=7`)

    const session = await (await b.request('/auth/wechat/session')).json()
    expect(session.identity).toMatchObject({
      appId: defaultOfficialAccount.appId,
      openid: emu.openid(defaultOfficialAccount.appId, 'zhangsan'),
      unionid: emu.unionid(defaultOfficialAccount.appId, 'zhangsan'),
      subject: emu.unionid(defaultOfficialAccount.appId, 'zhangsan'),
      scope: 'snsapi_userinfo',
      profile: { nickname: '张三' },
    })
    expect(JSON.stringify(session)).not.toMatch(/access_token|refresh_token|accessToken/)
    expect(emu.count('sns/oauth2/access_token')).toBe(1)
    expect(emu.count('sns/userinfo')).toBe(1)
  })

  it('with snsapi_base: never calls userinfo; the subject is appId:openid without unionid', async () => {
    const auth = setup({ scope: 'snsapi_base' })
    emu.autoApprove('lisi')
    const b = browser(auth)
    await b.navigate('/auth/wechat/login')
    const session = await (await b.request('/auth/wechat/session')).json()
    const openid = emu.openid(defaultOfficialAccount.appId, 'lisi')
    expect(session.identity).toEqual({
      subject: `${defaultOfficialAccount.appId}:${openid}`,
      appId: defaultOfficialAccount.appId,
      openid,
      scope: 'snsapi_base',
    })
    expect(emu.count('sns/userinfo')).toBe(0)
  })

  it('on a desktop browser with a website app: QR login (qrconnect), then a session', async () => {
    const auth = setup()
    emu.autoApprove('wangwu')
    const b = browser(auth, DESKTOP_UA)
    await b.navigate('/auth/wechat/login')
    expect(b.hops[1]?.url).toMatch(/^https:\/\/open\.weixin\.qq\.com\/connect\/qrconnect\?/)
    const session = await (await b.request('/auth/wechat/session')).json()
    expect(session.identity).toMatchObject({
      appId: defaultWebsiteApp.appId,
      scope: 'snsapi_login',
      unionid: emu.unionid(defaultOfficialAccount.appId, 'wangwu'),
      profile: { nickname: '王五' },
    })
  })

  it('on a desktop browser without a website app: a page with a QR code of the login link', async () => {
    const auth = setup({
      apps: {
        official: { appId: defaultOfficialAccount.appId, appSecret: defaultOfficialAccount.secret },
      },
    })
    const b = browser(auth, DESKTOP_UA)
    const response = await b.request('/auth/wechat/login?returnTo=/me')
    expect(response.status).toBe(200)
    const html = await response.text()
    expect(html).toContain('<svg')
    expect(html).toContain(`${ORIGIN}/auth/wechat/login?returnTo=%2Fme`)
    expect(emu.requests).toHaveLength(0)
  })

  it('on a phone outside WeChat, and in WeCom: guidance pages, JSON for API clients', async () => {
    const auth = setup()
    for (const ua of [PHONE_UA, WECOM_UA]) {
      const b = browser(auth, ua)
      const page = await b.request('/auth/wechat/login')
      expect(page.status).toBe(200)
      expect(page.headers.get('content-type')).toMatch(/text\/html/)
      const json = await b.request('/auth/wechat/login', {
        headers: { accept: 'application/json' },
      })
      expect(await json.json()).toMatchObject({
        next: 'open-in-wechat',
        loginUrl: `${ORIGIN}/auth/wechat/login?returnTo=%2F`,
      })
    }
    expect(emu.requests).toHaveLength(0)
  })

  it('a user who refuses gets a clear page with a retry link, and no session', async () => {
    const auth = setup()
    emu.autoApprove('zhangsan', { decision: 'deny' })
    const b = browser(auth)
    const page = await b.navigate('/auth/wechat/login?returnTo=/x')
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('/auth/wechat/login?returnTo=%2Fx')
    expect((await b.request('/auth/wechat/session')).status).toBe(401)
    expect(emu.count('sns/oauth2/access_token')).toBe(0)
  })

  it('onLogin maps the identity to a user kept in the session; if it throws, no session', async () => {
    const ok = setup({ onLogin: (identity) => ({ id: `user-${identity.openid.slice(0, 6)}` }) })
    emu.autoApprove('zhangsan', { keep: true })
    const b = browser(ok)
    await b.navigate('/auth/wechat/login')
    const session = await (await b.request('/auth/wechat/session')).json()
    expect(session.user).toEqual({ id: `user-${session.identity.openid.slice(0, 6)}` })

    const refusing = setup({
      onLogin: () => {
        throw new Error('banned')
      },
    })
    const c = browser(refusing)
    const page = await c.navigate('/auth/wechat/login')
    expect(page.status).toBe(403)
    expect((await c.request('/auth/wechat/session')).status).toBe(401)
  })

  it('regression (an app database outage in onLogin showed "login not accepted"): a StoreError or a retryable error is "try again later"', async () => {
    for (const error of [
      new StoreError('app database down', { code: STORE_UNAVAILABLE, operation: 'set' }),
      Object.assign(new Error('connection refused'), { retryable: true }),
    ]) {
      const failing = setup({
        onLogin: () => {
          throw error
        },
      })
      emu.autoApprove('zhangsan')
      const b = browser(failing)
      const page = await b.navigate('/auth/wechat/login')
      expect(page.status).toBe(503)
      expect(await page.text()).toContain('store_unavailable')
      expect((await b.request('/auth/wechat/session')).status).toBe(401)
    }
  })
})

describe('SEC-02 / SEC-03: state bound to the browser, checked before any call to WeChat', () => {
  it('a callback replayed into another browser creates no session and calls WeChat zero times', async () => {
    const auth = setup()
    emu.autoApprove('zhangsan')
    const victim = browser(auth)
    await victim.request('/auth/wechat/login')
    const authorize = await victim.request(victim.hops[0]?.location ?? '')
    const callbackUrl = authorize.headers.get('location') ?? ''
    expect(callbackUrl).toContain('code=')

    // The attacker's browser, with its own binding cookie from its own login start.
    const attacker = browser(auth)
    await attacker.request('/auth/wechat/login')
    const response = await attacker.request(callbackUrl)
    expect(response.status).toBe(403)
    expect(response.headers.getSetCookie().some((c) => c.includes('_session='))).toBe(false)
    // And a browser with no cookie at all only restarts its own login.
    const stranger = browser(auth)
    const restart = await stranger.request(callbackUrl)
    expect(restart.status).toBe(303)
    expect(restart.headers.get('location')).toMatch(/^\/auth\/wechat\/login\?/)
    expect(emu.count('sns/oauth2/access_token')).toBe(0)
  })

  it('1000 callbacks with bad, missing or forged state reach WeChat zero times', async () => {
    const auth = setup()
    const b = browser(auth)
    await b.request('/auth/wechat/login')
    const statuses = new Set<number>()
    for (let i = 0; i < 1000; i++) {
      const state = ['', 'short', 'a'.repeat(200), 'x-y', `${'A'.repeat(42)}${i % 10}`][i % 5]
      const response = await b.request(`/auth/wechat/callback?code=CODE${i}&state=${state}`)
      statuses.add(response.status)
      expect(response.status).toBeGreaterThanOrEqual(300)
      expect(response.status).toBeLessThan(500)
    }
    expect(emu.requests).toHaveLength(0)
    expect(statuses.size).toBeGreaterThan(0)
  })

  it('SEC-06: duplicated or oversized callback parameters are rejected', async () => {
    const auth = setup()
    const b = browser(auth)
    for (const query of [
      'code=a&code=b&state=AAAAAAAAAAAAAAAAAAAAAAAA',
      'code=a&state=AAAAAAAAAAAAAAAAAAAAAAAA&state=AAAAAAAAAAAAAAAAAAAAAAAA',
      `code=${'c'.repeat(600)}&state=AAAAAAAAAAAAAAAAAAAAAAAA`,
      'code=a%00b&state=AAAAAAAAAAAAAAAAAAAAAAAA',
    ]) {
      const response = await b.request(`/auth/wechat/callback?${query}`)
      expect(response.status).toBe(400)
    }
    expect(emu.requests).toHaveLength(0)
  })
})

describe('WX-05 / SEC-05: double callbacks, one exchange', () => {
  it('two identical callbacks 20 ms apart, the first dropped: one exchange, the browser logged in', async () => {
    const auth = setup()
    emu.autoApprove('zhangsan')
    const b = browser(auth)
    const callbackUrl = await callbackFromWeChat(b)
    emu.fail('sns/oauth2/access_token', { delay: 300 })

    const first = auth.handle(callbackRequest(b, callbackUrl))
    await new Promise((resolve) => setTimeout(resolve, 20))
    // WeChat's browser abandons the first request; its response is never read.
    const second = await b.request(callbackUrl)
    await first
    expect(second.status).toBe(303)
    expect(second.headers.getSetCookie().some((c) => c.includes('_session='))).toBe(true)
    expect(await (await b.request('/')).text()).toMatch(/^hello o/)
    expect(emu.count('sns/oauth2/access_token')).toBe(1)
  })

  it('regression (join registered after an await): a duplicate arriving while the first callback writes its pending record joins it', async () => {
    const store = memoryStore()
    let releaseWrite: () => void = () => {}
    const slowStore: typeof store = {
      ...store,
      async set(key, value, ttl) {
        // Hold the first callback inside its first store write, as a slow Redis would.
        if (key.startsWith('login:result:') && value.includes('"pending"')) {
          await new Promise<void>((resolve) => {
            releaseWrite = resolve
          })
        }
        return store.set(key, value, ttl)
      },
    }
    const auth = setup({ store: slowStore })
    emu.autoApprove('zhangsan')
    const b = browser(auth)
    const callbackUrl = await callbackFromWeChat(b)
    const first = auth.handle(callbackRequest(b, callbackUrl))
    await new Promise((resolve) => setTimeout(resolve, 10))
    const second = auth.handle(callbackRequest(b, callbackUrl))
    await new Promise((resolve) => setTimeout(resolve, 10))
    releaseWrite()
    const [one, two] = await Promise.all([first, second])
    const sessionOf = (r: Response | undefined) =>
      r?.headers.getSetCookie().find((c) => c.includes('_session='))
    expect(one?.status).toBe(303)
    expect(two?.status).toBe(303)
    expect(sessionOf(two)).toBeDefined()
    expect(sessionOf(two)).toBe(sessionOf(one))
    expect(emu.count('sns/oauth2/access_token')).toBe(1)
  })

  it('a repeat of the callback from the same browser gets the same result; from another, rejection', async () => {
    const auth = setup()
    emu.autoApprove('zhangsan')
    const b = browser(auth)
    const callbackUrl = await callbackFromWeChat(b)
    const first = await b.request(callbackUrl)
    const again = await b.request(callbackUrl)
    expect(again.status).toBe(303)
    const sessionOf = (r: Response) => r.headers.getSetCookie().find((c) => c.includes('_session='))
    expect(sessionOf(again)).toBe(sessionOf(first))

    const other = browser(auth)
    await other.request('/auth/wechat/login')
    const rejected = await other.request(callbackUrl)
    expect(rejected.status).toBe(403)
    expect(emu.count('sns/oauth2/access_token')).toBe(1)
  })

  it('regression (the seen-code record was a get then a set): one code in two transactions at once is redeemed once', async () => {
    const auth = setup()
    emu.autoApprove('zhangsan')
    const b = browser(auth)
    const first = new URL(await callbackFromWeChat(b))
    const login = await b.request('/auth/wechat/login')
    const second = new URL(first)
    second.searchParams.set(
      'state',
      new URL(login.headers.get('location') ?? '').searchParams.get('state') ?? '',
    )
    const responses = await Promise.all([
      auth.handle(callbackRequest(b, first.href)),
      auth.handle(callbackRequest(b, second.href)),
    ])
    expect(responses.map((r) => r?.status).sort()).toEqual([303, 403])
    expect(emu.count('sns/oauth2/access_token')).toBe(1)
    expect(events.filter((e) => e.code === 'code_reused')).toHaveLength(1)
  })

  it('SEC-12: the same code in another transaction is never redeemed', async () => {
    const auth = setup()
    emu.autoApprove('zhangsan')
    const b = browser(auth)
    await b.request('/auth/wechat/login')
    const callbackUrl = new URL(
      (await b.request(b.hops[0]?.location ?? '')).headers.get('location') ?? '',
    )
    await b.request(callbackUrl.href)
    // A second login of the same browser, whose callback carries the first code.
    const login = await b.request('/auth/wechat/login')
    const state = new URL(login.headers.get('location') ?? '').searchParams.get('state') ?? ''
    callbackUrl.searchParams.set('state', state)
    const response = await b.request(callbackUrl.href)
    expect(response.status).toBe(403)
    expect(emu.count('sns/oauth2/access_token')).toBe(1)
    expect(events.some((e) => e.code === 'code_reused')).toBe(true)
  })
})

describe('WX-06 / WX-07: restarts that end', () => {
  it('40163 restarts the login once; a second failure shows a page (no loop)', async () => {
    const auth = setup()
    emu.autoApprove('zhangsan', { keep: true })
    emu.fail('sns/oauth2/access_token', { errcode: 40163 }, 2)
    const b = browser(auth)
    const page = await b.navigate('/auth/wechat/login', {}, 20)
    expect(page.status).toBe(400)
    expect(b.hops.filter((h) => h.url.includes('/auth/wechat/login')).length).toBe(2)
    expect(emu.count('sns/oauth2/access_token')).toBe(2)
  })

  it('40029 once: the automatic restart logs the user in', async () => {
    const auth = setup()
    emu.autoApprove('zhangsan', { keep: true })
    emu.fail('sns/oauth2/access_token', { errcode: 40029 })
    const b = browser(auth)
    const page = await b.navigate('/auth/wechat/login')
    expect(await page.text()).toMatch(/^hello o/)
  })

  it('a lost binding cookie restarts once; a second loss shows a clear page, never a bypass', async () => {
    const auth = setup()
    emu.autoApprove('zhangsan', { keep: true })
    const b = browser(auth)
    await b.request('/auth/wechat/login')
    const dropCookies = () => b.cookies.get(ORIGIN)?.clear()
    dropCookies()
    let response = await b.request(
      (await b.request(b.hops[0]?.location ?? '')).headers.get('location') ?? '',
    )
    expect(response.status).toBe(303)
    const restart = response.headers.get('location') ?? ''
    expect(restart).toContain('attempt=2')
    await b.request(restart)
    dropCookies()
    const authorize = b.hops.at(-1)?.location ?? ''
    response = await b.request((await b.request(authorize)).headers.get('location') ?? '')
    expect(response.status).toBe(400)
    expect(emu.count('sns/oauth2/access_token')).toBe(0)
  })

  it('cookie attributes: binding HttpOnly, SameSite=Lax, on the auth path, 10 minutes; session on /', async () => {
    const auth = setup()
    emu.autoApprove('zhangsan')
    const b = browser(auth)
    await b.navigate('/auth/wechat/login')
    const binding = b.hops[0]?.setCookies.find((c) => c.startsWith('wxauth_tx=')) ?? ''
    expect(binding).toMatch(/HttpOnly/i)
    expect(binding).toMatch(/SameSite=Lax/i)
    expect(binding).toMatch(/Path=\/(;|$)/)
    expect(binding).toMatch(/Max-Age=600/)
    const session =
      b.hops.find((h) => h.status === 303)?.setCookies.find((c) => c.includes('_session=')) ?? ''
    expect(session).toMatch(/HttpOnly/i)
    expect(session).toMatch(/SameSite=Lax/i)
    expect(session).toMatch(/Path=\/(;|$)/)
    // Plain-http localhost is the one place without Secure.
    expect(session).not.toMatch(/Secure/i)
  })
})

describe('WX-04: snapshot users', () => {
  it('is_snapshotuser: 1 never becomes a logged-in user', async () => {
    const auth = setup()
    emu.autoApprove('snapshot')
    const b = browser(auth)
    const page = await b.navigate('/auth/wechat/login')
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('使用完整服务')
    expect((await b.request('/auth/wechat/session')).status).toBe(401)
    expect(emu.count('sns/userinfo')).toBe(0)
    expect(events.some((e) => e.code === 'snapshot_user')).toBe(true)
  })

  it('after "使用完整服务" the same state returns with a real user\'s code: that logs in', async () => {
    const auth = setup()
    emu.autoApprove('snapshot')
    const b = browser(auth)
    await b.request('/auth/wechat/login')
    const authorizeUrl = b.hops[0]?.location ?? ''
    const snapshotCallback = (await b.request(authorizeUrl)).headers.get('location') ?? ''
    expect((await b.request(snapshotCallback)).status).toBe(200)
    // WeChat reopens the same authorize link; this time the user consents as themselves.
    emu.autoApprove('zhangsan')
    const realCallback = (await b.request(authorizeUrl)).headers.get('location') ?? ''
    expect(new URL(realCallback).searchParams.get('state')).toBe(
      new URL(snapshotCallback).searchParams.get('state'),
    )
    expect((await b.request(realCallback)).status).toBe(303)
    const session = await (await b.request('/auth/wechat/session')).json()
    expect(session.identity.openid).toBe(emu.openid(defaultOfficialAccount.appId, 'zhangsan'))
  })
})

describe('SESS-04: logout', () => {
  async function loggedIn() {
    const auth = setup()
    emu.autoApprove('zhangsan')
    const b = browser(auth)
    await b.navigate('/auth/wechat/login')
    expect((await b.request('/auth/wechat/session')).status).toBe(200)
    return b
  }

  it('POST from the same origin logs out; GET is 405', async () => {
    const b = await loggedIn()
    expect((await b.request('/auth/wechat/logout')).status).toBe(405)
    const response = await b.request('/auth/wechat/logout?returnTo=/bye', {
      method: 'POST',
      headers: { origin: ORIGIN },
    })
    expect(response.status).toBe(303)
    expect(response.headers.get('location')).toBe(`${ORIGIN}/bye`)
    expect((await b.request('/auth/wechat/session')).status).toBe(401)
  })

  it('a form on a no-referrer page (Origin: null, Sec-Fetch-Site: same-origin) logs out', async () => {
    const b = await loggedIn()
    const response = await b.request('/auth/wechat/logout', {
      method: 'POST',
      headers: { origin: 'null', 'sec-fetch-site': 'same-origin' },
    })
    expect(response.status).toBe(303)
    expect((await b.request('/auth/wechat/session')).status).toBe(401)
  })

  it('a cross-site POST, or one with no origin evidence, does not log out', async () => {
    const b = await loggedIn()
    expect(
      (
        await b.request('/auth/wechat/logout', {
          method: 'POST',
          headers: { origin: 'https://evil.example' },
        })
      ).status,
    ).toBe(403)
    expect((await b.request('/auth/wechat/logout', { method: 'POST' })).status).toBe(403)
    expect(
      (await b.request('/auth/wechat/logout', { method: 'POST', headers: { origin: 'null' } }))
        .status,
    ).toBe(403)
    expect(
      (
        await b.request('/auth/wechat/logout', {
          method: 'POST',
          headers: { 'sec-fetch-site': 'cross-site' },
        })
      ).status,
    ).toBe(403)
    expect((await b.request('/auth/wechat/session')).status).toBe(200)
  })
})

describe('tokens', () => {
  it('getAccessToken returns the token, and refreshes an expired one exactly once for 50 callers', async () => {
    const auth = setup()
    emu.autoApprove('zhangsan')
    const b = browser(auth)
    await b.navigate('/auth/wechat/login')
    const { identity } = await (await b.request('/auth/wechat/session')).json()
    const first = await auth.getAccessToken(identity.subject)
    expect(first).toMatch(/^\d\d_/)
    expect(emu.count('sns/oauth2/refresh_token')).toBe(0)

    clock += 7_200_000
    emu.clock.advance(7_200)
    const tokens = await Promise.all(
      Array.from({ length: 50 }, () => auth.getAccessToken(identity.subject)),
    )
    expect(new Set(tokens).size).toBe(1)
    expect(tokens[0]).not.toBe(first)
    expect(emu.count('sns/oauth2/refresh_token')).toBe(1)
    expect(await auth.getAccessToken({ appId: identity.appId, openid: identity.openid })).toBe(
      tokens[0],
    )
  })

  it('REL-07: two holders of one refresh lock (a lost lock): the slower refresh cannot overwrite what the faster one wrote', async () => {
    const inner = memoryStore({ now: () => clock })
    const tokenWrites: boolean[] = []
    const shared: Store = {
      ...inner,
      // As after a failover or a pause past the TTL: the lock no longer excludes anyone.
      lock: async (_key, ttl) => ({
        token: `t${Math.random()}`,
        expiresAt: clock + ttl,
        release: async () => true,
      }),
      async swap(key, expected, value, ttl) {
        const swapped = await inner.swap(key, expected, value, ttl)
        if (key.startsWith('tokens:')) tokenWrites.push(swapped)
        return swapped
      },
    }
    const one = setup({ store: shared })
    const two = setup({ store: shared })
    emu.autoApprove('zhangsan')
    const b = browser(one)
    await b.navigate('/auth/wechat/login')
    const { identity } = await (await b.request('/auth/wechat/session')).json()
    clock += 7_200_000
    emu.clock.advance(7_200)
    emu.fail('sns/oauth2/refresh_token', { delay: 200 })
    const slow = one.getAccessToken(identity.subject)
    await new Promise((resolve) => setTimeout(resolve, 20))
    const fast = await two.getAccessToken(identity.subject)
    await slow
    expect(emu.count('sns/oauth2/refresh_token')).toBe(2)
    // The first write replaced the tokens read under the lock; the late one found them changed.
    expect(tokenWrites).toEqual([true, false])
    expect(await two.getAccessToken(identity.subject)).toBe(fast)
  })

  it('a refresh token WeChat rejects ends with ReauthorizeError', async () => {
    const auth = setup()
    emu.autoApprove('zhangsan')
    const b = browser(auth)
    await b.navigate('/auth/wechat/login')
    const { identity } = await (await b.request('/auth/wechat/session')).json()
    emu.revokeUser('zhangsan')
    clock += 7_200_000
    emu.clock.advance(7_200)
    await expect(auth.getAccessToken(identity.subject)).rejects.toMatchObject({
      name: 'ReauthorizeError',
      code: 'WXAUTH_REAUTHORIZE',
    })
    await expect(auth.getAccessToken(identity.subject)).rejects.toMatchObject({
      code: 'WXAUTH_NO_TOKENS',
    })
  })
})

describe('LOG-01 / LOG-02: nothing leaks, nothing lingers', () => {
  it('a planted secret and the tokens appear in no response body, header, log event or error', async () => {
    const planted = canarySecret('planted')
    emu.addApp({ ...defaultOfficialAccount, secret: planted })
    const auth = setup({
      apps: { official: { appId: defaultOfficialAccount.appId, appSecret: planted } },
    })
    emu.autoApprove('zhangsan')
    const b = browser(auth)
    await b.navigate('/auth/wechat/login')
    await b.request('/auth/wechat/session')
    const { identity } = await (await b.request('/auth/wechat/session')).json()
    const token = await auth.getAccessToken(identity.subject)
    // Failure paths too: WeChat rejecting the secret, timing out, breaking; a dead refresh token.
    for (const fault of [{ errcode: 40125 }, { errcode: -1 }, { drop: true }, { truncate: true }]) {
      emu.fail('sns/oauth2/access_token', fault)
      await b.navigate('/auth/wechat/login')
    }
    emu.revokeUser('zhangsan')
    clock += 7_200_000
    emu.clock.advance(7_200)
    const error = await auth.getAccessToken(identity.subject).catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'WXAUTH_REAUTHORIZE' })
    const seen = [
      JSON.stringify({ hops: b.hops.filter((h) => h.url.startsWith(ORIGIN)), events }),
      inspect(error, { depth: Number.POSITIVE_INFINITY, showHidden: true }),
    ].join('\n')
    for (const secret of [planted, token]) expect(seen).not.toContain(secret)
    for (const hop of b.hops.filter((h) => h.url.startsWith(ORIGIN))) {
      expect(hop.location ?? '').not.toContain('code=')
    }
  })

  it('success is a 303 with no-store and no-referrer; HTML pages forbid framing', async () => {
    const auth = setup()
    emu.autoApprove('zhangsan')
    const b = browser(auth)
    const callbackUrl = await callbackFromWeChat(b)
    const success = await b.request(callbackUrl)
    expect(success.status).toBe(303)
    expect(success.headers.get('cache-control')).toBe('no-store')
    expect(success.headers.get('referrer-policy')).toBe('no-referrer')
    const page = await browser(auth, PHONE_UA).request('/auth/wechat/login')
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'")
    expect(page.headers.get('x-frame-options')).toBe('DENY')
  })
})

/** Starts a login in `b` and returns the callback URL WeChat redirects to (not followed). */
async function callbackFromWeChat(b: TestBrowser): Promise<string> {
  const login = await b.request('/auth/wechat/login')
  const authorize = await b.request(login.headers.get('location') ?? '')
  return authorize.headers.get('location') ?? ''
}

function callbackRequest(b: TestBrowser, url: string): Request {
  return new Request(url, {
    headers: { 'user-agent': b.userAgent, cookie: b.cookieHeader(new URL(url)) },
    redirect: 'manual',
  })
}
