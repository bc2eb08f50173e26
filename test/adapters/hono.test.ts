import { type ServerType, serve } from '@hono/node-server'
import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import { wxauth } from '../../src/adapters/hono/index.js'
import { type Echo, type EchoAuth, echoAuth } from './echo-auth.js'
import { coreFor, logInAndOut } from './login.js'
import { describeTranslation, type Harness } from './translation-suite.js'

function appFor(auth: EchoAuth): Hono {
  const app = new Hono()
  app.use(wxauth(auth))
  app.get('/app', (c) => c.json({ wechat: c.get('wechat') }))
  app.get('/auth/wechat/unknown', (c) => c.text('app route'))
  app.post('/auth/wechat/form', async (c) => c.json(await c.req.parseBody()))
  return app
}

function inProcess(app: Hono): Harness {
  return {
    request: async (path, init) => app.request(path, init),
    origin: 'http://localhost',
    close: async () => {},
  }
}

async function overSocket(app: Hono): Promise<Harness> {
  const server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s))
  })
  const address = server.address()
  const port = typeof address === 'object' && address !== null ? address.port : 0
  const url = `http://127.0.0.1:${port}`
  return {
    request: (path, init) => fetch(url + path, { ...init, redirect: 'manual' }),
    // Hono takes the URL as its server gives it; the core uses only its path and query.
    origin: url,
    close: () =>
      new Promise<void>((resolve) => {
        ;(server as { closeAllConnections?: () => void }).closeAllConnections?.()
        server.close(() => resolve())
      }),
  }
}

describeTranslation('hono (app.request)', {
  start: async (auth) => inProcess(appFor(auth)),
  socket: false,
})
describeTranslation('hono (node-server)', {
  start: (auth) => overSocket(appFor(auth)),
  socket: true,
})

describe('hono: the app around the middleware', () => {
  it("leaves a passed-on request's body to the app's route", async () => {
    const app = appFor(echoAuth())
    const response = await app.request('/auth/wechat/form', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'a=1&msg=%E4%BD%A0',
    })
    expect(await response.json()).toEqual({ a: '1', msg: '你' })
  })

  it("detaches a GET's signal from the request's, and keeps the request otherwise", async () => {
    const auth = echoAuth()
    const app = appFor(auth)
    const controller = new AbortController()
    const pending = app.request(
      new Request('http://app.example/auth/wechat/slow?code=x&state=y', {
        signal: controller.signal,
        headers: { cookie: 'a=b' },
      }),
    )
    await auth.slowStarted
    controller.abort()
    auth.release()
    expect(await auth.slowFinished).toEqual({ aborted: false })
    expect((await pending).status).toBe(200)
    const seen = auth.seen[0] as Request
    expect(seen.url).toBe('http://app.example/auth/wechat/slow?code=x&state=y')
    expect(seen.headers.get('cookie')).toBe('a=b')
  })

  it('is typed: c.get("wechat") is Session | null', () => {
    const app = new Hono().use(wxauth(echoAuth()))
    app.get('/', (c) => {
      const openid: string | undefined = c.get('wechat')?.identity.openid
      return c.text(openid ?? '')
    })
    expect(app.routes.length).toBeGreaterThan(0)
  })

  it('echoes through c.req.raw as it came', async () => {
    const auth = echoAuth()
    const response = await appFor(auth).request('/auth/wechat/echo?z=1', {
      method: 'PUT',
      body: 'x',
    })
    const echo = (await response.json()) as Echo
    expect([echo.method, echo.body]).toEqual(['PUT', 'x'])
  })
})

describe('hono: a whole login against the emulator', () => {
  it("logs a WeChat user in, shows c.get('wechat'), and logs out", async () => {
    const origin = 'http://localhost'
    const core = coreFor(origin)
    const { auth } = core
    const app = new Hono().use(wxauth(auth))
    app.get('/app', (c) => c.json({ wechat: c.get('wechat') }))
    await logInAndOut(
      { request: async (path, init) => app.request(path, init), appRoute: '/app' },
      core,
      origin,
    )
  })
})
