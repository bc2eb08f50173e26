/**
 * One whole login through an adapter against the real core and the in-process emulator, as a
 * browser inside WeChat does it: login → WeChat's authorize (auto-approved) → callback → session
 * cookie → the session route and the framework's idiom → logout.
 */
import { expect } from 'vitest'
import type { Session, WxAuth } from '../../src/flow/types.js'
import { captureResponse } from '../helpers/capture.js'
import {
  createEmulator,
  defaultOfficialAccount,
  defaultWebsiteApp,
  type Emulator,
} from '../helpers/emulator.js'
import { createWxAuth } from '../helpers/wxauth.js'

export const wechatUserAgent =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.50(0x1800323c) NetType/WIFI Language/zh_CN'

export const desktopUserAgent =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36'

type Scope = 'snsapi_userinfo' | 'snsapi_base'

/** Two real cores (one per official-account scope) over one emulator, and a WxAuth that uses either. */
export interface Core {
  auth: WxAuth
  emu: Emulator
  use(scope: Scope): void
}

/** The core, wired to a fresh emulator, for an app whose public origin is `baseUrl`. */
export function coreFor(baseUrl: string): Core {
  const emu = createEmulator()
  emu.autoApprove('zhangsan', { keep: true })
  const make = (scope: Scope) =>
    createWxAuth({
      apps: {
        official: { appId: defaultOfficialAccount.appId, appSecret: defaultOfficialAccount.secret },
        website: { appId: defaultWebsiteApp.appId, appSecret: defaultWebsiteApp.secret },
      },
      baseUrl,
      scope,
      secrets: ['x'.repeat(32)],
      fetch: emu.fetch,
      openBaseUrl: 'http://emulator.local',
    })
  const cores = { snsapi_userinfo: make('snsapi_userinfo'), snsapi_base: make('snsapi_base') }
  let current: WxAuth = cores.snsapi_userinfo
  // A real WxAuth that hands each call to the core of the scenario being run.
  const auth: WxAuth = {
    get baseUrl() {
      return current.baseUrl
    },
    get basePath() {
      return current.basePath
    },
    handle: (request) => current.handle(request),
    getSession: (request) => current.getSession(request),
    getAccessToken: (user) => current.getAccessToken(user),
  }
  return { auth, emu, use: (scope) => (current = cores[scope]) }
}

/** A browser's cookie jar: enough for one host. */
class Jar {
  readonly #cookies = new Map<string, string>()
  take(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';')
      const at = pair.indexOf('=')
      const name = pair.slice(0, at).trim()
      const gone = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a))
      if (gone) this.#cookies.delete(name)
      else this.#cookies.set(name, pair.slice(at + 1).trim())
    }
  }
  get header(): string {
    return [...this.#cookies].map(([name, value]) => `${name}=${value}`).join('; ')
  }
  has(name: string): boolean {
    return this.#cookies.has(name)
  }
}

export interface LoginApp {
  /** Sends a request to the app (no redirects followed). */
  request(path: string, init?: RequestInit): Promise<Response>
  /** The app's route that answers `{ wechat }`, its idiom's session. */
  appRoute: string
}

function pathOf(location: string, origin: string): string {
  const url = new URL(location, origin)
  expect(url.origin).toBe(origin)
  return `${url.pathname}${url.search}`
}

/** The complete logins every adapter must carry: both scopes inside WeChat, desktop QR, refusal. */
export async function logInAndOut(app: LoginApp, core: Core, origin: string): Promise<void> {
  const { emu } = core
  await scenario(app, emu, origin, {
    ua: wechatUserAgent,
    path: 'oauth2/authorize',
    appId: defaultOfficialAccount.appId,
    scope: 'snsapi_userinfo',
  })
  const userinfoCalls = emu.count('sns/userinfo')
  core.use('snsapi_base')
  await scenario(app, emu, origin, {
    ua: wechatUserAgent,
    path: 'oauth2/authorize',
    appId: defaultOfficialAccount.appId,
    scope: 'snsapi_base',
  })
  expect(emu.count('sns/userinfo')).toBe(userinfoCalls)
  core.use('snsapi_userinfo')
  await scenario(app, emu, origin, {
    ua: desktopUserAgent,
    path: 'qrconnect',
    appId: defaultWebsiteApp.appId,
    scope: 'snsapi_login',
  })
  emu.autoApprove('zhangsan', { decision: 'deny' })
  await refusal(app, emu, origin)
  emu.autoApprove('zhangsan', { keep: true })
}

interface Expected {
  ua: string
  path: string
  appId: string
  scope: string
}

function browserFor(app: LoginApp, ua: string) {
  const jar = new Jar()
  const browse = async (path: string, init: RequestInit = {}) => {
    const headers = new Headers(init.headers)
    headers.set('user-agent', ua)
    if (jar.header) headers.set('cookie', jar.header)
    const response = await app.request(path, { ...init, headers })
    jar.take(response)
    // The leak check: what the framework sends the browser carries no secret.
    await captureResponse('app response', `http://app${path}`, response, 'app')
    return response
  }
  return { jar, browse }
}

/** Logs in as zhangsan through `app`, checks every step, and logs out. */
async function scenario(
  app: LoginApp,
  emu: Emulator,
  origin: string,
  expected: Expected,
): Promise<void> {
  const { jar, browse } = browserFor(app, expected.ua)

  // 1. The app sends the user to WeChat, with a state bound to this browser.
  const login = await browse(`/auth/wechat/login?returnTo=${encodeURIComponent(app.appRoute)}`)
  expect(login.status).toBe(302)
  const authorize = login.headers.get('location') ?? ''
  expect(authorize.startsWith(`http://emulator.local/connect/${expected.path}?`)).toBe(true)
  expect(authorize.endsWith('#wechat_redirect')).toBe(true)
  expect(jar.has('wxauth_tx')).toBe(true)

  // 2. WeChat (the emulator, auto-approving) sends the user back with a code.
  const approved = await emu.fetch(authorize.replace(/#.*$/, ''), {
    headers: { 'user-agent': expected.ua },
    redirect: 'manual',
  })
  expect(approved.status).toBe(302)
  const callback = approved.headers.get('location') ?? ''
  expect(callback.startsWith(`${origin}/auth/wechat/callback?code=`)).toBe(true)

  // 3. The callback exchanges the code, sets the session cookie and returns to the app.
  const back = await browse(pathOf(callback, origin))
  expect(back.status).toBe(303)
  expect(back.headers.get('location')).toBe(`${origin}${app.appRoute}`)
  expect(jar.has('wxauth_session')).toBe(true)

  // 4. The session, as JSON and as the framework's idiom.
  const sessionResponse = await browse('/auth/wechat/session')
  expect(sessionResponse.status).toBe(200)
  const session = (await sessionResponse.json()) as Session
  expect(session.identity).toMatchObject({
    appId: expected.appId,
    openid: emu.openid(expected.appId, 'zhangsan'),
    scope: expected.scope,
  })
  expect(session.identity.profile !== undefined).toBe(expected.scope !== 'snsapi_base')
  const idiom = (await (await browse(app.appRoute)).json()) as { wechat: Session | null }
  expect(idiom.wechat).toEqual(session)

  // 5. Logout: refused cross-site, done same-origin.
  const crossSite = await browse('/auth/wechat/logout', {
    method: 'POST',
    headers: { origin: 'https://evil.example' },
  })
  expect(crossSite.status).toBe(403)
  const logout = await browse('/auth/wechat/logout', { method: 'POST', headers: { origin } })
  expect(logout.status).toBe(303)
  expect(jar.has('wxauth_session')).toBe(false)
  expect(((await (await browse(app.appRoute)).json()) as { wechat: unknown }).wechat).toBeNull()
  const after = await browse('/auth/wechat/session')
  expect(after.status).toBe(401)
}

/** The user refuses on WeChat's page: a clear page with a retry link, and no session. */
async function refusal(app: LoginApp, emu: Emulator, origin: string): Promise<void> {
  const { jar, browse } = browserFor(app, wechatUserAgent)
  const login = await browse(`/auth/wechat/login?returnTo=${encodeURIComponent(app.appRoute)}`)
  const denied = await emu.fetch((login.headers.get('location') ?? '').replace(/#.*$/, ''), {
    headers: { 'user-agent': wechatUserAgent },
    redirect: 'manual',
  })
  const callback = denied.headers.get('location') ?? ''
  expect(new URL(callback).searchParams.has('code')).toBe(false)
  const page = await browse(pathOf(callback, origin))
  expect(page.status).toBe(200)
  expect(page.headers.get('content-type')).toMatch(/text\/html/)
  expect(await page.text()).toContain(
    `/auth/wechat/login?returnTo=${encodeURIComponent(app.appRoute)}`,
  )
  expect(jar.has('wxauth_session')).toBe(false)
  expect((await browse('/auth/wechat/session')).status).toBe(401)
}
