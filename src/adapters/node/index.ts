/**
 * wxauth for `node:http` (and Connect-style servers): translates between Node's request and
 * response and the Web `Request`/`Response` that {@link WxAuth} speaks.
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http'
 * import { createWxAuth } from 'wxauth'
 * import { getSession, wxauthHandler } from 'wxauth/node'
 *
 * let auth!: ReturnType<typeof createWxAuth>
 * const handler = wxauthHandler(auth)
 * createServer(async (req, res) => {
 *   if (await handler(req, res)) return
 *   const session = await getSession(auth, req)
 *   res.end(session ? `你好, ${session.identity.openid}` : 'Not signed in')
 * }).listen(3000)
 * ```
 * @module wxauth/node
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Session, WxAuth } from '../../flow/types.js'
import {
  answerFor,
  createRequest,
  sessionFor,
  type ToWebRequestOptions,
  writeAnswer,
  writeResponse,
} from './http.js'

export type { ToWebRequestOptions } from './http.js'

/**
 * A Web `Request` for a node:http request: method, the path and query as sent on the public
 * origin (`baseUrl`; never the `Host` header unless `trustHost`), every header, and the body,
 * streamed when read. A body an Express body parser already read is encoded again.
 *
 * The Request's `signal` never aborts: a login must finish even when the browser has gone.
 *
 * @example
 * ```ts
 * import type { IncomingMessage } from 'node:http'
 * import { toWebRequest } from 'wxauth/node'
 *
 * let req!: IncomingMessage
 * const request = toWebRequest(req, { baseUrl: 'https://example.com' })
 * ```
 */
export function toWebRequest(req: IncomingMessage, options?: ToWebRequestOptions): Request {
  return createRequest(req, options)
}

/**
 * Writes a Web `Response` to a node:http response: status, headers (each `Set-Cookie` on its own,
 * after any already set on `res`) and the body, streamed. Resolves once the body is written, or
 * when the client has gone away.
 *
 * @example
 * ```ts
 * import type { ServerResponse } from 'node:http'
 * import { sendWebResponse } from 'wxauth/node'
 *
 * let res!: ServerResponse
 * await sendWebResponse(res, Response.redirect('https://example.com/', 303))
 * ```
 */
export function sendWebResponse(res: ServerResponse, response: Response): Promise<void> {
  return writeResponse(res, response)
}

/** A request listener that serves wxauth's routes; resolves `true` when it answered. */
export type WxAuthNodeHandler = (
  req: IncomingMessage,
  res: ServerResponse,
  next?: (error?: unknown) => void,
) => Promise<boolean>

/**
 * Serves wxauth's routes (under `auth.basePath`) on node:http, Connect or any server built on it.
 * For another path it calls `next()`, if given, and resolves `false`. When the core fails, it
 * calls `next(error)` if given, else rejects.
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http'
 * import type { WxAuth } from 'wxauth'
 * import { wxauthHandler } from 'wxauth/node'
 *
 * let auth!: WxAuth
 * const handler = wxauthHandler(auth, { baseUrl: 'https://example.com' })
 * createServer(async (req, res) => {
 *   if (!(await handler(req, res))) res.end('the app')
 * })
 * ```
 */
export function wxauthHandler(auth: WxAuth, options: ToWebRequestOptions = {}): WxAuthNodeHandler {
  return async (req, res, next) => {
    try {
      const answer = await answerFor(auth, req, options)
      if (answer !== undefined) {
        writeAnswer(res, answer)
        return true
      }
    } catch (error) {
      if (next === undefined) throw error
      next(error)
      return true
    }
    next?.()
    return false
  }
}

/**
 * The session of the browser that sent `req`, or `null`.
 *
 * @example
 * ```ts
 * import type { IncomingMessage } from 'node:http'
 * import type { WxAuth } from 'wxauth'
 * import { getSession } from 'wxauth/node'
 *
 * let auth!: WxAuth
 * let req!: IncomingMessage
 * const session = await getSession(auth, req)
 * if (session) console.log(session.identity.openid)
 * ```
 */
export function getSession(
  auth: WxAuth,
  req: IncomingMessage,
  options: ToWebRequestOptions = {},
): Promise<Session | null> {
  return sessionFor(auth, req, options)
}
