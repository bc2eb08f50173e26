/**
 * Login CSRF: callbacks replayed across browsers, checked exhaustively (issue 7 item 2;
 * security.md SEC-02, SEC-03, SEC-05, SEC-12, WX-05).
 *
 * A "starter" browser begins a login and WeChat sends it back with a callback URL (code + state).
 * A "receiver" browser opens that same URL. Read one way, the receiver is an attacker who got hold
 * of a victim's callback; read the other way, the starter is an attacker who logged into WeChat as
 * themselves and sends their callback to a victim (classic login CSRF). Both framings run, over
 * every combination of what the receiver holds (no cookie, its own pending login, an expired one,
 * its own session, a forged binding, the starter's binding on another state, its own state around
 * the starter's code) and how far the starter got (pending, completed, completed a minute ago,
 * logged out, expired), one after the other and concurrently.
 *
 * Always: only the starter's browser gets a session for the starter's login; the receiver never
 * gets the starter's identity; nothing is exchanged with WeChat for an invalid pairing; the
 * receiver sees a restart or one of the flow's problem pages.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { ProblemCode } from '../../src/flow/pages/index.js'
import type { TestBrowser } from '../helpers/user-agent.js'
import { createWxAuth } from '../helpers/wxauth.js'
import {
  BASE,
  CALLBACK_URL,
  cookieSet,
  createHarness,
  type Harness,
  ORIGIN,
  official,
  problemOf,
  REPLAY_WINDOW,
  SECRET,
  setsCookie,
  TRANSACTION_TTL,
  website,
} from './harness.js'

const RECEIVERS = [
  'no-cookie',
  'own-pending-login',
  'own-expired-login',
  'own-session',
  'forged-binding',
  'starter-binding-other-state',
  'own-state-starter-code',
] as const
type Receiver = (typeof RECEIVERS)[number]

const PROGRESS = ['pending', 'completed', 'completed-61s-ago', 'logged-out', 'expired'] as const
type Progress = (typeof PROGRESS)[number]

/** Framings: who logged into WeChat in the starter's browser, and who the receiver already is. */
const FRAMINGS = [
  { name: 'receiver attacks the starter', starter: 'zhangsan', receiver: 'lisi' },
  { name: 'starter sends its callback to a victim', starter: 'lisi', receiver: 'zhangsan' },
] as const

/** What a receiver may see: a restart of its own login, or one of these problem pages. */
const RECEIVER_PROBLEMS: ProblemCode[] = [
  'state_mismatch',
  'state_expired',
  'cookies_blocked',
  'code_reused',
]

const exchanges = (h: Harness) => h.emu.count('sns/oauth2/access_token')

async function sessionOf(b: TestBrowser): Promise<string | undefined> {
  const response = await b.request(`${BASE}/session`)
  if (response.status !== 200) return undefined
  return ((await response.json()) as { identity: { openid: string } }).identity.openid
}

/** Starts a login in `b` and lets WeChat (auto-approving `user`) answer: the callback URL. */
async function callbackFor(h: Harness, b: TestBrowser, user: string): Promise<string> {
  h.emu.autoApprove(user)
  const login = await b.request(`${BASE}/login`)
  const authorize = await b.request(login.headers.get('location') ?? '')
  return authorize.headers.get('location') ?? ''
}

/** What the receiver's response must be, whatever the scenario. */
async function expectRefused(h: Harness, response: Response): Promise<void> {
  expect(setsCookie(response, h.names.session)).toBe(false)
  expect(response.headers.get('cache-control')).toBe('no-store')
  expect(response.headers.get('referrer-policy')).toBe('no-referrer')
  if (response.status === 303) {
    // A restart of the receiver's own login, never a landing page with a session.
    expect(response.headers.get('location')).toMatch(/^\/auth\/wechat\/login\?returnTo=/)
    return
  }
  expect([400, 403]).toContain(response.status)
  expect(response.headers.get('content-type')).toMatch(/^text\/html/)
  expect(RECEIVER_PROBLEMS).toContain(await problemOf(response))
}

interface Outcome {
  receiverResponse: Response
  receiverExchanges: number
}

/** Builds one scenario and runs the receiver's request (and the starter's, when concurrent). */
async function scenario(
  framing: (typeof FRAMINGS)[number],
  receiverKind: Receiver,
  progress: Progress,
  concurrent?: 'starter-first' | 'receiver-first',
) {
  const h = await createHarness()
  const starter = h.browser()
  const receiver = h.browser()
  const starterOpenid = h.emu.openid(official.appId, framing.starter)

  if (receiverKind === 'own-expired-login') {
    await receiver.request(`${BASE}/login`)
    h.advance(TRANSACTION_TTL + 1_000)
  }
  if (receiverKind === 'own-session') {
    h.emu.autoApprove(framing.receiver)
    await receiver.navigate(`${BASE}/login`)
    expect(await sessionOf(receiver)).toBe(h.emu.openid(official.appId, framing.receiver))
  }
  if (receiverKind === 'forged-binding') {
    receiver.cookies.set(ORIGIN, new Map([[h.names.binding, { value: 'Z'.repeat(43), path: '/' }]]))
  }

  const callbackUrl = await callbackFor(h, starter, framing.starter)
  const starterBinding = starter.cookie(h.names.binding) ?? ''
  let url = callbackUrl
  if (
    receiverKind === 'own-pending-login' ||
    receiverKind === 'starter-binding-other-state' ||
    receiverKind === 'own-state-starter-code'
  ) {
    const own = await receiver.request(`${BASE}/login`)
    const ownState = new URL(own.headers.get('location') ?? '').searchParams.get('state') ?? ''
    if (receiverKind !== 'own-pending-login') {
      const rewritten = new URL(callbackUrl)
      rewritten.searchParams.set('state', ownState)
      url = rewritten.href
    }
    if (receiverKind === 'starter-binding-other-state') {
      receiver.cookies.get(ORIGIN)?.set(h.names.binding, { value: starterBinding, path: '/' })
    }
  }

  let starterFirst: Response | undefined
  if (progress !== 'pending' && progress !== 'expired') {
    starterFirst = await starter.request(callbackUrl)
    expect(starterFirst.status).toBe(303)
    expect(await sessionOf(starter)).toBe(starterOpenid)
  }
  if (progress === 'completed-61s-ago') h.advance(REPLAY_WINDOW + 1_000)
  if (progress === 'logged-out') {
    const out = await starter.request(`${BASE}/logout`, {
      method: 'POST',
      headers: { origin: ORIGIN },
    })
    expect(out.status).toBe(303)
  }
  if (progress === 'expired') h.advance(TRANSACTION_TTL + 1_000)

  const before = exchanges(h)
  let outcome: Outcome
  let starterResponse: Response | undefined
  if (concurrent) {
    h.emu.fail('sns/oauth2/access_token', { delay: 40 })
    const runs =
      concurrent === 'starter-first'
        ? [starter.request(callbackUrl), receiver.request(url)]
        : [receiver.request(url), starter.request(callbackUrl)]
    const [first, second] = await Promise.all(runs)
    const receiverResponse = (concurrent === 'starter-first' ? second : first) as Response
    starterResponse = concurrent === 'starter-first' ? first : second
    outcome = { receiverResponse, receiverExchanges: -1 }
  } else {
    const receiverResponse = await receiver.request(url)
    outcome = { receiverResponse, receiverExchanges: exchanges(h) - before }
  }
  return {
    h,
    starter,
    receiver,
    starterOpenid,
    callbackUrl,
    before,
    outcome,
    starterResponse,
    receiverKind,
  }
}

/** After the receiver's attempt: it holds no session of the starter's, at all. */
async function expectReceiverNotStarter(
  h: Harness,
  receiver: TestBrowser,
  starterOpenid: string,
  receiverKind: Receiver,
  framing: (typeof FRAMINGS)[number],
) {
  const current = await sessionOf(receiver)
  expect(current).not.toBe(starterOpenid)
  if (receiverKind === 'own-session') {
    // Its own session is still its own.
    expect(current).toBe(h.emu.openid(official.appId, framing.receiver))
  } else {
    expect(current).toBeUndefined()
  }
  expect(await (await receiver.request('/')).text()).not.toContain(starterOpenid)
}

describe.each(FRAMINGS)('login CSRF matrix: $name', (framing) => {
  const cases = RECEIVERS.flatMap((receiver) =>
    PROGRESS.map((progress) => ({ receiver, progress })),
  ).filter(
    // The starter's unused code under the receiver's own state is code injection, which no state
    // check can stop without PKCE: see the residual-risk test below.
    (c) => !(c.receiver === 'own-state-starter-code' && c.progress === 'pending'),
  )

  it.each(cases)(
    'receiver with $receiver opens the callback of a $progress login',
    async ({ receiver: receiverKind, progress }) => {
      const s = await scenario(framing, receiverKind, progress)
      const { h, outcome } = s
      await expectRefused(h, outcome.receiverResponse)
      // SEC-03: nothing reached WeChat for the receiver's request.
      expect(outcome.receiverExchanges).toBe(0)
      await expectReceiverNotStarter(h, s.receiver, s.starterOpenid, receiverKind, framing)

      if (progress === 'pending') {
        // The starter now comes back with its own callback.
        const mine = await s.starter.request(s.callbackUrl)
        expect(mine.status).toBeLessThan(500)
        if (setsCookie(mine, h.names.session)) {
          expect(await sessionOf(s.starter)).toBe(s.starterOpenid)
        }
        // Whatever the receiver held, even no cookie at all (whose WX-07 restart leaves the
        // transaction alone), the starter's login is untouched: it completes.
        expect(mine.status).toBe(303)
        expect(mine.headers.get('location')).toBe(`${ORIGIN}/`)
        expect(await sessionOf(s.starter)).toBe(s.starterOpenid)
        expect(exchanges(h)).toBe(s.before + 1)
      } else if (progress === 'completed' || progress === 'completed-61s-ago') {
        // The starter's own session is untouched.
        expect(await sessionOf(s.starter)).toBe(s.starterOpenid)
      } else if (progress === 'logged-out') {
        expect(await sessionOf(s.starter)).toBeUndefined()
      }
      // One code, at most one exchange, ever.
      expect(exchanges(h)).toBeLessThanOrEqual(s.before + 1)
    },
  )

  const concurrentCases = RECEIVERS.filter((r) => r !== 'own-state-starter-code').flatMap(
    (receiver) =>
      (['starter-first', 'receiver-first'] as const).map((order) => ({ receiver, order })),
  )

  it.each(concurrentCases)(
    'receiver with $receiver and the starter open the callback together ($order)',
    async ({ receiver: receiverKind, order }) => {
      const s = await scenario(framing, receiverKind, 'pending', order)
      const { h } = s
      await expectRefused(h, s.outcome.receiverResponse)
      await expectReceiverNotStarter(h, s.receiver, s.starterOpenid, receiverKind, framing)
      const starterGot = s.starterResponse as Response
      expect(starterGot.status).toBeLessThan(500)
      if (setsCookie(starterGot, h.names.session)) {
        expect(await sessionOf(s.starter)).toBe(s.starterOpenid)
      }
      expect(setsCookie(starterGot, h.names.session)).toBe(true)
      expect(await sessionOf(s.starter)).toBe(s.starterOpenid)
      expect(exchanges(h)).toBeLessThanOrEqual(s.before + 1)
    },
  )
})

describe('the starter’s own browser', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  it('within the replay window gets the same session back, with no second exchange', async () => {
    const h = await createHarness()
    const a = h.browser()
    const url = await callbackFor(h, a, 'zhangsan')
    const first = await a.request(url)
    const before = exchanges(h)
    h.advance(REPLAY_WINDOW - 1_000)
    const again = await a.request(url)
    expect(again.status).toBe(303)
    expect(cookieSet(again, h.names.session)).toBe(cookieSet(first, h.names.session))
    expect(exchanges(h)).toBe(before)
  })

  it('outside the replay window gets a restart, not a session (same instance)', async () => {
    // The in-process record of a finished exchange is dropped by a timer; fake only that timer.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    const h = await createHarness()
    const a = h.browser()
    const url = await callbackFor(h, a, 'zhangsan')
    expect((await a.request(url)).status).toBe(303)
    h.advance(REPLAY_WINDOW + 1_000)
    vi.advanceTimersByTime(REPLAY_WINDOW + 1_000)
    const before = exchanges(h)
    const late = await a.request(url)
    expect(setsCookie(late, h.names.session)).toBe(false)
    expect(late.status).toBe(303)
    expect(late.headers.get('location')).toMatch(/^\/auth\/wechat\/login\?/)
    expect(exchanges(h)).toBe(before)
  })

  it('outside the replay window gets a restart, not a session (another instance, same store)', async () => {
    const h = await createHarness()
    const a = h.browser()
    const url = await callbackFor(h, a, 'zhangsan')
    expect((await a.request(url)).status).toBe(303)
    h.advance(REPLAY_WINDOW + 1_000)
    const other = createWxAuth({
      apps: { official, website },
      baseUrl: ORIGIN,
      secrets: [SECRET],
      fetch: h.emu.fetch,
      store: h.store,
      now: h.now,
    })
    const cookie = a.cookieHeader(new URL(url))
    const before = exchanges(h)
    const late = await other.handle(new Request(url, { headers: { cookie } }))
    expect(late?.status).toBe(303)
    expect(late?.headers.get('location')).toMatch(/^\/auth\/wechat\/login\?/)
    expect(setsCookie(late as Response, h.names.session)).toBe(false)
    expect(exchanges(h)).toBe(before)
  })

  it('after logging out, replaying its own callback (even within the window) logs nobody in', async () => {
    const h = await createHarness()
    const a = h.browser()
    const url = await callbackFor(h, a, 'zhangsan')
    expect((await a.request(url)).status).toBe(303)
    await a.request(`${BASE}/logout`, { method: 'POST', headers: { origin: ORIGIN } })
    const before = exchanges(h)
    const replay = await a.request(url)
    expect(setsCookie(replay, h.names.session)).toBe(false)
    expect(await sessionOf(a)).toBeUndefined()
    expect(exchanges(h)).toBe(before)
  })
})

describe('codes moved between logins (SEC-12)', () => {
  it('a code already redeemed, under another browser’s own valid state, is refused without a call to WeChat', async () => {
    const h = await createHarness()
    const a = h.browser()
    const url = new URL(await callbackFor(h, a, 'zhangsan'))
    await a.request(url.href)
    const b = h.browser()
    const own = await b.request(`${BASE}/login`)
    url.searchParams.set(
      'state',
      new URL(own.headers.get('location') ?? '').searchParams.get('state') ?? '',
    )
    const before = exchanges(h)
    const response = await b.request(url.href)
    expect(response.status).toBe(403)
    expect(await problemOf(response)).toBe('code_reused')
    expect(exchanges(h)).toBe(before)
    expect(await sessionOf(b)).toBeUndefined()
  })

  it('residual risk (RFC 9700 §4.5, no PKCE at WeChat): an unused stolen code under the thief’s own state is redeemed once; the victim’s own callback then cannot use it again', async () => {
    // No state check can tell a stolen code from the thief's own: WeChat binds codes to nothing
    // the client sends. The mitigations are upstream (codes never leak: SEC-07/10/11, LOG-02) and
    // single use (SEC-12): the victim's browser is never logged in with the same code twice.
    const h = await createHarness()
    const victim = h.browser()
    const url = new URL(await callbackFor(h, victim, 'zhangsan'))
    const thief = h.browser()
    const own = await thief.request(`${BASE}/login`)
    const injected = new URL(url)
    injected.searchParams.set(
      'state',
      new URL(own.headers.get('location') ?? '').searchParams.get('state') ?? '',
    )
    const before = exchanges(h)
    await thief.request(injected.href)
    expect(exchanges(h)).toBe(before + 1)
    const response = await victim.request(url.href)
    expect(setsCookie(response, h.names.session)).toBe(false)
    expect(exchanges(h)).toBe(before + 1)
  })
})

describe('a website (QR) login replayed into an official-account browser', () => {
  it('is refused like any other foreign callback', async () => {
    const h = await createHarness()
    const desktop = h.browser(
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
    )
    h.emu.autoApprove('zhangsan')
    const login = await desktop.request(`${BASE}/login`)
    expect(new URL(login.headers.get('location') ?? '').pathname).toBe('/connect/qrconnect')
    expect(new URL(login.headers.get('location') ?? '').searchParams.get('appid')).toBe(
      website.appId,
    )
    const authorize = await desktop.request(login.headers.get('location') ?? '')
    const url = authorize.headers.get('location') ?? ''
    const phone = h.browser()
    await phone.request(`${BASE}/login`)
    const before = exchanges(h)
    const response = await phone.request(url)
    await expectRefused(h, response)
    expect(exchanges(h)).toBe(before)
    expect(new URL(url).origin + new URL(url).pathname).toBe(CALLBACK_URL)
  })
})
