/**
 * wxauth for Next.js (App Router): route handlers for a catch-all route, a middleware that sends
 * the signed-out to the login, and the session for server components, route handlers, server
 * actions and middleware. Each takes the `WxAuth` or, so that `next build` needs no secrets, a
 * function that makes it on first use. Runs on the Node.js and the Edge runtimes; imports nothing
 * from `next`.
 *
 * @example
 * ```ts
 * // lib/auth.ts
 * import { createWxAuth } from 'wxauth'
 *
 * export const getAuth = () =>
 *   createWxAuth({
 *     apps: { official: { appId: process.env.WECHAT_APP_ID!, appSecret: process.env.WECHAT_APP_SECRET! } },
 *     baseUrl: process.env.BASE_URL!,
 *     secrets: [process.env.WXAUTH_SECRET!],
 *   })
 *
 * // app/auth/wechat/[...wxauth]/route.ts
 * import { wxauthRouteHandlers } from 'wxauth/next'
 * import { getAuth } from '../../../../lib/auth'
 *
 * export const { GET, POST } = wxauthRouteHandlers(getAuth)
 * ```
 * @module wxauth/next
 */
import { pageLang, wantsJson } from '../../flow/pages/negotiate.js'
import { problemJson } from '../../flow/pages/problems.js'
import type { Session, WxAuth } from '../../flow/types.js'
import { detachSignal, isWxAuthPath, originOf } from '../shared.js'

/**
 * The `WxAuth`, or a function that makes it (or a promise of it). The function is called on the
 * first request that needs it, not when the module loads, so that `next build` runs without the
 * runtime configuration; its result is kept, and shared by every helper of `wxauth/next` given
 * the same function. A call that throws or rejects is tried again on the next request.
 */
export type WxAuthSource = WxAuth | (() => WxAuth | PromiseLike<WxAuth>)

const made = new WeakMap<() => WxAuth | PromiseLike<WxAuth>, Promise<WxAuth>>()

function checkSource(auth: WxAuthSource): void {
  if (typeof auth === 'function') return
  if (typeof auth !== 'object' || auth === null || typeof auth.handle !== 'function') {
    throw new TypeError('auth must be a WxAuth (from createWxAuth) or a function that returns one')
  }
}

function resolve(auth: WxAuthSource): WxAuth | Promise<WxAuth> {
  if (typeof auth !== 'function') return auth
  let pending = made.get(auth)
  if (pending === undefined) {
    const make = auth
    pending = (async () => {
      const resolved = await make()
      if (typeof resolved?.handle !== 'function' || typeof resolved.getSession !== 'function') {
        throw new TypeError('the auth function must return a WxAuth (from createWxAuth)')
      }
      return resolved
    })()
    made.set(make, pending)
    // A failed start (a missing variable, a store not reachable yet) is not kept.
    pending.catch(() => {
      if (made.get(make) === pending) made.delete(make)
    })
  }
  return pending
}

/** The route handlers of `app/<basePath>/[...wxauth]/route.ts`. */
export interface WxAuthRouteHandlers {
  GET(request: Request): Promise<Response>
  POST(request: Request): Promise<Response>
}

/**
 * Route handlers for a catch-all route at `auth.basePath`, e.g.
 * `app/auth/wechat/[...wxauth]/route.ts`, on the Node.js or the Edge runtime
 * (`export const runtime = 'edge'`). The request goes to wxauth as it came (its signal
 * detached, so that a login finishes even when the browser has gone); a path wxauth does not
 * serve is a 404.
 *
 * @param auth the `WxAuth`, or a function that makes it on the first request ({@link WxAuthSource}).
 * @example
 * ```ts
 * // app/auth/wechat/[...wxauth]/route.ts
 * import { wxauthRouteHandlers } from 'wxauth/next'
 * import { getAuth } from '../../../../lib/auth'
 *
 * export const runtime = 'edge' // or leave it out for Node.js
 * export const { GET, POST } = wxauthRouteHandlers(getAuth)
 * ```
 */
export function wxauthRouteHandlers(auth: WxAuthSource): WxAuthRouteHandlers {
  checkSource(auth)
  const handle = async (request: Request): Promise<Response> =>
    (await (await resolve(auth)).handle(detachSignal(request))) ??
    new Response('Not Found', { status: 404, headers: { 'content-type': 'text/plain' } })
  return { GET: handle, POST: handle }
}

/**
 * A path that needs a session: a string covers that path and every path below it (`'/account'`:
 * `/account`, `/account/orders`, not `/accounts`); a RegExp is tested against the pathname.
 */
export type ProtectedPath = string | RegExp

/** Options of {@link wxauthMiddleware}. */
export interface WxAuthMiddlewareOptions {
  /** The paths that need a session. wxauth's own routes (under `basePath`) never do. */
  protect: ProtectedPath | readonly ProtectedPath[]
}

/**
 * A Next.js middleware: resolves `undefined` to let the request through (Next then goes on), or
 * the `Response` that answers it.
 */
export type WxAuthMiddleware = (request: Request) => Promise<Response | undefined>

/**
 * A middleware for `middleware.ts` (the Edge runtime) or `proxy.ts` (Next.js 16, the Node.js
 * runtime) that keeps the signed-out out of the `protect`ed paths: a page request (`GET` or
 * `HEAD`) without a session is redirected (`307`) to `basePath/login?returnTo=<path>`, so that
 * the login brings the user back; any other request (`POST`, a `fetch` that asks for JSON) gets
 * `401` with `{ "error": "unauthenticated" }`, and `OPTIONS` (CORS preflights, which carry no
 * cookies) goes through. It only reads the session cookie; the login itself stays in the route
 * handlers. With `session: { revocable: true }`, it needs a store that the middleware's runtime
 * reaches.
 *
 * It resolves `undefined` to let a request through, so that it composes with `??`, and pages
 * read the session with {@link getWeChatSession} as usual.
 *
 * @param auth the `WxAuth`, or a function that makes it on the first protected request.
 * @throws {TypeError} when `protect` holds anything but paths (`'/…'`) and RegExps.
 * @example
 * ```ts
 * // middleware.ts
 * import { wxauthMiddleware } from 'wxauth/next'
 * import { getAuth } from './lib/auth'
 *
 * export default wxauthMiddleware(getAuth, { protect: ['/account'] })
 * // Run only where it is needed.
 * export const config = { matcher: ['/account/:path*'] }
 * ```
 * @example
 * ```ts
 * // middleware.ts, with middleware of the app's own
 * import { NextResponse, type NextRequest } from 'next/server'
 * import { wxauthMiddleware } from 'wxauth/next'
 * import { getAuth } from './lib/auth'
 *
 * const signedIn = wxauthMiddleware(getAuth, { protect: '/account' })
 * export default async function middleware(request: NextRequest) {
 *   return (await signedIn(request)) ?? NextResponse.next({ headers: { 'x-app': 'wxauth' } })
 * }
 * ```
 */
export function wxauthMiddleware(
  auth: WxAuthSource,
  options: WxAuthMiddlewareOptions,
): WxAuthMiddleware {
  checkSource(auth)
  const protects = protectedPaths(options?.protect)
  return async (request) => {
    if (request.method === 'OPTIONS') return undefined
    const url = new URL(request.url)
    if (!protects(url.pathname)) return undefined
    const resolved = await resolve(auth)
    if (isWxAuthPath(url.pathname, resolved.basePath)) return undefined
    if ((await resolved.getSession(request)) !== null) return undefined
    if ((request.method !== 'GET' && request.method !== 'HEAD') || wantsJson(request)) {
      return Response.json(problemJson('unauthenticated', pageLang(request)), {
        status: 401,
        headers: { 'cache-control': 'no-store' },
      })
    }
    const returnTo = encodeURIComponent(`${url.pathname}${url.search}`)
    const login = `${originOf(undefined, resolved)}${resolved.basePath}/login?returnTo=${returnTo}`
    return new Response(null, {
      status: 307,
      headers: { location: login, 'cache-control': 'no-store' },
    })
  }
}

function protectedPaths(protect: unknown): (pathname: string) => boolean {
  const list: unknown[] = Array.isArray(protect) ? protect : [protect]
  const tests = list.map((path): ((pathname: string) => boolean) => {
    if (path instanceof RegExp) {
      // Without the g and y flags, whose lastIndex would make a test depend on the one before.
      const re = new RegExp(path.source, path.flags.replace(/[gy]/g, ''))
      return (pathname) => re.test(pathname)
    }
    if (typeof path === 'string' && path.startsWith('/')) {
      const base = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path
      return base === '/'
        ? () => true
        : (pathname) => pathname === base || pathname.startsWith(`${base}/`)
    }
    throw new TypeError('protect must be a path ("/account"), a RegExp, or a list of them')
  })
  if (tests.length === 0) {
    throw new TypeError('protect must be a path ("/account"), a RegExp, or a list of them')
  }
  // Next routes `/%61ccount` and `//account` to /account: each is checked as written and as routed.
  return (pathname) => {
    const routed = routedPath(pathname)
    return tests.some((test) => test(pathname) || (routed !== pathname && test(routed)))
  }
}

function routedPath(pathname: string): string {
  let decoded = pathname
  try {
    decoded = decodeURIComponent(pathname)
  } catch {
    // Malformed escapes: Next does not route them either; the path as written is checked.
  }
  return decoded.replace(/\/{2,}/g, '/')
}

/** Request headers, like those of Next's `headers()`. */
export interface HeadersLike {
  get(name: string): string | null
}

/** Request cookies, like those of Next's `cookies()`. */
export interface CookiesLike {
  getAll(): Array<{ name: string; value: string }>
}

/** Where {@link getWeChatSession} finds the browser's cookies. */
export type SessionSource = Request | HeadersLike | CookiesLike

function isRequest(source: SessionSource): source is Request {
  return (
    source instanceof Request ||
    (typeof (source as { url?: unknown }).url === 'string' &&
      typeof (source as { headers?: unknown }).headers === 'object')
  )
}

function cookieHeader(source: HeadersLike | CookiesLike): string | null {
  if ('getAll' in source && typeof source.getAll === 'function') {
    // As Next serialises them: the values it hands out are URI-decoded.
    const pairs = source.getAll().map(({ name, value }) => `${name}=${encodeURIComponent(value)}`)
    return pairs.length > 0 ? pairs.join('; ') : null
  }
  return (source as HeadersLike).get('cookie')
}

/**
 * The browser's session, or `null`, from a `Request` (route handlers, middleware) or from what
 * Next's `headers()` or `cookies()` returns (server components, server actions), awaited or not.
 *
 * @param auth the `WxAuth`, or a function that makes it on first use ({@link WxAuthSource}).
 * @example
 * ```tsx
 * // app/page.tsx
 * import { cookies } from 'next/headers'
 * import { getWeChatSession } from 'wxauth/next'
 * import { getAuth } from '../lib/auth'
 *
 * export default async function Page() {
 *   const session = await getWeChatSession(getAuth, cookies())
 *   return <p>{session ? `你好, ${session.identity.openid}` : 'Not signed in'}</p>
 * }
 * ```
 */
export async function getWeChatSession(
  auth: WxAuthSource,
  source: SessionSource | PromiseLike<SessionSource>,
): Promise<Session | null> {
  checkSource(auth)
  const [resolved, from] = await Promise.all([resolve(auth), source])
  if (isRequest(from)) return resolved.getSession(from)
  const headers = new Headers()
  const cookie = cookieHeader(from)
  if (cookie !== null) headers.set('cookie', cookie)
  return resolved.getSession(new Request(`${originOf(undefined, resolved)}/`, { headers }))
}
