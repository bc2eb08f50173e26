import { createServer, request as httpRequest, type IncomingMessage } from 'node:http'
import { describe, expect, it } from 'vitest'
import {
  getSession,
  sendWebResponse,
  toWebRequest,
  wxauthHandler,
} from '../../src/adapters/node/index.js'
import { close, type Echo, type EchoAuth, echoAuth, listen, session } from './echo-auth.js'
import { coreFor, logInAndOut } from './login.js'
import { describeTranslation } from './translation-suite.js'

async function serve(auth: EchoAuth, options?: { baseUrl?: string; trustHost?: boolean }) {
  const handler = wxauthHandler(auth, options)
  const server = createServer(async (req, res) => {
    if (await handler(req, res)) return
    const url = new URL(req.url ?? '/', 'http://x')
    res.setHeader('content-type', 'application/json')
    if (url.pathname === '/app') res.end(JSON.stringify({ wechat: await getSession(auth, req) }))
    else if (url.pathname === '/auth/wechat/unknown') res.end('app route')
    else res.writeHead(404).end()
  })
  const url = await listen(server)
  return {
    url,
    request: (path: string, init?: RequestInit) =>
      fetch(url + path, { ...init, redirect: 'manual' }),
    origin: options?.baseUrl ?? 'http://localhost',
    close: () => close(server),
  }
}

describeTranslation('node', { start: (auth) => serve(auth), socket: true })

/** One raw request over a socket: what fetch will not send (absolute-form and `//` targets). */
function raw(url: string, path: string, headers: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const { hostname, port } = new URL(url)
    const req = httpRequest({ hostname, port, path, headers }, (res: IncomingMessage) => {
      let body = ''
      res.setEncoding('utf8').on('data', (chunk: string) => {
        body += chunk
      })
      res.on('end', () => resolve(body))
    })
    req.on('error', reject).end()
  })
}

describe('node: the public origin', () => {
  it('comes from baseUrl, never from Host or X-Forwarded-Host', async () => {
    const app = await serve(echoAuth(), { baseUrl: 'https://app.example/ignored/path' })
    try {
      const body = await raw(app.url, '/auth/wechat/echo?x=1', {
        host: 'evil.example',
        'x-forwarded-host': 'evil.example',
        'x-forwarded-proto': 'http',
      })
      expect((JSON.parse(body) as Echo).url).toBe('https://app.example/auth/wechat/echo?x=1')
    } finally {
      await app.close()
    }
  })

  it('keeps a path that looks like another host on ours', async () => {
    const app = await serve(echoAuth(), { baseUrl: 'https://app.example' })
    try {
      const slashes = await raw(app.url, '//evil.example/auth/wechat/echo')
      expect(slashes).toBe('')
      const absolute = await raw(app.url, 'http://evil.example/auth/wechat/echo?y=2')
      expect((JSON.parse(absolute) as Echo).url).toBe('https://app.example/auth/wechat/echo?y=2')
    } finally {
      await app.close()
    }
  })

  it('comes from the forwarded headers only with trustHost', async () => {
    const app = await serve(echoAuth(), { trustHost: true })
    try {
      const forwarded = await raw(app.url, '/auth/wechat/echo', {
        'x-forwarded-host': 'app.example:8443',
        'x-forwarded-proto': 'https',
      })
      expect(new URL((JSON.parse(forwarded) as Echo).url).origin).toBe('https://app.example:8443')
      const host = await raw(app.url, '/auth/wechat/echo', { host: 'app.example' })
      expect(new URL((JSON.parse(host) as Echo).url).origin).toBe('http://app.example')
      // A forwarded host that is not a host: fall back to the configured origin.
      const bogus = await raw(app.url, '/auth/wechat/echo', { 'x-forwarded-host': 'a@b/c' })
      expect(new URL((JSON.parse(bogus) as Echo).url).origin).toBe('http://localhost')
    } finally {
      await app.close()
    }
  })

  it("uses the core's baseUrl when the core exposes one", async () => {
    const auth = Object.assign(echoAuth(), { baseUrl: 'https://core.example' })
    const app = await serve(auth)
    try {
      const echo = (await (await app.request('/auth/wechat/echo')).json()) as Echo
      expect(new URL(echo.url).origin).toBe('https://core.example')
    } finally {
      await app.close()
    }
  })
})

describe('node: the building blocks', () => {
  it('toWebRequest and sendWebResponse round-trip a request in a plain server', async () => {
    const server = createServer(async (req, res) => {
      const request = toWebRequest(req, { baseUrl: 'https://app.example' })
      const text = await request.text()
      const headers = new Headers({ 'content-type': 'text/plain' })
      headers.append('set-cookie', 'a=1')
      headers.append('set-cookie', 'b=2')
      await sendWebResponse(
        res,
        new Response(`${request.method} ${request.url} ${text}`, { headers }),
      )
    })
    const url = await listen(server)
    try {
      const response = await fetch(`${url}/x?y=1`, { method: 'PUT', body: '体' })
      expect(await response.text()).toBe('PUT https://app.example/x?y=1 体')
      expect(response.headers.getSetCookie()).toEqual(['a=1', 'b=2'])
    } finally {
      await close(server)
    }
  })

  it('leaves a body the core does not read to node:http, so keep-alive carries on', async () => {
    const app = await serve(echoAuth())
    try {
      for (let i = 0; i < 3; i++) {
        const response = await app.request('/auth/wechat/login', {
          method: 'POST',
          body: 'x'.repeat(256 * 1024),
        })
        expect(response.status).toBe(303)
      }
      expect((await app.request('/auth/wechat/echo')).status).toBe(200)
    } finally {
      await app.close()
    }
  })

  it('streams a large request body to the core', async () => {
    const app = await serve(echoAuth())
    try {
      const body = '体'.repeat(300_000)
      const response = await app.request('/auth/wechat/echo', { method: 'POST', body })
      expect(((await response.json()) as Echo).body).toBe(body)
    } finally {
      await app.close()
    }
  })

  it('calls next for other paths and next(error) when the core fails', async () => {
    const auth = echoAuth()
    const handler = wxauthHandler(auth)
    const calls: unknown[] = []
    const server = createServer(async (req, res) => {
      const handled = await handler(req, res, (error?: unknown) => calls.push(error ?? 'next'))
      if (!handled) res.end(JSON.stringify({ wechat: await getSession(auth, req) }))
      else if (!res.headersSent) res.writeHead(500).end()
    })
    const url = await listen(server)
    try {
      const other = await fetch(`${url}/app`, { headers: { cookie: 'wxauth.session=zhangsan' } })
      expect(await other.json()).toEqual({ wechat: session })
      auth.handle = async () => {
        throw new Error('store down')
      }
      expect((await fetch(`${url}/auth/wechat/login`)).status).toBe(500)
      expect(calls).toEqual(['next', new Error('store down')])
    } finally {
      await close(server)
    }
  })
})

describe('node: a whole login against the emulator', () => {
  it('logs a WeChat user in, shows getSession(auth, req), and logs out', async () => {
    const server = createServer()
    const url = await listen(server)
    const origin = url.replace('127.0.0.1', 'localhost')
    const core = coreFor(origin)
    const { auth } = core
    const handler = wxauthHandler(auth)
    server.on('request', async (req, res) => {
      if (await handler(req, res)) return
      res.setHeader('content-type', 'application/json')
      res.end(JSON.stringify({ wechat: await getSession(auth, req) }))
    })
    try {
      const request = (path: string, init?: RequestInit) =>
        fetch(url + path, { ...init, redirect: 'manual' })
      await logInAndOut({ request, appRoute: '/app' }, core, origin)
    } finally {
      await close(server)
    }
  })
})
