/**
 * The rest of the security bar, item by item (reference/security.md): SEC-04, SEC-05 (expiry),
 * SEC-06 (property), SEC-10 (in the flow), WX-02, WX-03, SESS-01, SESS-02, SESS-03.
 */
import fc from 'fast-check'
import { beforeEach, describe, expect, it } from 'vitest'
import { memoryStore } from '../../src/stores/memory.js'
import { createEmulator, defaultOfficialAccount, type Emulator } from '../helpers/emulator.js'
import { TestBrowser, WECHAT_UA } from '../helpers/user-agent.js'
import { createWxAuth, type WxAuth, type WxAuthConfig } from '../helpers/wxauth.js'

const ORIGIN = 'http://localhost:3000'
const SECRET_A = 'security-test-secret-A-0123456789abcdef'
const SECRET_B = 'security-test-secret-B-0123456789abcdef'
const official = { appId: defaultOfficialAccount.appId, appSecret: defaultOfficialAccount.secret }

let emu: Emulator
let clock: number

function setup(overrides: Partial<WxAuthConfig> = {}): WxAuth {
  return createWxAuth({
    apps: { official },
    baseUrl: ORIGIN,
    secrets: [SECRET_A],
    fetch: emu.fetch,
    store: memoryStore({ now: () => clock }),
    now: () => clock,
    ...overrides,
  })
}

function browser(auth: WxAuth, origin = ORIGIN) {
  const app = async (request: Request) =>
    (await auth.handle(request)) ??
    new Response(JSON.stringify(await auth.getSession(request)), { status: 200 })
  return new TestBrowser(app, origin, emu, WECHAT_UA)
}

async function callbackFromWeChat(b: TestBrowser, path = '/auth/wechat/login'): Promise<string> {
  const login = await b.request(path)
  return (await b.request(login.headers.get('location') ?? '')).headers.get('location') ?? ''
}

const sessionCookie = (r: Response) => r.headers.getSetCookie().find((c) => c.includes('_session='))

beforeEach(() => {
  emu = createEmulator()
  emu.autoApprove('zhangsan', { keep: true })
  clock = Date.now()
})

describe('SEC-04: there is no switch to turn the state check off', () => {
  it.each(['skipStateCheck', 'stateless', 'checks', 'state'])('"%s" is refused', (option) => {
    expect(() => setup({ [option]: false } as Partial<WxAuthConfig>)).toThrow(
      `"${option}" is not an option of createWxAuth`,
    )
  })

  it('and the type has none either', () => {
    const config: WxAuthConfig = {
      apps: { official },
      baseUrl: ORIGIN,
      secrets: SECRET_A,
      // @ts-expect-error: no such option exists
      stateless: true,
    }
    expect(config).toBeDefined()
  })
})

describe('REL-01: the WeChat options are checked at start-up, naming the option', () => {
  it.each([
    [{ budget: 0 }, /wechat\.budget must be a positive number/],
    [{ budget: Number.NaN }, /wechat\.budget/],
    [{ timeout: -1 }, /wechat\.timeout must be a positive number/],
    [{ retry: { retries: 99 } }, /wechat\.retry\.retries must be an integer from 0 to 10/],
    [{ retries: 3 }, /"wechat\.retries" is not an option \(timeout, retry, budget\)/],
  ])('%j is refused', (wechat, message) => {
    expect(() => setup({ wechat } as Partial<WxAuthConfig>)).toThrow(message)
  })

  it('and good values are taken', () => {
    expect(() => setup({ wechat: { timeout: 2_000, retry: false, budget: 4_000 } })).not.toThrow()
  })
})

describe('SEC-05: a transaction lives 10 minutes and is used once', () => {
  it('a callback after 10 minutes restarts the login and never reaches WeChat', async () => {
    const auth = setup()
    const b = browser(auth)
    const callbackUrl = await callbackFromWeChat(b)
    clock += 10 * 60_000 + 1_000
    const response = await b.request(callbackUrl)
    expect(response.status).toBe(303)
    expect(response.headers.get('location')).toMatch(
      /^\/auth\/wechat\/login\?returnTo=%2F&attempt=2$/,
    )
    expect(emu.count('sns/oauth2/access_token')).toBe(0)
  })
})

describe('SEC-05: a browser has at most 5 pending logins', () => {
  it('starting an 8th login drops the 3 oldest; the newest still completes', async () => {
    const auth = setup()
    const b = browser(auth)
    const callbacks: string[] = []
    for (let i = 0; i < 8; i++) callbacks.push(await callbackFromWeChat(b))
    for (const url of callbacks.slice(0, 3)) {
      const response = await b.request(url)
      expect(response.status).toBe(303)
      expect(response.headers.get('location')).toMatch(/^\/auth\/wechat\/login\?/)
    }
    expect(emu.count('sns/oauth2/access_token')).toBe(0)
    const last = await b.request(callbacks[7] ?? '')
    expect(last.headers.get('location')).toBe(`${ORIGIN}/`)
    expect(emu.count('sns/oauth2/access_token')).toBe(1)
  })
})

describe('SEC-05 under concurrency', () => {
  it('regression (the pending list was a read-modify-write): 40 logins started at once by one browser leave at most 5 usable', async () => {
    const auth = setup()
    const b = browser(auth)
    // One browser: its binding cookie first, then 40 login starts at the same moment.
    await b.request('/auth/wechat/login')
    const cookie = b.cookieHeader(new URL(`${ORIGIN}/auth/wechat/login`))
    const starts = await Promise.all(
      Array.from({ length: 40 }, () =>
        auth.handle(
          new Request(`${ORIGIN}/auth/wechat/login`, {
            headers: { 'user-agent': WECHAT_UA, cookie },
          }),
        ),
      ),
    )
    const states = starts
      .filter((r) => r?.status === 302)
      .map((r) => new URL(r?.headers.get('location') ?? '').searchParams.get('state') ?? '')
    expect(starts.every((r) => (r !== undefined && r.status < 500) || r?.status === 503)).toBe(true)
    // Each state's callback: only those still pending reach WeChat.
    let usable = 0
    for (const state of states) {
      emu.autoApprove('zhangsan')
      const before = emu.count('sns/oauth2/access_token')
      const code = emu.issueCode({ appId: official.appId, user: 'zhangsan' })
      await auth.handle(
        new Request(`${ORIGIN}/auth/wechat/callback?code=${code}&state=${state}`, {
          headers: { 'user-agent': WECHAT_UA, cookie },
        }),
      )
      if (emu.count('sns/oauth2/access_token') > before) usable++
    }
    expect(usable).toBeLessThanOrEqual(5)
    expect(usable).toBeGreaterThan(0)
  })
})

describe('SEC-06: no callback query crashes the flow or logs anyone in', () => {
  it('arbitrary queries answer below 500 and never set a session (property)', async () => {
    const auth = setup()
    const b = browser(auth)
    await b.request('/auth/wechat/login')
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.constantFrom('code', 'state', 'error', 'x', 'openid'), fc.string()), {
          maxLength: 6,
        }),
        async (pairs) => {
          const query = new URLSearchParams(pairs).toString()
          const response = await b.request(`/auth/wechat/callback?${query}`)
          expect(response.status).toBeLessThan(500)
          expect(sessionCookie(response)).toBeUndefined()
        },
      ),
      { numRuns: 300, seed: 77 },
    )
    expect(emu.count('sns/oauth2/access_token')).toBe(0)
  })
})

describe('SEC-10: the return path stays on this site', () => {
  it.each(['//evil.com', '/\\evil.com', 'https://evil.com/x', '/%5Cevil.com'])(
    'login?returnTo=%s ends on the default path',
    async (returnTo) => {
      const auth = setup()
      const b = browser(auth)
      await b.navigate(`/auth/wechat/login?returnTo=${encodeURIComponent(returnTo)}`)
      expect(b.hops.find((h) => h.status === 303)?.location).toBe(`${ORIGIN}/`)
    },
  )
})

describe('WX-02: identity only from the server-side exchange', () => {
  it('an openid in the callback query changes nothing', async () => {
    const auth = setup()
    const b = browser(auth)
    const callbackUrl = new URL(await callbackFromWeChat(b))
    callbackUrl.searchParams.set('openid', 'oATTACKER000000000000000000')
    callbackUrl.searchParams.set('unionid', 'oATTACKER000000000000000000')
    await b.request(callbackUrl.href)
    const session = await (await b.request('/auth/wechat/session')).json()
    expect(session.identity.openid).toBe(emu.openid(official.appId, 'zhangsan'))
    expect(session.identity.unionid).toBe(emu.unionid(official.appId, 'zhangsan'))
  })
})

describe('WX-03: userinfo must be the token’s user', () => {
  it('a profile for another openid discards the whole exchange', async () => {
    // A proxy between the app and WeChat that swaps the profile's openid.
    const tampering: typeof fetch = async (input, init) => {
      const response = await emu.fetch(input as string, init)
      if (!String(input).includes('/sns/userinfo')) return response
      const body = await response.json()
      return new Response(JSON.stringify({ ...body, openid: 'oSOMEONEELSE000000000000000' }), {
        status: 200,
        headers: response.headers,
      })
    }
    const auth = setup({ fetch: tampering })
    const b = browser(auth)
    const page = await b.navigate('/auth/wechat/login')
    expect(page.status).toBe(502)
    expect((await b.request('/auth/wechat/session')).status).toBe(401)
  })
})

describe('SESS-01: a fresh session at every login', () => {
  it('logging in again issues another session and revokes the previous one (revocable)', async () => {
    const auth = setup({ session: { revocable: true } })
    const b = browser(auth)
    const first = sessionCookie(await b.request(await callbackFromWeChat(b))) ?? ''
    const second = sessionCookie(await b.request(await callbackFromWeChat(b))) ?? ''
    expect(first).not.toBe('')
    expect(second).not.toBe(first)
    const stale = new Request(`${ORIGIN}/`, { headers: { cookie: first.split(';')[0] ?? '' } })
    expect(await auth.getSession(stale)).toBeNull()
    const current = new Request(`${ORIGIN}/`, { headers: { cookie: second.split(';')[0] ?? '' } })
    expect(await auth.getSession(current)).not.toBeNull()
  })
})

describe('SESS-02: cookie attributes on https', () => {
  it('__Host- names, Secure, HttpOnly, SameSite=Lax, Path=/', async () => {
    const https = 'https://app.example.com'
    emu.addApp({ ...defaultOfficialAccount, domains: ['app.example.com'] })
    const auth = setup({ baseUrl: https })
    const b = browser(auth, https)
    await b.navigate('/auth/wechat/login')
    const all = b.hops.filter((h) => h.url.startsWith(https)).flatMap((h) => h.setCookies)
    const binding = all.find((c) => c.startsWith('__Host-wxauth_tx=')) ?? ''
    const session = all.find((c) => c.startsWith('__Host-wxauth_session=')) ?? ''
    for (const cookie of [binding, session]) {
      expect(cookie).toMatch(/; Secure/i)
      expect(cookie).toMatch(/; HttpOnly/i)
      expect(cookie).toMatch(/; SameSite=Lax/i)
      expect(cookie).toMatch(/; Path=\/(;|$)/)
      expect(cookie).not.toMatch(/Domain=/i)
    }
  })
})

describe('SESS-03: sealed sessions', () => {
  it('a tampered cookie is no session; rotation keeps old cookies; a removed key ends them', async () => {
    const store = memoryStore({ now: () => clock })
    const auth = setup({ store })
    const b = browser(auth)
    const cookie =
      (sessionCookie(await b.request(await callbackFromWeChat(b))) ?? '').split(';')[0] ?? ''
    const read = (a: WxAuth, value: string) =>
      a.getSession(new Request(`${ORIGIN}/`, { headers: { cookie: value } }))
    expect(await read(auth, cookie)).not.toBeNull()
    const [name, value = ''] = cookie.split('=')
    const flipped = `${name}=${value.slice(0, 40)}${value[40] === 'A' ? 'B' : 'A'}${value.slice(41)}`
    expect(await read(auth, flipped)).toBeNull()

    const rotated = setup({ store, secrets: [SECRET_B, SECRET_A] })
    expect(await read(rotated, cookie)).not.toBeNull()
    const removed = setup({ store, secrets: [SECRET_B] })
    expect(await read(removed, cookie)).toBeNull()
  })

  it('an expired session is no session', async () => {
    const auth = setup({ session: { maxAge: 3600 } })
    const b = browser(auth)
    await b.request(await callbackFromWeChat(b))
    expect((await b.request('/auth/wechat/session')).status).toBe(200)
    clock += 3601_000
    expect((await b.request('/auth/wechat/session')).status).toBe(401)
  })
})

describe('review fixes', () => {
  it("forged callbacks with junk codes cannot use up the store's locks and block real logins", async () => {
    const store = memoryStore({ now: () => clock, maxLocks: 5 })
    const auth = setup({ store })
    for (let i = 0; i < 10; i++) {
      const attacker = browser(auth)
      const login = await attacker.request('/auth/wechat/login')
      const state = new URL(login.headers.get('location') ?? '').searchParams.get('state')
      emu.fail('sns/oauth2/access_token', { errcode: 40029 })
      await attacker.request(`/auth/wechat/callback?code=JUNK${i}&state=${state}`)
    }
    const b = browser(auth)
    await b.navigate('/auth/wechat/login')
    expect((await b.request('/auth/wechat/session')).status).toBe(200)
  })

  it('after logout, revisiting the callback URL does not log the browser back in', async () => {
    const auth = setup()
    const b = browser(auth)
    const callbackUrl = await callbackFromWeChat(b)
    await b.request(callbackUrl)
    const out = await b.request('/auth/wechat/logout', {
      method: 'POST',
      headers: { origin: ORIGIN },
    })
    expect(out.status).toBe(303)
    const again = await b.request(callbackUrl)
    expect(sessionCookie(again)).toBeUndefined()
    expect((await b.request('/auth/wechat/session')).status).toBe(401)
  })

  it('a very long returnTo falls back instead of breaking the QR guidance page', async () => {
    const auth = setup()
    const b = new TestBrowser(
      async (r) => (await auth.handle(r)) ?? new Response('app'),
      ORIGIN,
      emu,
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1',
    )
    const response = await b.request(`/auth/wechat/login?returnTo=/${'x'.repeat(1500)}`)
    expect(response.status).toBe(200)
    expect(await response.text()).toContain('<svg')
  })

  it('plain http on a public host is refused unless Secure cookies are turned off on purpose', () => {
    expect(() => setup({ baseUrl: 'http://app.example.com' })).toThrow(/baseUrl must be https/)
    expect(() =>
      setup({ baseUrl: 'http://192.168.1.20:3000', cookies: { secure: false } }),
    ).not.toThrow()
  })

  it('a throwing log callback does not break a login', async () => {
    const auth = setup({
      log: () => {
        throw new Error('logger down')
      },
    })
    const b = browser(auth)
    await b.navigate('/auth/wechat/login')
    expect((await b.request('/auth/wechat/session')).status).toBe(200)
  })

  it('paths such as /toString under the base path are not routes', async () => {
    const auth = setup()
    for (const name of ['toString', '__proto__', 'constructor', 'hasOwnProperty']) {
      expect(await auth.handle(new Request(`${ORIGIN}/auth/wechat/${name}`))).toBeUndefined()
    }
  })
})
