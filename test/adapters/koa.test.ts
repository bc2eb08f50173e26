import { createServer } from 'node:http'
import Koa from 'koa'
import { describe, expect, it } from 'vitest'
import { wxauth } from '../../src/adapters/koa/index.js'
import { close, type Echo, type EchoAuth, echoAuth, listen } from './echo-auth.js'
import { coreFor, logInAndOut } from './login.js'
import { describeTranslation } from './translation-suite.js'

function appFor(auth: EchoAuth, before?: Koa.Middleware): Koa {
  const app = new Koa()
  if (before) app.use(before)
  app.use(wxauth(auth, { baseUrl: 'https://app.example' }))
  app.use((ctx) => {
    if (ctx.path === '/app') ctx.body = { wechat: ctx.state.wechat }
    else if (ctx.path === '/auth/wechat/unknown') ctx.body = 'app route'
  })
  return app
}

async function serve(app: Koa) {
  const server = createServer(app.callback())
  const url = await listen(server)
  return {
    request: (path: string, init?: RequestInit) =>
      fetch(url + path, { ...init, redirect: 'manual' }),
    origin: 'https://app.example',
    close: () => close(server),
  }
}

describeTranslation('koa', { start: (auth) => serve(appFor(auth)), socket: true })

describe('koa: the app around the middleware', () => {
  it('re-encodes a form body that a body parser already read into ctx.request.body', async () => {
    // What koa-bodyparser does: read the stream, leave the parsed body on ctx.request.
    const bodyParser: Koa.Middleware = async (ctx, next) => {
      let text = ''
      for await (const chunk of ctx.req) text += chunk
      ;(ctx.request as { body?: unknown }).body = Object.fromEntries(new URLSearchParams(text))
      await next()
    }
    const app = await serve(appFor(echoAuth(), bodyParser))
    try {
      const response = await app.request('/auth/wechat/echo', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'msg=%E4%BD%A0%E5%A5%BD&returnTo=%2Fme',
      })
      const echo = (await response.json()) as Echo
      expect(Object.fromEntries(new URLSearchParams(echo.body ?? ''))).toEqual({
        msg: '你好',
        returnTo: '/me',
      })
    } finally {
      await app.close()
    }
  })

  it('keeps cookies set before it, and leaves errors to Koa', async () => {
    const auth = echoAuth()
    const app = await serve(
      appFor(auth, async (ctx, next) => {
        ctx.cookies.set('theme', 'dark', { httpOnly: false })
        try {
          await next()
        } catch (error) {
          ctx.status = 503
          ctx.body = (error as Error).message
        }
      }),
    )
    try {
      const response = await app.request('/auth/wechat/login')
      expect(response.headers.getSetCookie()).toEqual([
        'theme=dark; path=/',
        'wxauth.tx=Ab12Cd34; Path=/auth/wechat; HttpOnly; Max-Age=600',
        'wxauth.rt=%2Fme; Path=/auth/wechat; HttpOnly; Max-Age=600',
      ])
      auth.handle = async () => {
        throw new Error('store down')
      }
      const failed = await app.request('/auth/wechat/login')
      expect(failed.status).toBe(503)
      expect(await failed.text()).toBe('store down')
    } finally {
      await app.close()
    }
  })
})

describe('koa: a whole login against the emulator', () => {
  it('logs a WeChat user in, shows ctx.state.wechat, and logs out', async () => {
    const server = createServer()
    const url = await listen(server)
    const origin = url.replace('127.0.0.1', 'localhost')
    const core = coreFor(origin)
    const { auth } = core
    const app = new Koa().use(wxauth(auth)).use((ctx) => {
      ctx.body = { wechat: ctx.state.wechat }
    })
    server.on('request', app.callback())
    try {
      const request = (path: string, init?: RequestInit) =>
        fetch(url + path, { ...init, redirect: 'manual' })
      await logInAndOut({ request, appRoute: '/app' }, core, origin)
    } finally {
      await close(server)
    }
  })
})
