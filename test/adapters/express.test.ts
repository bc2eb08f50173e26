import { createServer } from 'node:http'
import express from 'express'
import { describe, expect, it } from 'vitest'
import { wxauth } from '../../src/adapters/express/index.js'
import { close, type Echo, type EchoAuth, echoAuth, listen } from './echo-auth.js'
import { coreFor, logInAndOut } from './login.js'
import { describeTranslation } from './translation-suite.js'

function appFor(auth: EchoAuth, configure?: (app: express.Express) => void): express.Express {
  const app = express()
  configure?.(app)
  app.use(wxauth(auth, { baseUrl: 'https://app.example' }))
  app.get('/app', (req, res) => {
    res.json({ wechat: req.wechat })
  })
  app.get('/auth/wechat/unknown', (_req, res) => {
    res.send('app route')
  })
  return app
}

async function serve(app: express.Express) {
  const server = createServer(app)
  const url = await listen(server)
  return {
    request: (path: string, init?: RequestInit) =>
      fetch(url + path, { ...init, redirect: 'manual' }),
    origin: 'https://app.example',
    close: () => close(server),
  }
}

describeTranslation('express', { start: (auth) => serve(appFor(auth)), socket: true })

describe('express: the app around the middleware', () => {
  it('re-encodes a form body that express.urlencoded() already read', async () => {
    const auth = echoAuth()
    const app = await serve(appFor(auth, (a) => a.use(express.urlencoded({ extended: false }))))
    try {
      const response = await app.request('/auth/wechat/echo', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'a=1&a=2&msg=%E4%BD%A0%E5%A5%BD',
      })
      const echo = (await response.json()) as Echo
      expect(new URLSearchParams(echo.body ?? '').getAll('a')).toEqual(['1', '2'])
      expect(new URLSearchParams(echo.body ?? '').get('msg')).toBe('你好')
      expect(new Headers(echo.headers).has('content-length')).toBe(false)
    } finally {
      await app.close()
    }
  })

  it('keeps cookies other middleware set before it', async () => {
    const auth = echoAuth()
    const app = await serve(
      appFor(auth, (a) =>
        a.use((_req, res, next) => {
          res.cookie('theme', 'dark')
          next()
        }),
      ),
    )
    try {
      const response = await app.request('/auth/wechat/echo')
      expect(response.headers.getSetCookie()).toEqual([
        'theme=dark; Path=/',
        'wxauth.a=1; Path=/; HttpOnly; SameSite=Lax',
        'wxauth.b=two, with a comma; Path=/auth; Max-Age=60',
      ])
    } finally {
      await app.close()
    }
  })

  it('sees the full path when mounted under a prefix', async () => {
    const auth = { ...echoAuth(), basePath: '/api/auth/wechat' }
    const app = express()
    app.use('/api', wxauth(auth))
    const handle = auth.handle
    auth.handle = async (request) => {
      expect(new URL(request.url).pathname).toBe('/api/auth/wechat/echo')
      return handle(new Request(request.url.replace('/api', ''), request))
    }
    const served = await serve(app)
    try {
      const response = await served.request('/api/auth/wechat/echo?x=1')
      const echo = (await response.json()) as Echo
      expect(new URL(echo.url).origin).toBe('http://localhost')
    } finally {
      await served.close()
    }
  })

  it('hands errors of the core to the error handler', async () => {
    const auth = echoAuth()
    auth.handle = async () => {
      throw new Error('store down')
    }
    const app = appFor(auth)
    app.use(
      (error: Error, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
        res.status(503).send(error.message)
      },
    )
    const served = await serve(app)
    try {
      const response = await served.request('/auth/wechat/login')
      expect(response.status).toBe(503)
      expect(await response.text()).toBe('store down')
    } finally {
      await served.close()
    }
  })
})

describe('express: a whole login against the emulator', () => {
  it('logs a WeChat user in, shows req.wechat, and logs out', async () => {
    const server = createServer()
    const url = await listen(server)
    const origin = url.replace('127.0.0.1', 'localhost')
    const core = coreFor(origin)
    const { auth } = core
    const app = express()
      .use(wxauth(auth))
      .get('/app', (req, res) => {
        res.json({ wechat: req.wechat })
      })
    server.on('request', app)
    try {
      const request = (path: string, init?: RequestInit) =>
        fetch(url + path, { ...init, redirect: 'manual' })
      await logInAndOut({ request, appRoute: '/app' }, core, origin)
    } finally {
      await close(server)
    }
  })
})
