/**
 * wxauth for Express (4 and 5): one middleware that serves wxauth's routes and sets
 * `req.wechat` on every other request.
 *
 * @example
 * ```ts
 * import express from 'express'
 * import type { WxAuth } from 'wxauth'
 * import { wxauth } from 'wxauth/express'
 *
 * let auth!: WxAuth
 * const app = express()
 * app.use(wxauth(auth))
 * app.get('/', (req, res) => {
 *   res.send(req.wechat ? `你好, ${req.wechat.identity.openid}` : 'Not signed in')
 * })
 * ```
 * @module wxauth/express
 */
import type { RequestHandler } from 'express'
import type { Session, WxAuth } from '../../flow/types.js'
import { answerFor, sessionFor, type ToWebRequestOptions, writeAnswer } from '../node/http.js'

declare global {
  namespace Express {
    interface Request {
      /** The browser's WeChat session, or `null`; set by wxauth's middleware on the app's routes. */
      wechat?: Session | null
    }
  }
}

/** Options of {@link wxauth}. */
export type WxAuthExpressOptions = ToWebRequestOptions

/**
 * Express middleware: requests under `auth.basePath` (login, callback, logout, session) are
 * answered by wxauth; every other request gets `req.wechat` (the session, or `null`) and goes on.
 * Mount it at the app's root, before the routes that read `req.wechat`.
 *
 * @example
 * ```ts
 * import express from 'express'
 * import type { WxAuth } from 'wxauth'
 * import { wxauth } from 'wxauth/express'
 *
 * let auth!: WxAuth
 * express()
 *   .use(wxauth(auth, { baseUrl: 'https://example.com' }))
 *   .get('/me', (req, res) => {
 *     if (!req.wechat) return res.redirect('/auth/wechat/login?returnTo=/me')
 *     res.json(req.wechat.identity)
 *   })
 * ```
 */
export function wxauth(auth: WxAuth, options: WxAuthExpressOptions = {}): RequestHandler {
  return async (req, res, next) => {
    try {
      const source = { url: req.originalUrl }
      const answer = await answerFor(auth, req, options, source)
      if (answer !== undefined) {
        writeAnswer(res, answer)
        return
      }
      req.wechat = await sessionFor(auth, req, options, source)
    } catch (error) {
      next(error)
      return
    }
    next()
  }
}
