/**
 * wxauth for Hono (any runtime): one middleware that serves wxauth's routes and sets
 * `c.get('wechat')` on every other request.
 *
 * @example
 * ```ts
 * import { Hono } from 'hono'
 * import type { WxAuth } from 'wxauth'
 * import { wxauth } from 'wxauth/hono'
 *
 * let auth!: WxAuth
 * const app = new Hono()
 * app.use(wxauth(auth))
 * app.get('/', (c) => {
 *   const session = c.get('wechat')
 *   return c.text(session ? `你好, ${session.identity.openid}` : 'Not signed in')
 * })
 * ```
 * @module wxauth/hono
 */
import type { MiddlewareHandler } from 'hono'
import type { Session, WxAuth } from '../../flow/types.js'
import { detachSignal, isWxAuthPath } from '../shared.js'

declare module 'hono' {
  interface ContextVariableMap {
    /** The browser's WeChat session, or `null`; set by wxauth's middleware on the app's routes. */
    wechat: Session | null
  }
}

/**
 * Hono middleware: requests under `auth.basePath` (login, callback, logout, session) are answered
 * by wxauth with the Request as it came (its signal detached, so that a login finishes even when
 * the browser has gone); every other request gets `c.var.wechat` (the session, or `null`) and
 * goes on.
 *
 * @example
 * ```ts
 * import { Hono } from 'hono'
 * import type { WxAuth } from 'wxauth'
 * import { wxauth } from 'wxauth/hono'
 *
 * let auth!: WxAuth
 * const app = new Hono().use(wxauth(auth))
 * app.get('/me', (c) => (c.var.wechat ? c.json(c.var.wechat.identity) : c.redirect('/auth/wechat/login')))
 * ```
 */
export function wxauth(auth: WxAuth): MiddlewareHandler {
  return async (c, next) => {
    if (isWxAuthPath(c.req.path, auth.basePath)) {
      const response = await auth.handle(detachSignal(c.req.raw))
      if (response !== undefined) return response
    }
    c.set('wechat', await auth.getSession(c.req.raw))
    await next()
    return undefined
  }
}
