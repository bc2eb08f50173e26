// The load of the load-and-chaos run, for a fixed time, through the site's two processes and the
// emulator: virtual browsers each logging in over and over (a new browser, i.e. a new cookie jar,
// for every login), and API clients: logged-in browsers of other users calling GET /app/token
// (auth.getAccessToken) again and again, so that refreshes race across both processes.
//
// Every login ends in exactly one class:
// - completed: a session for the right user at the first try;
// - restarted: the same, after the flow's automatic restart (a 303 back to the login route);
// - failed: a clear answer within the budget: a problem page (or JSON problem) with its code;
// - lost: anything else: no answer within the budget, a dropped connection, a 5xx or 4xx without a
//   problem page, an unexpected redirect, a session of another user, or "logged in" (the callback's
//   303 home with a session cookie) without a live session when checked right after.
// A 401 from the session check right after the callback is a failure, not a loss, only when Redis
// lost its data in between (the session existed, and went with everything else).
import { Agent } from 'undici'
import { percentiles } from '../bench/lib/stats.mjs'
import { WECHAT_UA } from '../bench/logins/generator.mjs'
import { Browser, seeded } from './browser.mjs'
import { SESSION_COOKIE } from './config.mjs'

const LOGIN_PATH = '/auth/wechat/login'
const CALLBACK_PATH = '/auth/wechat/callback'
const SESSION_PATH = '/auth/wechat/session'
const TOKEN_PATH = '/app/token'
const EMULATOR_USER_COOKIE = 'wxemu_user'
const MAX_STEPS = 8
const PROBLEM_IN_PAGE = /<code>([a-z_]+)<\/code>/

/** The problem code of an error answer (page or JSON), or undefined when it has none. */
function problemCode(answer) {
  if (answer.status < 400) return undefined
  const page = PROBLEM_IN_PAGE.exec(answer.text)
  if (page) return page[1]
  try {
    const error = JSON.parse(answer.text)?.error
    return typeof error === 'string' && /^[a-z_]+$/.test(error) ? error : undefined
  } catch {
    return undefined
  }
}

/** The pending request id of the emulator's consent page, if `answer` is one. */
function consentRequest(answer) {
  if (answer.status !== 200) return undefined
  return /name="request" value="([^"]+)"/.exec(answer.text)?.[1]
}

/** Why a request threw, in a few words. */
function failureOf(error) {
  const code = error?.code ?? error?.cause?.code
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
    return 'no answer within the budget'
  }
  return `connection failed (${code ?? error?.message ?? error})`
}

/**
 * Runs the load and classifies every login.
 * @param {{ site: string, backends: string[], emulator: string,
 *   users: { id: string, unionid: string }[], apiUsers: { id: string, unionid: string }[],
 *   concurrency: number, apiClients: { perUser: number, pauseMs: number }, durationMs: number,
 *   budgetMs: number, retryPauseMs: number,
 *   redis: { downAt?: number, upAt?: number },
 *   log: (...args: unknown[]) => void }} options
 *   `redis`: when the one restart happened (wall ms), filled in by the run as it goes.
 */
export async function runLoad({
  site,
  backends,
  emulator,
  users,
  apiUsers,
  concurrency,
  apiClients,
  durationMs,
  budgetMs,
  retryPauseMs,
  redis,
  log,
}) {
  const siteUrl = new URL(site)
  const home = `${siteUrl.origin}/`
  const emulatorOrigin = new URL(emulator).origin
  // One connection pool for all browsers, like many phones behind one NAT; jars stay separate.
  const agent = new Agent({
    connections: concurrency * 2,
    keepAliveTimeout: 30_000,
    headersTimeout: budgetMs,
    bodyTimeout: budgetMs,
  })
  /** @type {object[]} */
  const logins = []
  const tokens = { calls: 0, ok: 0, failed: {}, lost: {} }
  const startedAt = Date.now()
  const deadline = performance.now() + durationMs

  const bump = (map, key) => {
    map[key] = (map[key] ?? 0) + 1
  }

  /** One login of `user` in a new browser; resolves its record. */
  async function login(browser, user) {
    const t0 = performance.now()
    const rec = { user: user.id, start: Date.now(), restarts: 0, states: [], outcome: 'lost' }
    const lost = (reason) => Object.assign(rec, { outcome: 'lost', reason })
    const failed = (code, where) => Object.assign(rec, { outcome: 'failed', code, where })
    /** An answer that ends the login short of a session: a problem page, or lost. */
    const ended = (answer, where) => {
      const code = problemCode(answer)
      if (code === undefined) return lost(`${where}: HTTP ${answer.status} without a problem page`)
      if (where === 'callback' && browser.cookie(siteUrl.origin, SESSION_COOKIE)) {
        // I7: a login that ends on an error page must not have handed out a session.
        return lost(`callback: ${code} with a session cookie`)
      }
      return failed(code, where)
    }
    try {
      let url = new URL(LOGIN_PATH, siteUrl)
      let loggedIn
      for (let step = 0; step < MAX_STEPS && !loggedIn; step++) {
        const start = await browser.request(url)
        if (start.status !== 302 || !start.location) return ended(start, 'login')
        const authorize = new URL(start.location, url)
        if (authorize.origin !== emulatorOrigin)
          return lost(`login sent the browser to ${authorize}`)
        let approval = await browser.request(authorize)
        const request = consentRequest(approval)
        if (request) {
          approval = await browser.request(new URL('/__emulator/consent', emulatorOrigin), {
            method: 'POST',
            form: { request, user: user.id, decision: 'allow' },
          })
        }
        if (approval.status !== 302 || !approval.location) {
          return lost(`WeChat's authorize page answered HTTP ${approval.status}`)
        }
        const callback = new URL(approval.location, authorize)
        if (callback.origin !== siteUrl.origin || callback.pathname !== CALLBACK_PATH) {
          return lost(`WeChat sent the browser to ${callback.origin}${callback.pathname}`)
        }
        rec.states.push(callback.searchParams.get('state'))
        rec.callbackSentAt = Date.now()
        const answer = await browser.request(callback)
        if (answer.status !== 303 || !answer.location) return ended(answer, 'callback')
        const next = new URL(answer.location, callback)
        if (next.href === home) {
          loggedIn = answer
        } else if (next.origin === siteUrl.origin && next.pathname === LOGIN_PATH) {
          rec.restarts++
          url = next
        } else {
          return lost(`the callback redirected to ${next.pathname}`)
        }
        if (performance.now() - t0 > budgetMs) return lost('no end within the budget')
      }
      if (!loggedIn) return lost(`more than ${MAX_STEPS} restarts`)
      rec.loggedInAt = Date.now()
      rec.backend = loggedIn.backend
      // Kept (in memory only) for the invariant scan, which asks whether this session is live.
      rec.cookie = browser.cookie(siteUrl.origin, SESSION_COOKIE)
      if (!rec.cookie) return lost('"logged in" without a session cookie')
      const check = await browser.request(new URL(SESSION_PATH, siteUrl), {
        accept: 'application/json',
      })
      if (performance.now() - t0 > budgetMs) return lost('no end within the budget')
      if (check.status === 200) {
        const session = JSON.parse(check.text)
        if (session?.identity?.subject !== user.unionid) return lost('a session of another user')
        rec.subject = session.identity.subject
        rec.userId = session.user?.id
        rec.outcome = rec.restarts > 0 ? 'restarted' : 'completed'
        rec.ms = performance.now() - t0
        return rec
      }
      const code = problemCode(check)
      if (code === 'store_unavailable') return failed(code, 'session check')
      // Redis lost its data after the callback wrote the session (the callback was sent before
      // Redis was killed, and checked after): the session went with every other key.
      const wiped = redis.downAt !== undefined && rec.callbackSentAt < redis.downAt
      if (code === 'unauthenticated' && wiped) return failed(code, 'session check')
      return lost(`"logged in", then the session check answered HTTP ${check.status}`)
    } catch (error) {
      return lost(failureOf(error))
    }
  }

  /**
   * GET /app/token through the site: a token (refreshed if need be) or a clear error. Resolves
   * 'token', 'no session' (log in again) or 'error'.
   */
  async function token(browser) {
    tokens.calls++
    try {
      const answer = await browser.request(new URL(TOKEN_PATH, siteUrl), {
        accept: 'application/json',
      })
      if (answer.status === 200) {
        tokens.ok++
        return 'token'
      }
      const code = problemCode(answer)
      if (code) bump(tokens.failed, code)
      else bump(tokens.lost, `HTTP ${answer.status} without a problem code`)
      return code === 'unauthenticated' || code === 'no_tokens' || code === 'reauthorize'
        ? 'no session'
        : 'error'
    } catch (error) {
      bump(tokens.lost, failureOf(error))
      return 'error'
    }
  }

  const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

  /** A new browser (cookie jar) as `user` in WeChat, logged in through the flow; resolves it or undefined. */
  async function loggedIn(user, random) {
    const browser = new Browser({ agent, site, backends, random, userAgent: WECHAT_UA })
    // Which WeChat user this phone is logged in to, as the emulator's authorize page reads it.
    browser.setCookie(emulatorOrigin, EMULATOR_USER_COOKIE, user.id)
    const rec = await login(browser, user)
    rec.end = Date.now()
    logins.push(rec)
    if (rec.outcome === 'completed' || rec.outcome === 'restarted') return browser
    // A person reads the error page before trying again.
    await pause(retryPauseMs)
    return undefined
  }

  async function virtualBrowser(index) {
    const random = seeded(0x5eed + index)
    for (let n = 0; performance.now() < deadline; n++) {
      await loggedIn(
        /** @type {{ id: string, unionid: string }} */ (users[(index + n) % users.length]),
        random,
      )
    }
  }

  async function apiClient(user, index) {
    const random = seeded(0xa91 + index)
    while (performance.now() < deadline) {
      const browser = await loggedIn(user, random)
      while (browser && performance.now() < deadline) {
        const result = await token(browser)
        if (result === 'no session') break
        await pause(result === 'token' ? apiClients.pauseMs : retryPauseMs)
      }
    }
  }

  const progress = setInterval(() => {
    const done = logins.length
    const lostSoFar = logins.filter((r) => r.outcome === 'lost').length
    log(`${Math.round((Date.now() - startedAt) / 1000)} s: ${done} logins, ${lostSoFar} lost`)
  }, 10_000)
  try {
    await Promise.all([
      ...Array.from({ length: concurrency }, (_, i) => virtualBrowser(i)),
      ...apiUsers.flatMap((user, u) =>
        Array.from({ length: apiClients.perUser }, (_, k) => apiClient(user, u * 100 + k)),
      ),
    ])
  } finally {
    clearInterval(progress)
    await agent.close()
  }
  return { logins, tokens, startedAt, endedAt: Date.now() }
}

/**
 * The figures of a load: logins by class, failures by code, losses by reason, latency of the
 * logins that ended in a session, and logins per 5-second window (to see the outage).
 */
export function summarizeLoad({ logins, tokens, startedAt, endedAt }) {
  const by = { completed: 0, restarted: 0, failed: 0, lost: 0 }
  const failures = {}
  const losses = {}
  const windows = []
  const ms = []
  for (const rec of logins) {
    by[rec.outcome]++
    if (rec.outcome === 'failed') {
      const key = `${rec.code} (${rec.where})`
      failures[key] = (failures[key] ?? 0) + 1
    }
    if (rec.outcome === 'lost') losses[rec.reason] = (losses[rec.reason] ?? 0) + 1
    if (rec.ms !== undefined) ms.push(rec.ms)
    const w = Math.floor((rec.start - startedAt) / 5_000)
    windows[w] ??= { completed: 0, restarted: 0, failed: 0, lost: 0 }
    windows[w][rec.outcome]++
  }
  return {
    attempted: logins.length,
    ...by,
    failures,
    losses,
    latency: percentiles(ms),
    windows: Array.from(windows, (w) => w ?? { completed: 0, restarted: 0, failed: 0, lost: 0 }),
    tokens,
    seconds: (endedAt - startedAt) / 1000,
  }
}
