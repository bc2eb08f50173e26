/**
 * Helpers for the fault-injection suite: a store that records which login did what, a fetch with
 * a short per-call deadline, and one complete login through a test browser, classified.
 */
import { AsyncLocalStorage } from 'node:async_hooks'
import type { Emulator } from '../../src/emulator/index.js'
import type { WxAuth } from '../../src/flow/index.js'
import { PROBLEMS } from '../../src/flow/pages/index.js'
import type { Store } from '../../src/stores/store.js'
import { type Hop, TestBrowser, WECHAT_UA } from '../helpers/user-agent.js'

/** Which login (by number) the code running now belongs to. */
export const currentLogin = new AsyncLocalStorage<number>()

/** A write to the store, attributed to the login it happened in. */
export interface StoreEvent {
  /** The login's number; undefined for work outside any login. */
  login: number | undefined
  op: 'set' | 'consume' | 'delete'
  key: string
  /** For `consume`: whether it returned a value (the caller got the record). */
  hit?: boolean
}

/**
 * A {@link Store} that passes everything to `inner` and records each write and consume, with the
 * login it belongs to. A real store behind the public `store` option: nothing is mocked.
 */
export function recordingStore(inner: Store): { store: Store; events: StoreEvent[] } {
  const events: StoreEvent[] = []
  const note = (op: StoreEvent['op'], key: string, hit?: boolean) => {
    const event: StoreEvent = { login: currentLogin.getStore(), op, key }
    if (hit !== undefined) event.hit = hit
    events.push(event)
  }
  const store: Store = {
    async set(key, value, ttl) {
      await inner.set(key, value, ttl)
      note('set', key)
    },
    async admit(key, value, ttl, limit) {
      const admitted = await inner.admit(key, value, ttl, limit)
      if (admitted) note('set', key)
      return admitted
    },
    async add(key, value, ttl) {
      const added = await inner.add(key, value, ttl)
      if (added) note('set', key)
      return added
    },
    async swap(key, expected, value, ttl) {
      const swapped = await inner.swap(key, expected, value, ttl)
      if (swapped) note('set', key)
      return swapped
    },
    get: (key) => inner.get(key),
    async consume(key) {
      const value = await inner.consume(key)
      note('consume', key, value !== undefined)
      return value
    },
    async delete(key) {
      await inner.delete(key)
      note('delete', key)
    },
    lock: (key, ttl) => inner.lock(key, ttl),
  }
  return { store, events }
}

/** What `/auth/wechat/session` answers, as far as these tests read it. */
export interface SessionJson {
  identity: { openid: string; profile?: { nickname: string } }
}

/** How one login ended. */
export interface LoginResult {
  /** Its number, as recorded by the store. */
  id: number
  /**
   * `completed`: a session at the first try; `restarted`: a session after the flow restarted the
   * login by itself (a 303 back to the login route); `failed`: ended on a problem page.
   */
  outcome: 'completed' | 'restarted' | 'failed'
  /** Automatic restarts the browser followed. */
  restarts: number
  /** Callbacks that carried a code to the app (each should be exactly one exchange). */
  codesDelivered: number
  /** For a session: what `/auth/wechat/session` answered. */
  session?: SessionJson
  /** For `failed`: the problem code on the page, and the status. */
  problem?: { code: string; status: number }
  /** Every request of the login, in order. */
  hops: Hop[]
}

/** The outcome code printed on a problem page (`<code>…</code>` in its reference line). */
export function problemCodeOf(html: string): string | undefined {
  return /<p class="ref">[^<]*<code>([a-z_]+)<\/code><\/p>/.exec(html)?.[1]
}

/** The app: wxauth's routes, plus a page that shows who is logged in. */
export function appOf(auth: WxAuth) {
  return async (request: Request): Promise<Response> => {
    const handled = await auth.handle(request)
    if (handled) return handled
    const session = await auth.getSession(request)
    return new Response(session ? `hello ${session.identity.openid}` : 'anonymous', { status: 200 })
  }
}

/**
 * The emulator as one user's browser sees it: every request goes out with auto-approve set to
 * `user`, one at a time across all views of `emulator` (`lock`), so that concurrent logins by
 * different users each get their own user's code.
 */
export function asUser(
  emulator: Emulator,
  user: string,
  lock: { tail: Promise<unknown> },
): Emulator {
  const fetch = (input: string | URL | Request, init?: RequestInit) => {
    const turn = lock.tail.then(() => {
      emulator.autoApprove(user)
      return emulator.fetch(input, init)
    })
    lock.tail = turn.catch(() => undefined)
    return turn
  }
  return Object.assign(Object.create(emulator) as Emulator, { fetch })
}

/** Thrown when a login does not end within its budget. */
export class LoginHung extends Error {}

/**
 * One complete login, inside WeChat, by a new browser: login → authorize (auto-approved) →
 * callback → the return page, following every redirect the flow sends (its automatic restarts
 * included) but never a "try again" link on a problem page. Then reads `/auth/wechat/session`.
 * Rejects with {@link LoginHung} when it takes longer than `budget` ms.
 *
 * Checks that do not depend on the outcome are made here and thrown as errors: a session page must
 * name `openid`; a problem page must be HTML with a known code and that code's status; no 5xx from
 * the app without a page; a failed login has no session.
 */
export async function runLogin(opts: {
  id: number
  auth: WxAuth
  /** The emulator as seen by this login's browser (see {@link asUser}). */
  emulator: Emulator
  origin: string
  /** The openid the session must have. */
  openid: string
  budget: number
}): Promise<LoginResult> {
  const { id, auth, emulator, origin, openid, budget } = opts
  const browser = new TestBrowser(appOf(auth), origin, emulator, WECHAT_UA)
  const login = currentLogin.run(id, async (): Promise<LoginResult> => {
    const final = await browser.navigate('/auth/wechat/login?returnTo=/orders')
    const body = await final.text()
    const hops = browser.hops
    const callbacks = hops.filter((h) => h.url.startsWith(`${origin}/auth/wechat/callback?`))
    const restarts = callbacks.filter(
      (h) => h.status === 303 && h.location?.startsWith('/auth/wechat/login') === true,
    ).length
    const codesDelivered = callbacks.filter((h) => new URL(h.url).searchParams.has('code')).length
    for (const hop of hops) {
      if (hop.url.startsWith(origin) && hop.status >= 500 && !problemCodeOf(hop.body)) {
        throw new Error(
          `login ${id}: ${hop.status} without a page from ${new URL(hop.url).pathname}`,
        )
      }
    }
    const sessionResponse = await browser.request('/auth/wechat/session')
    if (final.status === 200 && body === `hello ${openid}`) {
      const session = (await sessionResponse.json()) as SessionJson
      if (sessionResponse.status !== 200 || session.identity?.openid !== openid) {
        throw new Error(`login ${id}: the return page showed a session that /session does not`)
      }
      const outcome = restarts === 0 ? 'completed' : 'restarted'
      return { id, outcome, restarts, codesDelivered, session, hops }
    }
    const code = problemCodeOf(body)
    const contentType = final.headers.get('content-type') ?? ''
    if (!code || !contentType.startsWith('text/html')) {
      throw new Error(`login ${id}: ended on ${final.status} ${contentType} without a problem page`)
    }
    const expected = PROBLEMS[code as keyof typeof PROBLEMS]?.status
    if (final.status !== expected) {
      throw new Error(`login ${id}: problem ${code} answered ${final.status}, not ${expected}`)
    }
    if (sessionResponse.status !== 401) {
      throw new Error(`login ${id}: failed with ${code} but has a session`)
    }
    return {
      id,
      outcome: 'failed',
      restarts,
      codesDelivered,
      problem: { code, status: final.status },
      hops,
    }
  })
  let timer: NodeJS.Timeout | undefined
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new LoginHung(`login ${id} took over ${budget} ms`)), budget)
  })
  try {
    return await Promise.race([login, deadline])
  } finally {
    clearTimeout(timer)
  }
}

/** Runs logins 0 to `count - 1`, `concurrency` at a time (a new one starts as one ends). */
export async function runLogins(
  count: number,
  concurrency: number,
  one: (id: number) => Promise<LoginResult>,
): Promise<LoginResult[]> {
  const results: LoginResult[] = []
  let next = 0
  const worker = async () => {
    while (next < count) {
      const id = next++
      results[id] = await one(id)
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker))
  return results
}

/** Logins by outcome, and failures by problem code. */
export function summarize(results: readonly LoginResult[]) {
  const count = (outcome: LoginResult['outcome']) =>
    results.filter((r) => r.outcome === outcome).length
  const problems: Record<string, number> = {}
  for (const r of results) {
    if (r.problem) problems[r.problem.code] = (problems[r.problem.code] ?? 0) + 1
  }
  return {
    attempted: results.length,
    completed: count('completed'),
    restarted: count('restarted'),
    failed: count('failed'),
    problems,
  }
}
