import { StoreError } from '../stores/errors.js'
import { handleCallback } from './callback.js'
import { resolveConfig } from './config.js'
import type { FlowContext } from './context.js'
import { clearCookie, cookieNames } from './cookies.js'
import { type FlowRequest, type FlowResponse, fromWebRequest, toWebResponse } from './http.js'
import { registerInternals, type WxAuthInternals } from './internals.js'
import { handleLogin } from './login.js'
import { jsonResponse, pageLang, problemJson, problemResponse, wantsJson } from './pages/index.js'
import { problem, redirect } from './respond.js'
import { resolveReturnTo } from './return-to.js'
import { createSealer } from './seal.js'
import { createSessions } from './session.js'
import { createTokenKeeper } from './tokens.js'
import type { WxAuth, WxAuthConfig } from './types.js'
import { unionidLinks } from './unionid-links.js'

export { NoTokensError, ReauthorizeError, WXAUTH_NO_TOKENS, WXAUTH_REAUTHORIZE } from './errors.js'
export type * from './types.js'

/**
 * Creates the login flow: a Web-standard handler for `login`, `callback`, `logout` and `session`
 * under `basePath`, and helpers to read the session and the user's WeChat tokens. Mount it with
 * an adapter (`wxauth/express`, `wxauth/fastify`, `wxauth/koa`, `wxauth/hono`, `wxauth/next`,
 * `wxauth/node`) or call `handle` from any server that speaks `Request`/`Response`.
 *
 * @throws {TypeError} when the configuration is invalid; the message names the option.
 * @example
 * const auth = createWxAuth({
 *   apps: { official: { appId: 'wx0123456789abcdef', appSecret: process.env.WECHAT_SECRET! } },
 *   baseUrl: 'https://example.com',
 *   secrets: [process.env.WXAUTH_SECRET!],
 * })
 */
export function createWxAuth(config: WxAuthConfig): WxAuth {
  const resolved = resolveConfig(config)
  const sealer = createSealer(resolved.secrets)
  const names = cookieNames({ prefix: resolved.cookiePrefix, secure: resolved.secure })
  const ctx: FlowContext = {
    config: resolved,
    sealer,
    names,
    sessions: createSessions({
      sealer,
      store: resolved.store,
      names,
      secure: resolved.secure,
      maxAge: resolved.sessionMaxAge,
      revocable: resolved.revocable,
      now: resolved.now,
    }),
    tokens: createTokenKeeper(resolved, sealer, resolved.now),
    links: unionidLinks(resolved.store),
    inflight: new Map(),
  }
  const routes: Record<
    string,
    { method: string; run: (request: FlowRequest) => Promise<FlowResponse> }
  > = {
    login: { method: 'GET', run: (request) => handleLogin(ctx, request) },
    callback: { method: 'GET', run: (request) => handleCallback(ctx, request) },
    logout: { method: 'POST', run: (request) => logout(ctx, request) },
    session: { method: 'GET', run: (request) => session(ctx, request) },
  }
  const prefix = `${resolved.basePath}/`

  const internals: WxAuthInternals = {
    async handle(request) {
      const { pathname } = request.url
      if (!pathname.startsWith(prefix)) return undefined
      const name = pathname.slice(prefix.length)
      const route = Object.hasOwn(routes, name) ? routes[name] : undefined
      if (!route) return undefined
      const { method } = request
      if (method !== route.method && !(route.method === 'GET' && method === 'HEAD')) {
        return problemResponse(request, 'method_not_allowed', { headers: { Allow: route.method } })
      }
      return route.run(request)
    },
    getSession: (request) => ctx.sessions.read(request),
  }

  const auth: WxAuth = {
    baseUrl: resolved.origin,
    basePath: resolved.basePath,
    async handle(request) {
      const response = await internals.handle(fromWebRequest(request))
      return response && toWebResponse(response)
    },
    getSession: (request) => ctx.sessions.read(request),
    getAccessToken: (user) => ctx.tokens.getAccessToken(user),
  }
  registerInternals(auth, internals)
  return auth
}

async function logout(ctx: FlowContext, request: FlowRequest): Promise<FlowResponse> {
  const { config } = ctx
  if (!sameOrigin(request, config.origin)) return problem(request, 'cross_site')
  let clear: string
  try {
    clear = await ctx.sessions.destroy(request)
  } catch (error) {
    if (error instanceof StoreError) return problem(request, 'store_unavailable')
    throw error
  }
  // The binding cookie goes too: with it, revisiting the callback URL would replay the session.
  const clearBinding = clearCookie(ctx.names.binding, { path: '/', secure: config.secure })
  config.log({ type: 'logout' })
  if (wantsJson(request)) {
    return jsonResponse({ loggedOut: true }, 200, [
      ['Set-Cookie', clear],
      ['Set-Cookie', clearBinding],
    ])
  }
  const params = request.url.searchParams
  const returnTo = resolveReturnTo(params.get('returnTo'), config.origin, config.defaultReturnTo)
  return redirect(`${config.origin}${returnTo}`, [clear, clearBinding])
}

async function session(ctx: FlowContext, request: FlowRequest): Promise<FlowResponse> {
  try {
    const current = await ctx.sessions.read(request)
    if (!current) return jsonResponse(problemJson('unauthenticated', pageLang(request)), 401)
    return jsonResponse(current, 200)
  } catch (error) {
    if (error instanceof StoreError)
      return jsonResponse(problemJson('store_unavailable', pageLang(request)), 503)
    throw error
  }
}

/**
 * Whether a state-changing request comes from this site. Browsers send `Origin` on POST (`null`
 * from a no-referrer page), and `Sec-Fetch-Site`; older ones `Referer`. With none of them there is
 * no proof, so it is refused.
 */
function sameOrigin(request: FlowRequest, origin: string): boolean {
  const from = request.headers.get('origin')
  // Browsers send "Origin: null" for a page with Referrer-Policy: no-referrer: no evidence either way.
  if (from !== null && from !== 'null') return from === origin
  const site = request.headers.get('sec-fetch-site')
  if (site !== null) return site === 'same-origin'
  const referer = request.headers.get('referer')
  if (referer === null) return false
  try {
    return new URL(referer).origin === origin
  } catch {
    return false
  }
}
