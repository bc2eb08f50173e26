/**
 * Fault injection through the emulator (issue 7, item 1; TST-01, REL-01/03/04/09, §9 I3/I4/I7).
 *
 * Complete logins (login → authorize, auto-approved → callback → session) run through
 * `createWxAuth` while the emulator's chaos mode injects, at a set rate, errcode -1, HTTP 5xx,
 * answers held past the client's timeout, dropped connections, truncated bodies, proxy HTML pages
 * and `text/plain` answers into the code exchange and userinfo; in-process and over real sockets.
 *
 * Asserted per login: it ends with a session for the right openid, or on a problem page with a
 * known code and that code's status (never a 5xx without a page, never an exception), within its
 * time budget. Across a run: no code was presented for exchange twice (I4), every session was
 * created by a login that consumed its transaction before (I3), a failed login created no session
 * (I7), every fault kind occurred, and the outcome counts add up.
 *
 * The test browser follows every redirect, so it follows the flow's own automatic restart (a 303
 * back to the login route, at most once per login); it never clicks "try again" on a problem page.
 * A login is `completed` (session at the first try), `restarted` (session after an automatic
 * restart) or `failed` (a problem page).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { memoryStore } from '../../src/stores/memory.js'
import {
  type ChaosFaultKind,
  chaosFaultKinds,
  createEmulator,
  defaultOfficialAccount,
  type Emulator,
  type EndpointName,
} from '../helpers/emulator.js'
import { createWxAuth, type WxAuth, type WxAuthConfig } from '../helpers/wxauth.js'
import {
  asUser,
  type LoginResult,
  recordingStore,
  runLogin,
  runLogins,
  type StoreEvent,
  summarize,
} from './harness.js'

const ORIGIN = 'http://localhost:3000'
const SECRET = 'reliability-test-secret-0123456789abcdef'
const APP = defaultOfficialAccount
/** The client's per-attempt timeout (`wechat.timeout`; 5 s by default, scaled down). */
const CLIENT_TIMEOUT = 250
/** How long a chaos `timeout` holds an answer: well past CLIENT_TIMEOUT. */
const TIMEOUT_DELAY = 3_000
/** A login's budget: two callbacks, each an exchange and up to three userinfo attempts. */
const LOGIN_BUDGET = 8_000
const RATE = 0.25
const USERS = ['zhangsan', 'lisi', 'wangwu']
const ENDPOINTS: EndpointName[] = ['sns/oauth2/access_token', 'sns/userinfo']
/** The problem codes a login may end on when WeChat misbehaves; any other is a finding. */
const EXPECTED_PROBLEMS = new Set(['code_invalid', 'wechat_unavailable'])

let emu: Emulator
let recorded: ReturnType<typeof recordingStore>

beforeEach(() => {
  emu = createEmulator()
  recorded = recordingStore(memoryStore())
})

afterEach(async () => {
  await emu.close()
})

function setup(overrides: Partial<WxAuthConfig> = {}): WxAuth {
  return createWxAuth({
    apps: { official: { appId: APP.appId, appSecret: APP.secret } },
    baseUrl: ORIGIN,
    secrets: [SECRET],
    // Revocable sessions live in the store too, so the store shows every session created.
    session: { revocable: true },
    store: recorded.store,
    fetch: emu.fetch,
    wechat: { timeout: CLIENT_TIMEOUT },
    ...overrides,
  })
}

/** Runs `count` logins `concurrency` at a time, the users taking turns. */
function logins(auth: WxAuth, count: number, concurrency: number): Promise<LoginResult[]> {
  const lock = { tail: Promise.resolve() as Promise<unknown> }
  return runLogins(count, concurrency, (id) => {
    const user = USERS[id % USERS.length] as string
    return runLogin({
      id,
      auth,
      emulator: asUser(emu, user, lock),
      origin: ORIGIN,
      openid: emu.openid(APP.appId, user),
      budget: LOGIN_BUDGET,
    })
  })
}

/** What the store saw of each login: transactions consumed and sessions created, in order. */
function storeOf(events: readonly StoreEvent[], login: number | undefined) {
  const own = events.map((e, at) => ({ ...e, at })).filter((e) => e.login === login)
  return {
    consumed: own.filter((e) => e.op === 'consume' && e.key.startsWith('login:tx:') && e.hit),
    sessions: own.filter((e) => e.op === 'set' && e.key.startsWith('session:')),
  }
}

/** The invariants every run must keep, whatever was injected. */
async function checkInvariants(results: LoginResult[]) {
  const { events } = recorded
  // Sessions are only ever created inside a login.
  expect(storeOf(events, undefined).sessions).toEqual([])
  for (const r of results) {
    const { consumed, sessions } = storeOf(events, r.id)
    if (r.outcome === 'failed') {
      // I7: a user who saw "login failed" has no session from this attempt.
      expect(sessions, `login ${r.id}`).toEqual([])
      expect(EXPECTED_PROBLEMS, `login ${r.id}: ${r.problem?.code}`).toContain(r.problem?.code)
    } else {
      // I3: the one session was created after this login consumed a transaction.
      expect(sessions, `login ${r.id}`).toHaveLength(1)
      const [session] = sessions
      expect(
        consumed.some((tx) => tx.at < (session?.at ?? -1)),
        `login ${r.id}`,
      ).toBe(true)
      // ... and is live in the store.
      expect(await recorded.store.get(session?.key ?? '')).toBeDefined()
    }
  }
  // I4: no code was redeemed twice, and none beyond those that reached the app. (A code WeChat
  // answered "busy" for twice was never processed, so it counts for neither.)
  const usage = emu.codeUsage()
  expect(usage.repeats).toBe(0)
  expect(usage.codes).toBe(usage.exchanges)
  expect(usage.exchanges).toBeLessThanOrEqual(results.reduce((n, r) => n + r.codesDelivered, 0))
  // The counts add up.
  const summary = summarize(results)
  expect(summary.completed + summary.restarted + summary.failed).toBe(summary.attempted)
  expect(Object.values(summary.problems).reduce((a, b) => a + b, 0)).toBe(summary.failed)
  return summary
}

function report(name: string, summary: ReturnType<typeof summarize>) {
  const chaos = emu.chaosReport()
  console.log(
    `[faults] ${name}: ${JSON.stringify(summary)} injected ${chaos.injected}/${chaos.calls} ` +
      `${JSON.stringify(chaos.byKind)} exchanges ${JSON.stringify(emu.codeUsage())}`,
  )
}

describe(`logins under chaos at ${RATE * 100} %`, () => {
  it('in-process: 300 logins, every fault kind, 20 at a time', async () => {
    const auth = setup()
    emu.chaos({
      rate: RATE,
      seed: 20240701,
      endpoints: ENDPOINTS,
      timeoutDelay: TIMEOUT_DELAY,
    })
    const results = await logins(auth, 300, 20)
    emu.chaos(null)
    const summary = await checkInvariants(results)
    report('in-process', summary)
    const chaos = emu.chaosReport()
    for (const kind of chaosFaultKinds) {
      for (const endpoint of ENDPOINTS) {
        expect(chaos.byEndpoint[endpoint]?.[kind], `${kind} on ${endpoint}`).toBeGreaterThan(0)
      }
    }
    // At this rate, most logins complete and each outcome occurs.
    expect(summary.completed).toBeGreaterThan(summary.attempted / 2)
    expect(summary.restarted).toBeGreaterThan(0)
    expect(summary.failed).toBeGreaterThan(0)
  })

  it('over a socket, the default transport (undici pool): 120 logins, every fault kind', async () => {
    const { url } = await emu.listen({ port: 0 })
    const auth = setup({ apiBaseUrl: url, fetch: undefined })
    emu.chaos({ rate: RATE, seed: 7, endpoints: ENDPOINTS, timeoutDelay: TIMEOUT_DELAY })
    const results = await logins(auth, 120, 20)
    emu.chaos(null)
    const summary = await checkInvariants(results)
    report('socket, undici pool', summary)
    for (const kind of chaosFaultKinds) {
      expect(emu.chaosReport().byKind[kind], kind).toBeGreaterThan(0)
    }
    expect(summary.completed).toBeGreaterThan(summary.attempted / 2)
  })

  it('over a socket, the platform fetch: 120 logins, every fault kind', async () => {
    const { url } = await emu.listen({ port: 0 })
    const auth = setup({ apiBaseUrl: url, fetch: globalThis.fetch })
    emu.chaos({ rate: RATE, seed: 11, endpoints: ENDPOINTS, timeoutDelay: TIMEOUT_DELAY })
    const results = await logins(auth, 120, 20)
    emu.chaos(null)
    const summary = await checkInvariants(results)
    report('socket, fetch', summary)
    for (const kind of chaosFaultKinds) {
      expect(emu.chaosReport().byKind[kind], kind).toBeGreaterThan(0)
    }
    expect(summary.completed).toBeGreaterThan(summary.attempted / 2)
  })
})

/**
 * TST-01's proof that the harness works: each fault kind alone, on every call of one endpoint
 * (rate 1), gives the typed outcome of WX-01 / REL-03 / REL-04.
 */
describe('each fault kind alone (rate 1 on one endpoint)', () => {
  async function alone(kind: ChaosFaultKind, endpoint: EndpointName, auth = setup()) {
    emu.chaos({
      rate: 1,
      seed: 1,
      endpoints: [endpoint],
      faults: [kind],
      timeoutDelay: TIMEOUT_DELAY,
    })
    const [result] = await logins(auth, 1, 1)
    emu.chaos(null)
    await checkInvariants([result as LoginResult])
    return result as LoginResult
  }

  // Every failed exchange may have spent the code (REL-04), so none is retried: the flow restarts
  // the login once, and the second failure ends on "login didn't complete" — one exchange per code.
  const exchangeFails: ChaosFaultKind[] = ['serverError', 'timeout', 'drop', 'truncate', 'nonJson']
  it.each(exchangeFails)(
    '%s on the code exchange: one restart, then code_invalid; never a second exchange',
    async (kind) => {
      const result = await alone(kind, 'sns/oauth2/access_token')
      expect(result).toMatchObject({
        outcome: 'failed',
        restarts: 1,
        problem: { code: 'code_invalid', status: 400 },
      })
      expect(emu.codeUsage()).toEqual({ exchanges: 2, codes: 2, repeats: 0 })
      expect(emu.count('sns/userinfo')).toBe(0)
    },
  )

  it('systemBusy on the code exchange: WeChat did not process it, so it is tried once more per code, then the login restarts once', async () => {
    const result = await alone('systemBusy', 'sns/oauth2/access_token')
    expect(result).toMatchObject({
      outcome: 'failed',
      restarts: 1,
      problem: { code: 'code_invalid', status: 400 },
    })
    // Two codes, each presented twice, never processed: no code was redeemed at all.
    expect(emu.count('sns/oauth2/access_token')).toBe(4)
    expect(emu.codeUsage()).toEqual({ exchanges: 0, codes: 0, repeats: 0 })
  })

  it('errcode -1 once on the code exchange: the retry redeems the code and the login completes', async () => {
    emu.fail('sns/oauth2/access_token', { errcode: -1 })
    const [result] = await logins(setup(), 1, 1)
    expect(result?.outcome).toBe('completed')
    expect(emu.count('sns/oauth2/access_token')).toBe(2)
    expect(emu.codeUsage()).toEqual({ exchanges: 1, codes: 1, repeats: 0 })
  })

  it('textPlain on the code exchange: parsed whatever the Content-Type; the login completes', async () => {
    const result = await alone('textPlain', 'sns/oauth2/access_token')
    expect(result.outcome).toBe('completed')
    expect(emu.codeUsage()).toEqual({ exchanges: 1, codes: 1, repeats: 0 })
  })

  // userinfo is idempotent: transient failures are retried twice (3 attempts). The code exchange
  // already proved who the user is and spent the code, so the login completes without the profile.
  it.each([
    ['serverError', 3],
    ['timeout', 3],
    ['drop', 3],
    ['nonJson', 3],
    ['truncate', 3],
  ] as const)(
    '%s on userinfo: %i attempt(s), then the login completes without the profile',
    async (kind, attempts) => {
      const result = await alone(kind, 'sns/userinfo')
      expect(result.outcome).toBe('completed')
      expect(result.session?.identity.openid).toBe(emu.openid(APP.appId, 'zhangsan'))
      expect(result.session?.identity.profile).toBeUndefined()
      expect(emu.count('sns/userinfo')).toBe(attempts)
      expect(emu.codeUsage()).toEqual({ exchanges: 1, codes: 1, repeats: 0 })
    },
  )

  it('systemBusy on userinfo: 3 attempts, then the login completes without the profile', async () => {
    // A WeChat errcode on userinfo costs the profile, not the login.
    const result = await alone('systemBusy', 'sns/userinfo')
    expect(result.outcome).toBe('completed')
    expect(emu.count('sns/userinfo')).toBe(3)
    expect(result.session?.identity.openid).toBe(emu.openid(APP.appId, 'zhangsan'))
    expect(result.session?.identity.profile).toBeUndefined()
  })

  it('errcode -1 on userinfo twice, then an answer: retried, and the login completes with the profile', async () => {
    emu.fail('sns/userinfo', { errcode: -1 }, 2)
    const [result] = await logins(setup(), 1, 1)
    expect(result?.outcome).toBe('completed')
    expect(emu.count('sns/userinfo')).toBe(3)
    expect(result?.session?.identity.profile?.nickname).toBe('张三')
  })

  it('textPlain on userinfo: the login completes with the profile', async () => {
    const result = await alone('textPlain', 'sns/userinfo')
    expect(result.outcome).toBe('completed')
    expect(emu.count('sns/userinfo')).toBe(1)
  })

  // Over a socket, a drop is a destroyed connection and the default transport is undici's
  // request(), which must not resend the GET by itself.
  it.each([
    ['drop', 'sns/oauth2/access_token'],
    ['truncate', 'sns/oauth2/access_token'],
    ['drop', 'sns/userinfo'],
  ] as const)('over a socket, %s on %s: the same outcome as in-process', async (kind, endpoint) => {
    const { url } = await emu.listen({ port: 0 })
    const result = await alone(kind, endpoint, setup({ apiBaseUrl: url, fetch: undefined }))
    if (endpoint === 'sns/userinfo') {
      expect(result.outcome).toBe('completed')
      expect(result.session?.identity.profile).toBeUndefined()
      expect(emu.count('sns/userinfo')).toBe(3)
      expect(emu.codeUsage()).toEqual({ exchanges: 1, codes: 1, repeats: 0 })
    } else {
      expect(result.outcome).toBe('failed')
      expect(result).toMatchObject({ restarts: 1, problem: { code: 'code_invalid' } })
      expect(emu.codeUsage()).toEqual({ exchanges: 2, codes: 2, repeats: 0 })
    }
  })
})

describe('time budget (REL-01)', () => {
  it('regression (the callback had no overall budget): a WeChat that never answers userinfo holds the callback no longer than wechat.budget', async () => {
    // The client's own timeout this time (no deadline fetch): 200 ms per attempt, 2 retries, but
    // 300 ms in all for the callback, so the third attempt never starts.
    const auth = setup({ fetch: emu.fetch, wechat: { timeout: 200, budget: 300 } })
    emu.chaos({
      rate: 1,
      seed: 1,
      endpoints: ['sns/userinfo'],
      faults: ['timeout'],
      timeoutDelay: 60_000,
    })
    const lock = { tail: Promise.resolve() as Promise<unknown> }
    const result = await runLogin({
      id: 0,
      auth,
      emulator: asUser(emu, 'zhangsan', lock),
      origin: ORIGIN,
      openid: emu.openid(APP.appId, 'zhangsan'),
      budget: 5_000,
    })
    // The code was spent and proved the user: the login completes, without the profile.
    expect(result.outcome).toBe('completed')
    expect(result.session?.identity.profile).toBeUndefined()
    expect(emu.count('sns/userinfo')).toBeLessThanOrEqual(2)
  })
})
