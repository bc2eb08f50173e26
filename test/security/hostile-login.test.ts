/**
 * GET /auth/wechat/login, POST /auth/wechat/logout and GET /auth/wechat/session under hostile
 * input (issue 7 item 2; security.md SEC-01, SEC-07, SEC-09, SEC-10, SESS-04): arbitrary query
 * strings, User-Agents, spoofed Host and forwarding headers, random cookies.
 *
 * Login always answers below 500 without calling WeChat; a redirect always goes to WeChat's
 * authorize or qrconnect page (or the configured `openBaseUrl`) with exactly WeChat's parameters,
 * a `[A-Za-z0-9]` state and the pinned callback URL; the return path it stores never leaves the
 * site. Logout and session never answer 5xx and never create a session.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { DESKTOP_UA, PHONE_UA, WECHAT_UA, WECOM_UA } from '../helpers/user-agent.js'
import { base62, cookieHeader, garbageHeader, rawQuery, rawValue } from './arbitraries.js'
import {
  BASE,
  CALLBACK_URL,
  cookieSet,
  createHarness,
  type Harness,
  hasUnsafeUrlChar,
  ORIGIN,
  official,
  problemOf,
  requestTo,
  runs,
  setsCookie,
  website,
} from './harness.js'

const EMULATOR_OPEN = 'http://127.0.0.1:8900'
const USER_AGENTS = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(WECHAT_UA, DESKTOP_UA, PHONE_UA, WECOM_UA) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '',
      'MicroMessenger/',
      'micromessenger/8.0',
      'wxwork/1 MicroMessenger/8',
      'Mozilla/5.0 (Linux; Android 14) MicroMessenger/8.0.49 Mobile',
      `${WECHAT_UA} wxwork/4.1`,
      'curl/8.5.0',
      'x'.repeat(8000),
    ),
  },
  { weight: 2, arbitrary: garbageHeader },
)
const HOSTS = fc.constantFrom(
  undefined,
  'evil.example',
  'localhost:3000.evil.example',
  'localhost:3000@evil.example',
  'evil.example, localhost:3000',
  '',
)
const ACCEPTS = fc.constantFrom(
  undefined,
  'application/json',
  'text/html',
  '*/*',
  'application/json;q=0.1,text/html',
)
const LANGS = fc.oneof(fc.constantFrom(undefined, 'en', 'zh-CN', 'en;q=x', '*'), garbageHeader)

/** Fixed WeChat parameters, in WeChat's documented order. */
const AUTHORIZE_KEYS = ['appid', 'redirect_uri', 'response_type', 'scope', 'state']

/** Every link a page offers (`<a href="…">`), HTML-unescaped. */
function links(html: string): string[] {
  return [...html.matchAll(/<a\b[^>]*\bhref="([^"]*)"/g)].map((m) =>
    (m[1] ?? '')
      .replace(/&amp;/g, '&')
      .replace(/&#39;/g, "'")
      .replace(/&quot;/g, '"'),
  )
}

/** A return path as a browser would follow it: a path on this site, nothing else. */
function expectOnSite(path: string | null): void {
  expect(path).not.toBeNull()
  const value = path ?? ''
  expect(value.startsWith('/')).toBe(true)
  expect(value.startsWith('//')).toBe(false)
  expect(hasUnsafeUrlChar(value)).toBe(false)
  expect(new URL(value, ORIGIN).origin).toBe(ORIGIN)
  expect(new URL(value, `${ORIGIN}/a/b/c`).origin).toBe(ORIGIN)
}

/**
 * What the login stored as the return path, read back without any call to WeChat: the callback
 * of a browser that lost its cookie restarts the login with that path (or, on a later attempt,
 * shows a page whose links carry it).
 */
async function storedReturnTo(h: Harness, state: string): Promise<string[]> {
  const before = h.upstream()
  const response = await h.auth.handle(requestTo(`${CALLBACK_URL}?code=x&state=${state}`))
  expect(h.upstream()).toEqual(before)
  if (response?.status === 303) {
    const location = response.headers.get('location') ?? ''
    expect(location).toMatch(/^\/auth\/wechat\/login\?/)
    return [new URL(location, ORIGIN).searchParams.get('returnTo') ?? '']
  }
  expect(response?.status).toBe(400)
  expect(await problemOf(response as Response)).toBe('cookies_blocked')
  return links(await (response as Response).text())
    .filter((href) => href.startsWith(`${BASE}/login?`))
    .map((href) => new URL(href, ORIGIN).searchParams.get('returnTo') ?? '')
}

describe('GET /auth/wechat/login with hostile input', () => {
  it('below 500, no call to WeChat; redirects carry only WeChat’s parameters, the pinned callback and a safe return path', async () => {
    const plain = await createHarness()
    const emulated = await createHarness({ openBaseUrl: EMULATOR_OPEN })
    // Long return paths that stay valid (a leading "/", at most 512 characters) but grow when
    // percent-encoded: non-ASCII, quotes, escapes.
    const longPath = fc
      .tuple(
        fc.constantFrom('a', '中', '😀', '"', '%25', '<', '%E4%B8%AD'),
        fc.integer({ min: 50, max: 520 }),
        fc.boolean(),
      )
      .map(([unit, n, encode]) => {
        const path = `/${unit.repeat(n)}`.slice(0, 512).replace(/\p{Cs}/gu, '')
        return encode ? encodeURIComponent(path) : path
      })
    const query = fc.tuple(
      fc.option(fc.oneof({ weight: 4, arbitrary: rawValue }, { weight: 1, arbitrary: longPath }), {
        nil: undefined,
      }),
      fc.option(fc.oneof(rawValue, fc.integer().map(String)), { nil: undefined }),
      rawQuery,
    )
    const statuses = new Map<number, number>()
    await fc.assert(
      fc.asyncProperty(
        fc.boolean(),
        query,
        USER_AGENTS,
        HOSTS,
        ACCEPTS,
        LANGS,
        fc.constantFrom('GET', 'GET', 'GET', 'HEAD', 'POST'),
        fc.option(cookieHeader(plain.names), { nil: undefined }),
        async (useEmulator, [returnTo, attempt, extra], ua, host, accept, lang, method, cookie) => {
          const h = useEmulator ? emulated : plain
          const openBase = useEmulator ? EMULATOR_OPEN : 'https://open.weixin.qq.com'
          const parts = []
          if (returnTo !== undefined) parts.push(`returnTo=${returnTo}`)
          if (attempt !== undefined) parts.push(`attempt=${attempt}`)
          parts.push(extra)
          const headers = new Headers()
          if (host !== undefined) {
            headers.set('x-forwarded-host', host)
            headers.set('forwarded', `host=${host};proto=https`)
            headers.set('x-forwarded-proto', 'https')
          }
          if (accept !== undefined) headers.set('accept', accept)
          if (lang !== undefined) headers.set('accept-language', lang)
          const request = requestTo(`${BASE}/login?${parts.join('&')}`, {
            method,
            userAgent: ua,
            headers,
            ...(cookie === undefined ? {} : { cookie }),
          })
          const before = h.upstream()
          const response = await h.auth.handle(request)
          if (!response) throw new Error('the login route answered nothing')
          statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1)
          expect(response.status).toBeLessThan(500)
          expect(h.upstream()).toEqual(before)
          expect(setsCookie(response, h.names.session)).toBe(false)
          if (method === 'POST') {
            expect(response.status).toBe(405)
            return
          }
          if (response.status === 302) {
            const location = response.headers.get('location') ?? ''
            const url = new URL(location)
            const qr = url.pathname === '/connect/qrconnect'
            expect(`${url.origin}${url.pathname}`).toBe(
              `${openBase}${qr ? '/connect/qrconnect' : '/connect/oauth2/authorize'}`,
            )
            expect(url.hash).toBe('#wechat_redirect')
            expect([...url.searchParams.keys()]).toEqual(
              qr ? [...AUTHORIZE_KEYS, 'lang'] : AUTHORIZE_KEYS,
            )
            expect(url.searchParams.get('appid')).toBe(qr ? website.appId : official.appId)
            expect(url.searchParams.get('scope')).toBe(qr ? 'snsapi_login' : 'snsapi_userinfo')
            expect(url.searchParams.get('response_type')).toBe('code')
            // SEC-07 / SEC-09: the pinned callback, encoded exactly once, whatever the Host said.
            expect(url.searchParams.get('redirect_uri')).toBe(CALLBACK_URL)
            expect(location).toContain(`redirect_uri=${encodeURIComponent(CALLBACK_URL)}&`)
            const state = url.searchParams.get('state') ?? ''
            expect(state).toMatch(/^[A-Za-z0-9]{22,128}$/)
            expect(response.headers.get('cache-control')).toBe('no-store')
            const binding = cookieSet(response, h.names.binding)
            expect(binding).toMatch(/^[A-Za-z0-9]{43}$/)
            // SEC-10: whatever returnTo said, the login stored a path on this site.
            const stored = await storedReturnTo(h, state)
            expect(stored.length).toBeGreaterThan(0)
            for (const path of stored) expectOnSite(path)
          } else {
            // Guidance for phones outside WeChat and for WeCom: a page, or JSON with the link.
            expect(response.status).toBe(200)
            expect(response.headers.get('location')).toBeNull()
            const body = await response.text()
            if (response.headers.get('content-type')?.startsWith('application/json')) {
              const loginUrl = new URL((JSON.parse(body) as { loginUrl: string }).loginUrl)
              expect(loginUrl.origin).toBe(ORIGIN)
              expect(loginUrl.pathname).toBe(`${BASE}/login`)
              expectOnSite(loginUrl.searchParams.get('returnTo'))
            } else {
              expect(response.headers.get('content-type')).toMatch(/^text\/html/)
              for (const href of links(body)) expect(new URL(href, ORIGIN).origin).toBe(ORIGIN)
            }
          }
        },
      ),
      runs(2000, 0x10c1),
    )
    // Not vacuous: WeChat redirects, guidance pages and refused methods all happened.
    expect(statuses.get(302)).toBeGreaterThan(500)
    expect(statuses.get(200)).toBeGreaterThan(100)
    expect(statuses.get(405)).toBeGreaterThan(100)
  })

  // A long but valid non-ASCII return path used to crash the guidance pages: the 512-character cap
  // applied to the input, normalisation percent-encodes it (one CJK character becomes 9), and the
  // login link did not fit the page's QR code ("Data too long", a 500 in every adapter). The cap now
  // applies to the normalised path, and a page whose link cannot be a QR code shows it without.
  it('regression: a long non-ASCII returnTo does not crash the guidance pages (QR "Data too long")', async () => {
    const websiteless = await createHarness({ apps: { official } })
    const returnTo = encodeURIComponent(`/${'中'.repeat(300)}`)
    for (const [h, ua] of [
      [websiteless, DESKTOP_UA],
      [websiteless, PHONE_UA],
      [websiteless, WECOM_UA],
    ] as const) {
      for (const accept of ['text/html', 'application/json']) {
        const response = await h.auth.handle(
          requestTo(`${BASE}/login?returnTo=${returnTo}`, { userAgent: ua, headers: { accept } }),
        )
        expect(response?.status).toBe(200)
      }
    }
  })

  it('a browser starting logins over and over keeps at most 5 pending, each bound to its cookie', async () => {
    const h = await createHarness()
    const before = h.upstream()
    const states: string[] = []
    let cookie = ''
    for (let i = 0; i < 200; i++) {
      const response = await h.auth.handle(requestTo(`${BASE}/login`, { cookie }))
      const value = cookieSet(response as Response, h.names.binding) ?? ''
      // The same binding throughout: a valid one is kept, not replaced.
      if (cookie !== '') expect(`${h.names.binding}=${value}`).toBe(cookie)
      cookie = `${h.names.binding}=${value}`
      states.push(new URL(response?.headers.get('location') ?? '').searchParams.get('state') ?? '')
    }
    expect(new Set(states).size).toBe(200)
    let live = 0
    for (const state of states) {
      const response = await h.auth.handle(requestTo(`${CALLBACK_URL}?state=${state}`, { cookie }))
      // Refusal (no code) of a live login is a 200 page; a dropped one restarts.
      if (response?.status === 200) live++
    }
    expect(live).toBe(5)
    expect(h.upstream()).toEqual(before)
  })
})

describe('POST /auth/wechat/logout with hostile input', () => {
  it('below 500, never a session, a cross-site request changes nothing, redirects stay on the site', async () => {
    const h = await createHarness({ session: { revocable: true } })
    const origins = fc.oneof(
      fc.constantFrom(undefined, ORIGIN, 'null', 'https://evil.example', `${ORIGIN}.evil.example`),
      fc.constantFrom('http://localhost:3000/', 'HTTP://LOCALHOST:3000', 'http://localhost'),
      garbageHeader,
    )
    const sites = fc.constantFrom(undefined, 'same-origin', 'same-site', 'cross-site', 'none', 'x')
    const referers = fc.oneof(
      fc.constantFrom(undefined, `${ORIGIN}/page`, 'https://evil.example/', 'not a url'),
      garbageHeader,
    )
    let loggedOut = 0
    let refused = 0
    await fc.assert(
      fc.asyncProperty(
        origins,
        sites,
        referers,
        ACCEPTS,
        fc.option(rawValue, { nil: undefined }),
        cookieHeader(h.names),
        fc.constantFrom('POST', 'POST', 'POST', 'GET', 'PUT', 'DELETE'),
        async (origin, site, referer, accept, returnTo, cookie, method) => {
          const headers = new Headers()
          if (origin !== undefined) headers.set('origin', origin)
          if (site !== undefined) headers.set('sec-fetch-site', site)
          if (referer !== undefined) headers.set('referer', referer)
          if (accept !== undefined) headers.set('accept', accept)
          const query = returnTo === undefined ? '' : `?returnTo=${returnTo}`
          const before = h.upstream()
          const response = await h.auth.handle(
            requestTo(`${BASE}/logout${query}`, { method, cookie, headers }),
          )
          if (!response) throw new Error('the logout route answered nothing')
          expect(response.status).toBeLessThan(500)
          expect(h.upstream()).toEqual(before)
          expect(setsCookie(response, h.names.session)).toBe(false)
          expect(setsCookie(response, h.names.binding)).toBe(false)
          if (method !== 'POST') {
            expect(response.status).toBe(405)
            return
          }
          const sent = headers.get('origin')
          if (sent !== null && sent !== 'null' && sent !== ORIGIN) {
            // SESS-04: a foreign Origin never logs anyone out.
            expect(response.status).toBe(403)
          }
          if (response.status === 403) {
            refused++
            expect(await problemOf(response)).toBe('cross_site')
            expect(response.headers.getSetCookie()).toEqual([])
            return
          }
          loggedOut++
          if (response.status === 303) {
            const location = response.headers.get('location') ?? ''
            expect(location).not.toMatch(/[\r\n\t\\]/)
            expect(new URL(location).origin).toBe(ORIGIN)
            expectOnSite(location.slice(ORIGIN.length))
          } else {
            expect(response.status).toBe(200)
            expect(await response.json()).toEqual({ loggedOut: true })
          }
        },
      ),
      runs(2000, 0x1060),
    )
    expect(loggedOut).toBeGreaterThan(50)
    expect(refused).toBeGreaterThan(500)
  })
})

describe('GET /auth/wechat/session with hostile input', () => {
  it('random cookies and headers: 401 and no cookie set, never 5xx', async () => {
    const h = await createHarness({ session: { revocable: true } })
    await fc.assert(
      fc.asyncProperty(
        cookieHeader(h.names),
        ACCEPTS,
        LANGS,
        fc.constantFrom('GET', 'GET', 'HEAD', 'POST', 'DELETE'),
        async (cookie, accept, lang, method) => {
          const headers = new Headers()
          if (accept !== undefined) headers.set('accept', accept)
          if (lang !== undefined) headers.set('accept-language', lang)
          const response = await h.auth.handle(
            requestTo(`${BASE}/session`, { method, cookie, headers }),
          )
          if (!response) throw new Error('the session route answered nothing')
          expect(response.headers.getSetCookie()).toEqual([])
          if (method === 'GET' || method === 'HEAD') {
            expect(response.status).toBe(401)
            if (method === 'GET') {
              expect(await response.json()).toMatchObject({ error: 'unauthenticated' })
            }
          } else {
            expect(response.status).toBe(405)
            expect(response.headers.get('allow')).toBe('GET')
          }
          expect(await h.auth.getSession(requestTo('/', { cookie }))).toBeNull()
        },
      ),
      runs(2000, 0x5e5),
    )
  })
})

describe('paths under the base path', () => {
  it('unknown, encoded or prototype-named routes are not served (undefined), never a crash', async () => {
    const h = await createHarness()
    const names = fc.oneof(
      fc.constantFrom(
        '__proto__',
        'constructor',
        'hasOwnProperty',
        'toString',
        'valueOf',
        'login/',
        'callback/',
        'LOGIN',
        '%6Cogin',
        'login%00',
        'login;a=b',
        'login/..',
        '../login',
        './login',
        '',
        '/',
        '/login',
        'session.json',
      ),
      fc.webSegment(),
      base62(0, 12),
    )
    await fc.assert(
      fc.asyncProperty(names, fc.constantFrom('GET', 'POST', 'HEAD'), async (name, method) => {
        const request = requestTo(`${BASE}/${name}`, { method })
        const route = new URL(request.url).pathname.slice(BASE.length + 1)
        const response = await h.auth.handle(request)
        if (['login', 'callback', 'logout', 'session'].includes(route)) {
          expect(response?.status).toBeLessThan(500)
        } else {
          expect(response).toBeUndefined()
        }
      }),
      runs(1000, 0x9a7),
    )
  })
})
