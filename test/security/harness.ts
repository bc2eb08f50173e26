/**
 * Shared setup of the hostile-input suites (issue 7, item 2): the flow with the emulator
 * in-process, a test clock shared by the flow and its store, the flow's real cookie names (read
 * from one real login, not assumed), and a count of every request that reached "WeChat".
 */

import { isProblemCode, type ProblemCode } from '../../src/flow/pages/index.js'
import { type MemoryStore, memoryStore } from '../../src/stores/memory.js'
import {
  createEmulator,
  defaultOfficialAccount,
  defaultWebsiteApp,
  type Emulator,
  endpointNames,
} from '../helpers/emulator.js'
import { TestBrowser, WECHAT_UA } from '../helpers/user-agent.js'
import { createWxAuth, type WxAuth, type WxAuthConfig } from '../helpers/wxauth.js'

export const ORIGIN = 'http://localhost:3000'
export const BASE = '/auth/wechat'
export const CALLBACK_URL = `${ORIGIN}${BASE}/callback`
export const SECRET = 'hostile-input-secret-0123456789abcdef01'
/** How long a login attempt lives (SEC-05); the flow's own constant is internal. */
export const TRANSACTION_TTL = 10 * 60_000
/** The same-browser replay window of a completed callback (WX-05 c). */
export const REPLAY_WINDOW = 60_000

export const official = {
  appId: defaultOfficialAccount.appId,
  appSecret: defaultOfficialAccount.secret,
}
export const website = { appId: defaultWebsiteApp.appId, appSecret: defaultWebsiteApp.secret }

export interface CookieNames {
  binding: string
  session: string
}

export interface Harness {
  emu: Emulator
  auth: WxAuth
  store: MemoryStore
  names: CookieNames
  /** The flow's and the store's clock, in ms. */
  now(): number
  /** Moves the flow's and the store's clock forward. */
  advance(ms: number): void
  /** The app: wxauth's routes, then a page naming the logged-in user (or "anonymous"). */
  app(request: Request): Promise<Response>
  browser(userAgent?: string): TestBrowser
  /**
   * Requests that reached the emulator so far: per-endpoint counts summed, and the id of the
   * newest request-log entry (the log numbers every request it sees, also unknown paths).
   */
  upstream(): { calls: number; logged: number }
}

/**
 * A flow over a fresh emulator (auto-approving `zhangsan`) and a memory store on the test clock.
 * One real login runs first, so the cookie names are the ones the flow actually sets.
 */
export async function createHarness(overrides: Partial<WxAuthConfig> = {}): Promise<Harness> {
  const emu = createEmulator()
  emu.autoApprove('zhangsan', { keep: true })
  let clock = Date.now()
  const now = () => clock
  const store = memoryStore({ now })
  const auth = createWxAuth({
    apps: { official, website },
    baseUrl: ORIGIN,
    secrets: [SECRET],
    fetch: emu.fetch,
    store,
    now,
    ...overrides,
  })
  const app = async (request: Request): Promise<Response> => {
    const handled = await auth.handle(request)
    if (handled) return handled
    const session = await auth.getSession(request)
    return new Response(session ? `hello ${session.identity.openid}` : 'anonymous')
  }
  const browser = (userAgent = WECHAT_UA) => new TestBrowser(app, ORIGIN, emu, userAgent)

  const first = browser()
  await first.navigate(`${BASE}/login`)
  const binding = cookieNameOf(first.hops[0]?.setCookies ?? [])
  const callback = first.hops.find((h) => h.url.startsWith(CALLBACK_URL))
  const session = cookieNameOf(callback?.setCookies ?? [], binding)
  if (!binding || !session || binding === session) {
    throw new Error('the first real login did not set a binding and a session cookie')
  }
  return {
    emu,
    auth,
    store,
    names: { binding, session },
    now,
    advance: (ms) => {
      clock += ms
    },
    app,
    browser,
    upstream: () => ({
      calls: endpointNames.reduce((sum, name) => sum + emu.count(name), 0),
      logged: emu.requests.at(-1)?.id ?? 0,
    }),
  }
}

/** The name of the one cookie these headers set (not clear), other than `except`. */
function cookieNameOf(setCookies: string[], except?: string): string | undefined {
  const set = setCookies.map(parseSetCookie).filter((c) => !c.clears && c.name !== except)
  return set.length === 1 ? set[0]?.name : undefined
}

/** One parsed `Set-Cookie`: name, value, and whether it deletes the cookie. */
export function parseSetCookie(header: string): { name: string; value: string; clears: boolean } {
  const [pair = '', ...attributes] = header.split(';')
  const eq = pair.indexOf('=')
  const name = (eq === -1 ? pair : pair.slice(0, eq)).trim()
  const value = eq === -1 ? '' : pair.slice(eq + 1).trim()
  const clears =
    value === '' ||
    attributes.some((a) => /^\s*max-age\s*=\s*0\s*$/i.test(a)) ||
    attributes.some((a) => /^\s*expires\s*=.*1970/i.test(a))
  return { name, value, clears }
}

/** Whether a response sets (rather than clears) a cookie called `name`. */
export function setsCookie(response: Response, name: string): boolean {
  return response.headers
    .getSetCookie()
    .map(parseSetCookie)
    .some((c) => c.name.toLowerCase() === name.toLowerCase() && !c.clears)
}

/** The value a response sets for cookie `name`, if it sets one. */
export function cookieSet(response: Response, name: string): string | undefined {
  return response.headers
    .getSetCookie()
    .map(parseSetCookie)
    .find((c) => c.name === name && !c.clears)?.value
}

/** The problem code of a flow error page (`<code>…</code>`) or JSON answer (`error`). */
export async function problemOf(response: Response): Promise<ProblemCode | undefined> {
  const text = await response.clone().text()
  const type = response.headers.get('content-type') ?? ''
  let code: unknown
  if (type.startsWith('application/json')) {
    try {
      code = (JSON.parse(text) as { error?: unknown }).error
    } catch {
      return undefined
    }
  } else {
    code = /<code>([a-z_]+)<\/code>/.exec(text)?.[1]
  }
  return isProblemCode(code) ? code : undefined
}

/** `ORIGIN + path`, with a cookie header and user agent, as a request the flow's handler takes. */
export function requestTo(
  target: string,
  init: { method?: string; cookie?: string; userAgent?: string; headers?: HeadersInit } = {},
): Request {
  const headers = new Headers(init.headers)
  if (init.userAgent !== undefined) headers.set('user-agent', init.userAgent)
  else if (!headers.has('user-agent')) headers.set('user-agent', WECHAT_UA)
  if (init.cookie !== undefined && init.cookie !== '') headers.set('cookie', init.cookie)
  const url = target.startsWith('http') ? target : `${ORIGIN}${target}`
  return new Request(url, { method: init.method ?? 'GET', headers, redirect: 'manual' })
}

/**
 * A started login that never went to WeChat: its state (from the authorize URL), its binding
 * cookie, and a real code for it from the emulator (as if the user had approved), so that a flow
 * wrongly redeeming it would really log someone in.
 */
export interface PendingLogin {
  state: string
  binding: string
  code: string
  callbackUrl: string
  location: string
}

export async function startLogin(
  h: Harness,
  init: { cookie?: string; userAgent?: string; query?: string; user?: string } = {},
): Promise<PendingLogin> {
  const response = await h.auth.handle(
    requestTo(`${BASE}/login${init.query ? `?${init.query}` : ''}`, init),
  )
  if (response?.status !== 302) {
    throw new Error(`login did not redirect to WeChat (${response?.status})`)
  }
  const location = response.headers.get('location') ?? ''
  const authorize = new URL(location)
  const state = authorize.searchParams.get('state') ?? ''
  const binding = cookieSet(response, h.names.binding) ?? ''
  const appId = authorize.searchParams.get('appid') ?? ''
  const code = h.emu.issueCode({ appId, user: init.user ?? 'zhangsan' })
  return {
    state,
    binding,
    code,
    location,
    callbackUrl: `${CALLBACK_URL}?code=${encodeURIComponent(code)}&state=${state}`,
  }
}

/** fast-check run settings: a fixed seed (printed on failure with the counterexample). */
export function runs(numRuns: number, seed: number) {
  return { numRuns, seed } as const
}

/**
 * Whether `value` holds a character a browser strips, ignores or reads as "/" in a URL: ASCII
 * control characters, space, DEL, or a backslash.
 */
export function hasUnsafeUrlChar(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i)
    if (c <= 0x20 || c === 0x7f || c === 0x5c) return true
  }
  return false
}
