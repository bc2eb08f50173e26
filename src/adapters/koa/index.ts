/**
 * wxauth for Koa (2 and 3): one middleware that serves wxauth's routes and sets
 * `ctx.state.wechat` on every other request.
 *
 * @example
 * ```ts
 * import Koa from 'koa'
 * import type { WxAuth } from 'wxauth'
 * import { wxauth } from 'wxauth/koa'
 *
 * let auth!: WxAuth
 * const app = new Koa()
 * app.use(wxauth(auth))
 * app.use((ctx) => {
 *   const session = ctx.state.wechat
 *   ctx.body = session ? `你好, ${session.identity.openid}` : 'Not signed in'
 * })
 * ```
 * @module wxauth/koa
 */
import type { Context, Middleware } from 'koa'
import type { Session, WxAuth } from '../../flow/types.js'
import {
  answerFor,
  groupHeaders,
  type NodeAnswer,
  type RequestSource,
  sessionFor,
  type ToWebRequestOptions,
} from '../node/http.js'

declare module 'koa' {
  interface DefaultState {
    /** The browser's WeChat session, or `null`; set by wxauth's middleware on the app's routes. */
    wechat?: Session | null
  }
}

/** Options of {@link wxauth}. */
export type WxAuthKoaOptions = ToWebRequestOptions

function respond(ctx: Context, answer: NodeAnswer): void {
  // Body first: Koa turns a null body into 204 unless a status follows.
  ctx.body = answer.body === null ? null : Buffer.from(answer.body)
  ctx.status = answer.status
  for (const [name, value] of groupHeaders(answer.headers)) {
    // Appended, so that cookies other middleware set stay; each one its own header.
    if (Array.isArray(value)) ctx.append(name, value)
    else ctx.set(name, value)
  }
}

/**
 * Koa middleware: requests under `auth.basePath` (login, callback, logout, session) are answered
 * by wxauth; every other request gets `ctx.state.wechat` (the session, or `null`) and goes on.
 *
 * @example
 * ```ts
 * import Koa from 'koa'
 * import type { WxAuth } from 'wxauth'
 * import { wxauth } from 'wxauth/koa'
 *
 * let auth!: WxAuth
 * new Koa().use(wxauth(auth, { baseUrl: 'https://example.com' }))
 * ```
 */
export function wxauth(auth: WxAuth, options: WxAuthKoaOptions = {}): Middleware {
  return async (ctx, next) => {
    const source: RequestSource = {
      url: ctx.originalUrl,
      parsedBody: (ctx.request as { body?: unknown }).body,
    }
    const answer = await answerFor(auth, ctx.req, options, source)
    if (answer !== undefined) {
      respond(ctx, answer)
      return
    }
    ctx.state.wechat = await sessionFor(auth, ctx.req, options, source)
    await next()
  }
}
