/**
 * wxauth for Next.js (App Router): route handlers for a catch-all route, and the session for
 * server components, route handlers, server actions and middleware. Imports nothing from `next`.
 *
 * @example
 * ```ts
 * // app/auth/wechat/[...wxauth]/route.ts
 * import type { WxAuth } from 'wxauth'
 * import { wxauthRouteHandlers } from 'wxauth/next'
 *
 * let auth!: WxAuth
 * export const { GET, POST } = wxauthRouteHandlers(auth)
 * ```
 * @module wxauth/next
 */
import type { Session, WxAuth } from '../../flow/types.js'
import { detachSignal, originOf } from '../shared.js'

/** The route handlers of `app/<basePath>/[...wxauth]/route.ts`. */
export interface WxAuthRouteHandlers {
  GET(request: Request): Promise<Response>
  POST(request: Request): Promise<Response>
}

/**
 * Route handlers for a catch-all route at `auth.basePath`, e.g.
 * `app/auth/wechat/[...wxauth]/route.ts`. The request goes to wxauth as it came (its signal
 * detached, so that a login finishes even when the browser has gone); a path wxauth does not
 * serve is a 404.
 *
 * @example
 * ```ts
 * // app/auth/wechat/[...wxauth]/route.ts
 * import type { WxAuth } from 'wxauth'
 * import { wxauthRouteHandlers } from 'wxauth/next'
 *
 * let auth!: WxAuth
 * export const { GET, POST } = wxauthRouteHandlers(auth)
 * ```
 */
export function wxauthRouteHandlers(auth: WxAuth): WxAuthRouteHandlers {
  const handle = async (request: Request): Promise<Response> =>
    (await auth.handle(detachSignal(request))) ??
    new Response('Not Found', { status: 404, headers: { 'content-type': 'text/plain' } })
  return { GET: handle, POST: handle }
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
 * @example
 * ```tsx
 * // app/page.tsx
 * import { headers } from 'next/headers'
 * import type { WxAuth } from 'wxauth'
 * import { getWeChatSession } from 'wxauth/next'
 *
 * let auth!: WxAuth
 * export default async function Page() {
 *   const session = await getWeChatSession(auth, headers())
 *   return <p>{session ? `你好, ${session.identity.openid}` : 'Not signed in'}</p>
 * }
 * ```
 */
export async function getWeChatSession(
  auth: WxAuth,
  source: SessionSource | PromiseLike<SessionSource>,
): Promise<Session | null> {
  const resolved = await source
  if (isRequest(resolved)) return auth.getSession(resolved)
  const headers = new Headers()
  const cookie = cookieHeader(resolved)
  if (cookie !== null) headers.set('cookie', cookie)
  return auth.getSession(new Request(`${originOf(undefined, auth)}/`, { headers }))
}
