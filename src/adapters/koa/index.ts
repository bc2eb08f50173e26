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
import { Readable } from 'node:stream'
import type { ReadableStream as NodeReadableStream } from 'node:stream/web'
import type { Context, Middleware } from 'koa'
import type { Session, WxAuth } from '../../flow/types.js'
import {
  createRequest,
  isForWxAuth,
  type RequestSource,
  sessionRequest,
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

function respond(ctx: Context, response: Response): void {
  // Body first: Koa turns a null body into 204 unless a status follows.
  ctx.body = response.body
    ? Readable.fromWeb(response.body as NodeReadableStream<Uint8Array>)
    : null
  ctx.status = response.status
  if (response.statusText !== '') ctx.message = response.statusText
  for (const [name, value] of response.headers) {
    if (name !== 'set-cookie') ctx.set(name, value)
  }
  const cookies = response.headers.getSetCookie()
  // Appended, so that cookies other middleware set stay; each one its own header.
  if (cookies.length > 0) ctx.append('Set-Cookie', cookies)
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
    if (isForWxAuth(ctx.req, auth, options, source)) {
      const response = await auth.handle(createRequest(ctx.req, options, source, auth))
      if (response !== undefined) {
        respond(ctx, response)
        return
      }
    }
    ctx.state.wechat = await auth.getSession(sessionRequest(ctx.req, options, source, auth))
    await next()
  }
}
