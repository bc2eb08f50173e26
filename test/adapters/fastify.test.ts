import Fastify, { type FastifyInstance } from 'fastify'
import { describe, expect, it } from 'vitest'
import { wxauth } from '../../src/adapters/fastify/index.js'
import { type Echo, type EchoAuth, echoAuth, session } from './echo-auth.js'
import { coreFor, logInAndOut } from './login.js'
import { describeTranslation, type Harness } from './translation-suite.js'

async function appFor(auth: EchoAuth): Promise<FastifyInstance> {
  const app = Fastify()
  // A route declared before the plugin gets request.wechat too.
  app.get('/app', async (request) => ({ wechat: request.wechat }))
  await app.register(wxauth, { auth, baseUrl: 'https://app.example' })
  app.setNotFoundHandler((request, reply) => {
    if (request.url === '/auth/wechat/unknown') return reply.send('app route')
    return reply.code(404).send('not found')
  })
  app.get('/after', async (request) => ({ wechat: request.wechat }))
  app.post('/json', async (request) => ({ body: request.body, wechat: request.wechat }))
  return app
}

/** Drives the app with `inject`, answering a Web Response. */
function injected(app: FastifyInstance): Harness {
  return {
    async request(path, init = {}) {
      const res = await app.inject({
        method: (init.method ?? 'GET') as 'GET',
        url: path,
        headers: Object.fromEntries(new Headers(init.headers)),
        ...(init.body === undefined ? {} : { payload: init.body as string }),
      })
      const headers = new Headers()
      for (const [name, value] of Object.entries(res.headers)) {
        for (const item of Array.isArray(value) ? value : [value])
          headers.append(name, String(item))
      }
      return new Response(res.rawPayload.length > 0 ? new Uint8Array(res.rawPayload) : null, {
        status: res.statusCode,
        headers,
      })
    },
    origin: 'https://app.example',
    close: () => app.close(),
  }
}

async function overSocket(app: FastifyInstance): Promise<Harness> {
  const url = await app.listen({ port: 0, host: '127.0.0.1' })
  return {
    request: (path, init) => fetch(url + path, { ...init, redirect: 'manual' }),
    origin: 'https://app.example',
    close: () => app.close(),
  }
}

describeTranslation('fastify (inject)', {
  start: async (auth) => injected(await appFor(auth)),
  socket: false,
})

describeTranslation('fastify (socket)', {
  start: async (auth) => overSocket(await appFor(auth)),
  socket: true,
})

describe('fastify: the app around the plugin', () => {
  it('sets request.wechat on routes declared before and after it', async () => {
    const app = injected(await appFor(echoAuth()))
    try {
      const headers = { cookie: 'wxauth.session=zhangsan' }
      expect(await (await app.request('/app', { headers })).json()).toEqual({ wechat: session })
      expect(await (await app.request('/after', { headers })).json()).toEqual({ wechat: session })
      expect(await (await app.request('/after')).json()).toEqual({ wechat: null })
    } finally {
      await app.close()
    }
  })

  it("leaves the app's body parsers alone, and theirs do not touch wxauth's bodies", async () => {
    const auth = echoAuth()
    const app = injected(await appFor(auth))
    try {
      const json = await app.request('/json', {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie: 'wxauth.session=zhangsan' },
        body: '{"a":[1,2]}',
      })
      expect(await json.json()).toEqual({ body: { a: [1, 2] }, wechat: session })
      const echoed = await app.request('/auth/wechat/echo', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"not":"parsed"}',
      })
      expect(((await echoed.json()) as Echo).body).toBe('{"not":"parsed"}')
      const untyped = await app.request('/auth/wechat/echo', { method: 'POST', body: 'raw' })
      expect(((await untyped.json()) as Echo).body).toBe('raw')
    } finally {
      await app.close()
    }
  })

  it("answers a path under basePath that wxauth does not serve with the app's 404", async () => {
    const app = injected(await appFor(echoAuth()))
    try {
      const response = await app.request('/auth/wechat/nothing-here', { method: 'DELETE' })
      expect(response.status).toBe(404)
      expect(await response.text()).toBe('not found')
    } finally {
      await app.close()
    }
  })

  it('registers the documented routes', async () => {
    const app = await appFor(echoAuth())
    try {
      await app.ready()
      const routes = [
        ['GET', '/auth/wechat/login'],
        ['GET', '/auth/wechat/callback'],
        ['GET', '/auth/wechat/session'],
        ['POST', '/auth/wechat/logout'],
        ['GET', '/auth/wechat/*'],
        ['POST', '/auth/wechat/*'],
        ['DELETE', '/auth/wechat/*'],
      ] as const
      for (const [method, url] of routes) expect(app.hasRoute({ method, url })).toBe(true)
      const trace = await app.inject({ method: 'TRACE' as 'GET', url: '/auth/wechat/login' })
      expect(trace.statusCode).toBe(404)
    } finally {
      await app.close()
    }
  })
})

describe('fastify: a whole login against the emulator', () => {
  it('logs a WeChat user in, shows request.wechat, and logs out', async () => {
    const origin = 'http://localhost:3000'
    const core = coreFor(origin)
    const { auth } = core
    const app = Fastify()
    await app.register(wxauth, { auth })
    app.get('/app', async (request) => ({ wechat: request.wechat }))
    const harness = injected(app)
    try {
      await logInAndOut({ request: harness.request, appRoute: '/app' }, core, origin)
    } finally {
      await app.close()
    }
  })
})
