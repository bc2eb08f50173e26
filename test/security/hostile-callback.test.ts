/**
 * GET /auth/wechat/callback under hostile input (issue 7 item 2; security.md SEC-02, SEC-03,
 * SEC-05, SEC-06, SESS-03, TST-02 P1/P4): arbitrary query strings, random Cookie headers, tampered
 * cookies from a real login, expired and replayed states. Whatever arrives, the callback answers
 * below 500, never throws, never sets a session cookie, and never calls WeChat unless the request
 * is the genuine callback of the browser that started the login.
 *
 * Every property has a fixed seed; fast-check prints the seed and the shrunk counterexample when
 * one fails. Codes in requests are real emulator codes, so a flow that redeemed one would really
 * log someone in.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { applyTamper, base62, cookieHeader, rawQuery, readBack, tamper } from './arbitraries.js'
import {
  BASE,
  CALLBACK_URL,
  cookieSet,
  createHarness,
  type Harness,
  ORIGIN,
  problemOf,
  REPLAY_WINDOW,
  requestTo,
  runs,
  SECRET,
  setsCookie,
  startLogin,
  TRANSACTION_TTL,
} from './harness.js'

const METHODS = ['GET', 'GET', 'GET', 'GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH']
const ACCEPTS = [
  undefined,
  'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
  'application/json',
  '*/*',
  'application/json;q=abc, text/html;q=0.1',
  ',,;;q=,',
]
const SPEC_CODE = /^[\x21-\x7e]{1,512}$/

/** Sends `request` through the flow, and checks what every hostile callback must satisfy. */
async function harmless(h: Harness, request: Request): Promise<Response> {
  const before = h.upstream()
  const response = await h.auth.handle(request)
  if (!response) throw new Error('the callback route answered nothing')
  expect(response.status).toBeLessThan(500)
  expect(setsCookie(response, h.names.session)).toBe(false)
  expect(h.upstream()).toEqual(before)
  const location = response.headers.get('location')
  if (location !== null) {
    expect(location).not.toMatch(/[\r\n]/)
    expect(new URL(location, CALLBACK_URL).origin).toBe(ORIGIN)
  }
  // The body too must come out whole (a page renderer throwing mid-stream would fail here).
  await response.clone().arrayBuffer()
  return response
}

/** The genuine callback still logs the browser that started the login in, exactly once. */
async function completes(h: Harness, login: { callbackUrl: string; binding: string }) {
  const exchanges = h.emu.count('sns/oauth2/access_token')
  const response = await h.auth.handle(
    requestTo(login.callbackUrl, { cookie: `${h.names.binding}=${login.binding}` }),
  )
  expect(response?.status).toBe(303)
  expect(response?.headers.get('location')).toBe(`${ORIGIN}/`)
  expect(setsCookie(response as Response, h.names.session)).toBe(true)
  expect(h.emu.count('sns/oauth2/access_token')).toBe(exchanges + 1)
}

/** A finished login of `user` in its own browser: its binding and session cookie values. */
async function loggedIn(h: Harness, user: string) {
  h.emu.autoApprove(user)
  const b = h.browser()
  await b.navigate(`${BASE}/login`)
  h.emu.autoApprove('zhangsan', { keep: true })
  const binding = b.cookie(h.names.binding)
  const session = b.cookie(h.names.session)
  if (!binding || !session) throw new Error(`${user} did not log in`)
  const callbackUrl = b.hops.find((hop) => hop.url.startsWith(CALLBACK_URL))?.url ?? ''
  return { browser: b, binding, session, callbackUrl }
}

/** Whether the flow would rightly go on to WeChat: the one state, a well-formed code or none. */
function genuinePairing(url: string, state: string): boolean {
  const p = new URL(url).searchParams
  const code = p.get('code')
  return (
    p.getAll('state').length === 1 &&
    p.get('state') === state &&
    p.getAll('code').length <= 1 &&
    p.getAll('error').length <= 1 &&
    (code === null || SPEC_CODE.test(code))
  )
}

/** Percent-encodes the character at `at` of a state: the same state, spelt differently. */
function respell(state: string, at: number): string {
  const i = at % state.length
  const hex = state.charCodeAt(i).toString(16).toUpperCase().padStart(2, '0')
  return `${state.slice(0, i)}%${hex}${state.slice(i + 1)}`
}

describe('hostile callback queries (SEC-06, TST-02 P1)', () => {
  it('arbitrary query strings from the browser that started a login: below 500, no session, no call to WeChat', async () => {
    const h = await createHarness()
    const login = await startLogin(h)
    const cookie = `${h.names.binding}=${login.binding}`
    const injection = fc.oneof(
      fc.constant({ kind: 'none' as const }),
      fc.constant({ kind: 'duplicate-state' as const }),
      fc.record({ kind: fc.constant('respelt-duplicate' as const), at: fc.nat() }),
      fc.record({ kind: fc.constant('tampered-state' as const), tamper }),
      fc.constant({ kind: 'duplicate-code' as const }),
      fc.constant({ kind: 'duplicate-error' as const }),
      fc.record({
        kind: fc.constant('bad-code' as const),
        code: fc.constantFrom(
          '',
          '%00',
          'a+b',
          'a%20b',
          '%7F',
          '%E4%B8%AD',
          'x'.repeat(513),
          '%0D%0A',
          '\t',
        ),
      }),
    )
    let discarded = 0
    let sent = 0
    const statuses = new Set<number>()
    await fc.assert(
      fc.asyncProperty(
        rawQuery,
        injection,
        fc.constantFrom(...METHODS),
        fc.constantFrom(...ACCEPTS),
        async (query, inject, method, accept) => {
          const S = login.state
          const code = `code=${login.code}`
          let prefix = ''
          switch (inject.kind) {
            case 'duplicate-state':
              prefix = `${code}&state=${S}&state=${S}&`
              break
            case 'respelt-duplicate':
              prefix = `${code}&state=${S}&state=${respell(S, inject.at)}&`
              break
            case 'tampered-state': {
              const tampered = applyTamper(S, inject.tamper)
              prefix = `${code}&state=${encodeURIComponent(tampered)}&`
              break
            }
            case 'duplicate-code':
              prefix = `${code}&code=${login.code}x&state=${S}&`
              break
            case 'duplicate-error':
              prefix = `state=${S}&error=a&error=a&`
              break
            case 'bad-code':
              prefix = `state=${S}&code=${inject.code}&`
              break
          }
          const request = requestTo(`${CALLBACK_URL}?${prefix}${query}`, {
            method,
            cookie,
            ...(accept === undefined ? {} : { headers: { accept } }),
          })
          // The one input that must reach WeChat is the real callback; any other is hostile.
          if ((method === 'GET' || method === 'HEAD') && genuinePairing(request.url, S)) {
            discarded++
            return
          }
          sent++
          const response = await harmless(h, request)
          statuses.add(response.status)
          if (method !== 'GET' && method !== 'HEAD') expect(response.status).toBe(405)
        },
      ),
      runs(3000, 0x5ec06),
    )
    expect(sent).toBeGreaterThan(2500)
    expect(discarded).toBeLessThan(500)
    // Every kind of answer came up: restart, bad request, refused method.
    expect([...statuses].sort()).toEqual(expect.arrayContaining([303, 400, 405]))
    // None of it used up or disturbed the login: it still completes.
    await completes(h, login)
  })

  it('SEC-06 table: duplicated, oversized, control-character and mis-encoded parameters are 400', async () => {
    const h = await createHarness()
    const login = await startLogin(h)
    const cookie = `${h.names.binding}=${login.binding}`
    const S = login.state
    const C = login.code
    const table = [
      `code=${C}&state=${S}&state=${S}`,
      `code=${C}&code=${C}&state=${S}`,
      `code=${C}&state=${S}&error=x&error=y`,
      `code=${C}&state=${S}&state=`,
      `code=${'c'.repeat(513)}&state=${S}`,
      `code=${C}%00&state=${S}`,
      `code=${C}%0D%0ASet-Cookie:%20a=b&state=${S}`,
      `code=${C}+x&state=${S}`,
      `code=${C}%20x&state=${S}`,
      `code=%E4%B8%AD&state=${S}`,
      `code=&state=${S}`,
      `code=${C}&state=${S}%00`,
      `code=${C}&state=${S}+`,
      `code=${C}&state=${S}%zz`,
      `code=${C}&state=${S}%E0%A4`,
      `code=${C}&state=${S.slice(0, 21)}`,
      `code=${C}&state=${S}${'A'.repeat(100)}`,
    ]
    for (const query of table) {
      const response = await harmless(h, requestTo(`${CALLBACK_URL}?${query}`, { cookie }))
      expect(response.status).toBe(400)
      expect(['bad_request', 'state_invalid', 'state_missing']).toContain(await problemOf(response))
    }
    await completes(h, login)
  })
})

describe('hostile codes on a genuine callback (REL-08, SEC-06)', () => {
  it('any printable code reaches WeChat as exactly that one code: no parameter injection, no session', async () => {
    const h = await createHarness()
    const printable = fc.string({
      unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)),
      minLength: 1,
      maxLength: 512,
    })
    const codes = fc.oneof(
      { weight: 3, arbitrary: printable },
      {
        weight: 2,
        arbitrary: fc
          .tuple(
            fc.constantFrom(
              'x&appid=wx0000000000000000',
              'x&secret=',
              'x&code=y',
              'x&grant_type=refresh_token',
              'x#',
              'x?',
              '%00',
              '%26appid%3Dx',
              '../../cgi-bin/token',
              'x/../../sns/auth',
            ),
            printable,
          )
          .map(([a, b]) => `${a}${b}`.slice(0, 512)),
      },
    )
    let exchanged = 0
    await fc.assert(
      fc.asyncProperty(codes, async (code) => {
        const login = await startLogin(h)
        const before = h.emu.count('sns/oauth2/access_token')
        const response = await h.auth.handle(
          requestTo(`${CALLBACK_URL}?code=${encodeURIComponent(code)}&state=${login.state}`, {
            cookie: `${h.names.binding}=${login.binding}`,
          }),
        )
        expect(response?.status).toBeLessThan(500)
        expect(setsCookie(response as Response, h.names.session)).toBe(false)
        const calls = h.emu.count('sns/oauth2/access_token') - before
        // At most one exchange; none when the code was seen before (SEC-12).
        expect(calls).toBeLessThanOrEqual(1)
        if (calls === 1) {
          exchanged++
          const entry = h.emu.requests.at(-1)
          expect(entry?.endpoint).toBe('sns/oauth2/access_token')
          // WeChat saw the app's own appid and one unknown code: "invalid code", nothing else.
          expect(entry?.errcode).toBe(40029)
          expect(response?.status).toBe(303)
          expect(response?.headers.get('location')).toMatch(/^\/auth\/wechat\/login\?/)
        }
      }),
      runs(1000, 0xc0de),
    )
    expect(exchanged).toBeGreaterThan(900)
  })
})

describe('random Cookie headers on someone else’s callback (SEC-02, SEC-03)', () => {
  it('never a session, never a call to WeChat; the rightful browser can still finish', async () => {
    const h = await createHarness()
    const other = await loggedIn(h, 'lisi')
    const cookies = cookieHeader(h.names, [other.session, other.binding])
    let mismatches = 0
    let restarts = 0
    await fc.assert(
      fc.asyncProperty(cookies, async (cookie) => {
        const victim = await startLogin(h)
        const response = await harmless(h, requestTo(victim.callbackUrl, { cookie }))
        if (response.status === 403) {
          mismatches++
          expect(await problemOf(response)).toBe('state_mismatch')
          // A foreign binding leaves the victim's login as it was.
          await completes(h, victim)
        } else {
          // No binding at all: the login starts again (WX-07), without a session.
          restarts++
          expect(response.status).toBe(303)
          expect(response.headers.get('location')).toMatch(/^\/auth\/wechat\/login\?returnTo=/)
        }
      }),
      runs(1500, 0xc00c1e),
    )
    expect(mismatches).toBeGreaterThan(200)
    expect(restarts).toBeGreaterThan(100)
  })
})

describe('tampered cookies from a real login (SESS-03, TST-02 P4)', () => {
  it('a binding cookie with any one change is someone else’s: 403, no session, no call to WeChat', async () => {
    const h = await createHarness()
    const other = await loggedIn(h, 'lisi')
    const victim = await startLogin(h)
    const name = h.names.binding
    await fc.assert(
      fc.asyncProperty(
        tamper,
        fc.boolean(),
        fc.boolean(),
        async (change, originalAfter, withSession) => {
          const tampered = applyTamper(victim.binding, change)
          const read = readBack(name, tampered)
          fc.pre(read !== undefined && read !== '' && read !== victim.binding)
          // A second cookie of the same name after it (as a planted, more specific cookie would
          // precede the real one): the first is the one that counts.
          let cookie = `${name}=${tampered}`
          if (originalAfter) cookie += `; ${name}=${victim.binding}`
          if (withSession) cookie += `; ${h.names.session}=${other.session}`
          const response = await harmless(h, requestTo(victim.callbackUrl, { cookie }))
          expect(response.status).toBe(403)
          expect(await problemOf(response)).toBe('state_mismatch')
        },
      ),
      runs(2000, 0xb1d),
    )
    await completes(h, victim)
  })

  it('a session cookie with any one change is no session: /session 401, getSession null', async () => {
    const h = await createHarness()
    const { session } = await loggedIn(h, 'zhangsan')
    const name = h.names.session
    const genuine = await h.auth.getSession(requestTo('/', { cookie: `${name}=${session}` }))
    expect(genuine?.identity.openid).toMatch(/^o/)
    await fc.assert(
      fc.asyncProperty(tamper, base62(22, 128), async (change, state) => {
        const tampered = applyTamper(session, change)
        const read = readBack(name, tampered)
        fc.pre(read !== undefined && read !== session)
        const cookie = `${name}=${tampered}`
        expect(await h.auth.getSession(requestTo('/', { cookie }))).toBeNull()
        const answer = await h.auth.handle(
          requestTo(`${BASE}/session`, { cookie, headers: { accept: 'application/json' } }),
        )
        expect(answer?.status).toBe(401)
        expect(await answer?.json()).toMatchObject({ error: 'unauthenticated' })
        // And on the callback it changes nothing either.
        await harmless(h, requestTo(`${CALLBACK_URL}?code=x&state=${state}`, { cookie }))
      }),
      runs(1500, 0x5e55),
    )
  })

  it('cookies swapped between purposes, sealed under another secret, or expired are refused', async () => {
    const h = await createHarness({ session: { maxAge: 3600 } })
    const mine = await loggedIn(h, 'zhangsan')
    const foreign = await createHarness({ secrets: [`${SECRET}-other-deployment`] })
    const theirs = await loggedIn(foreign, 'zhangsan')
    const { binding: B, session: S } = h.names
    const refused = [
      `${S}=${mine.binding}`,
      `${S}=${theirs.session}`,
      `${S}=${mine.session}${mine.session}`,
      `${S}=${mine.session.split('.').reverse().join('.')}`,
      `${S}=${mine.session.replace(/^[^.]+/, 'eyJhbGciOiJub25lIn0')}`,
      `${S}=${mine.session.replace(/^[^.]+/, 'eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0')}`,
      `${B}=${mine.session}`,
    ]
    for (const cookie of refused.slice(0, -1)) {
      expect(await h.auth.getSession(requestTo('/', { cookie }))).toBeNull()
    }
    // The binding slot holding a session value is simply another browser's binding.
    const victim = await startLogin(h)
    const mismatch = await harmless(
      h,
      requestTo(victim.callbackUrl, { cookie: refused.at(-1) ?? '' }),
    )
    expect(mismatch.status).toBe(403)

    // The genuine cookie works until the session's own lifetime ends, then never again.
    const cookie = `${S}=${mine.session}`
    expect(await h.auth.getSession(requestTo('/', { cookie }))).not.toBeNull()
    h.advance(3600 * 1000)
    expect(await h.auth.getSession(requestTo('/', { cookie }))).toBeNull()
    const answer = await h.auth.handle(requestTo(`${BASE}/session`, { cookie }))
    expect(answer?.status).toBe(401)
  })
})

describe('expired states (SEC-05)', () => {
  it('a callback after the 10-minute transaction lifetime restarts the login: no session, no call to WeChat', async () => {
    const h = await createHarness()
    const stranger = await startLogin(h)
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 30 * 24 * 3600 * 1000 }),
        fc.constantFrom('own', 'none', 'stranger', 'garbage'),
        fc.boolean(),
        async (late, who, denied) => {
          const login = await startLogin(h)
          h.advance(TRANSACTION_TTL + late)
          const cookie = {
            own: `${h.names.binding}=${login.binding}`,
            none: '',
            stranger: `${h.names.binding}=${stranger.binding}`,
            garbage: `${h.names.binding}=${'Z'.repeat(43)}`,
          }[who]
          // The user's refusal (no code) must not revive it either.
          const url = denied ? `${CALLBACK_URL}?state=${login.state}` : login.callbackUrl
          const response = await harmless(h, requestTo(url, { cookie }))
          expect(response.status).toBe(303)
          expect(response.headers.get('location')).toMatch(/^\/auth\/wechat\/login\?returnTo=/)
        },
      ),
      runs(1500, 0xe3b1),
    )
  })
})

describe('replayed states (SEC-05, WX-05)', () => {
  it('a completed callback replayed by anyone else, at any time: no session, no call to WeChat', async () => {
    const h = await createHarness()
    const a = await loggedIn(h, 'zhangsan')
    const other = await loggedIn(h, 'lisi')
    const pendingB = await startLogin(h)
    const state = new URL(a.callbackUrl).searchParams.get('state') ?? ''
    const code = new URL(a.callbackUrl).searchParams.get('code') ?? ''
    // Symbolic, built inside the property: counterexamples never print the code.
    const variants = fc.oneof(
      fc.constant((_: number) => a.callbackUrl),
      fc.constant((_: number) => `${CALLBACK_URL}?state=${state}&code=${code}`),
      fc.constant((_: number) => `${a.callbackUrl}&openid=oATTACKER&unionid=oATTACKER`),
      fc.constant((at: number) => `${CALLBACK_URL}?code=${code}&state=${respell(state, at)}`),
      fc.constant((_: number) => `${CALLBACK_URL}?state=${state}`),
      fc.constant((_: number) => `${a.callbackUrl}&returnTo=%2F%2Fevil.com`),
    )
    const cookies = fc.oneof(
      fc.constant(''),
      fc.constant(`${h.names.binding}=${pendingB.binding}`),
      fc.constant(`${h.names.binding}=${other.binding}; ${h.names.session}=${other.session}`),
      fc.constant(`${h.names.session}=${other.session}`),
      cookieHeader(h.names, [other.session, other.binding, pendingB.binding]),
    )
    await fc.assert(
      fc.asyncProperty(
        variants,
        fc.nat(),
        cookies,
        fc.integer({ min: 0, max: 2 * REPLAY_WINDOW }),
        async (variant, at, cookie, wait) => {
          h.advance(wait)
          const response = await harmless(h, requestTo(variant(at), { cookie }))
          expect([303, 403]).toContain(response.status)
          if (response.status === 303) {
            expect(response.headers.get('location')).toMatch(/^\/auth\/wechat\/login\?/)
          } else {
            expect(await problemOf(response)).toBe('state_mismatch')
          }
        },
      ),
      runs(1500, 0x4e91a1),
    )
  })

  it('the same browser within the replay window gets its own session back, without a second exchange', async () => {
    const h = await createHarness()
    const b = h.browser()
    await b.request(`${BASE}/login`)
    const authorize = await b.request(b.hops[0]?.location ?? '')
    const callbackUrl = authorize.headers.get('location') ?? ''
    const first = await b.request(callbackUrl)
    const exchanges = h.emu.count('sns/oauth2/access_token')
    h.advance(REPLAY_WINDOW - 1_000)
    const again = await b.request(callbackUrl)
    expect(again.status).toBe(303)
    expect(cookieSet(again, h.names.session)).toBe(cookieSet(first, h.names.session))
    expect(h.emu.count('sns/oauth2/access_token')).toBe(exchanges)
  })
})
