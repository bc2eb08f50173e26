/**
 * wxauth for Fastify 5: a plugin that registers wxauth's routes and decorates every other
 * request with `request.wechat`.
 *
 * @example
 * ```ts
 * import Fastify from 'fastify'
 * import type { WxAuth } from 'wxauth'
 * import { wxauth } from 'wxauth/fastify'
 *
 * let auth!: WxAuth
 * const app = Fastify()
 * await app.register(wxauth, { auth })
 * app.get('/', async (request) =>
 *   request.wechat ? `你好, ${request.wechat.identity.openid}` : 'Not signed in',
 * )
 * ```
 * @module wxauth/fastify
 */
import type {
  FastifyInstance,
  FastifyPluginAsync,
  FastifyReply,
  FastifyRequest,
  RouteHandlerMethod,
} from 'fastify'
import type { Session, WxAuth } from '../../flow/types.js'
import {
  answerFor,
  groupHeaders,
  type NodeAnswer,
  sessionFor,
  type ToWebRequestOptions,
  urlOf,
} from '../node/http.js'
import { isWxAuthPath } from '../shared.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** The browser's WeChat session, or `null`; set before the handlers of the app's routes. */
    wechat: Session | null
  }
}

/** Options of the {@link wxauth} plugin. */
export interface WxAuthFastifyOptions extends ToWebRequestOptions {
  /** What `createWxAuth` returned. */
  auth: WxAuth
}

function send(reply: FastifyReply, answer: NodeAnswer): FastifyReply {
  reply.code(answer.status)
  // Fastify appends Set-Cookie values given as an array, each its own header.
  for (const [name, value] of groupHeaders(answer.headers)) reply.header(name, value)
  return reply.send(answer.body ?? undefined)
}

const catchAllMethods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']

async function routes(fastify: FastifyInstance, options: WxAuthFastifyOptions): Promise<void> {
  const { auth } = options
  // wxauth reads the raw body itself: no parser of the app's may consume it or refuse its type.
  fastify.removeAllContentTypeParsers()
  fastify.addContentTypeParser('*', (_request, _payload, done) => done(null))

  const handler: RouteHandlerMethod = async (request, reply) => {
    const answer = await answerFor(auth, request.raw, options, { url: request.url })
    if (answer === undefined) {
      reply.callNotFound()
      return reply
    }
    return send(reply, answer)
  }

  const base = auth.basePath.endsWith('/') ? auth.basePath.slice(0, -1) : auth.basePath
  fastify.get(`${base}/login`, handler)
  fastify.get(`${base}/callback`, handler)
  fastify.get(`${base}/session`, handler)
  fastify.post(`${base}/logout`, handler)
  // Every method a Web Request can carry; HEAD comes with GET.
  fastify.route({ method: catchAllMethods, url: `${base}/*`, handler })
}

const plugin: FastifyPluginAsync<WxAuthFastifyOptions> = async (fastify, options) => {
  const { auth } = options
  fastify.decorateRequest('wechat', null)
  fastify.addHook('preHandler', async (request: FastifyRequest) => {
    const source = { url: request.url }
    if (isWxAuthPath(urlOf(request.raw, options, source, auth).pathname, auth.basePath)) return
    request.wechat = await sessionFor(auth, request.raw, options, source)
  })
  await fastify.register(routes, options)
}

/**
 * The Fastify plugin: registers `GET login`, `GET callback`, `GET session`, `POST logout` and a
 * catch-all (GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS) under `auth.basePath` (a path wxauth does not serve gets the app's 404), and sets
 * `request.wechat` (the session, or `null`) in a `preHandler` hook on every other route.
 * Like a `fastify-plugin` plugin, it is not encapsulated: register it at the root.
 *
 * @example
 * ```ts
 * import Fastify from 'fastify'
 * import type { WxAuth } from 'wxauth'
 * import { wxauth } from 'wxauth/fastify'
 *
 * let auth!: WxAuth
 * const app = Fastify()
 * await app.register(wxauth, { auth, baseUrl: 'https://example.com' })
 * ```
 */
export const wxauth: FastifyPluginAsync<WxAuthFastifyOptions> = Object.assign(plugin, {
  [Symbol.for('skip-override')]: true,
  [Symbol.for('fastify.display-name')]: 'wxauth',
  [Symbol.for('plugin-meta')]: { name: 'wxauth', fastify: '5.x' },
})
