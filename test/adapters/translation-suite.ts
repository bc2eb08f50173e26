/**
 * What every adapter must translate faithfully, run against each real framework with the echoing
 * WxAuth of echo-auth.ts.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  authorizeLocation,
  type Echo,
  type EchoAuth,
  echoAuth,
  html,
  session,
  streamChunks,
} from './echo-auth.js'

export interface Harness {
  /** Sends a request to the app; never follows redirects. */
  request(path: string, init?: RequestInit): Promise<Response>
  /** The origin the core must see in `request.url`. */
  origin: string
  close(): Promise<void>
}

export interface SuiteOptions {
  /**
   * The app answers `GET /app` with `{ wechat }`, its idiom's session, and `GET /auth/wechat/unknown`
   * (a path the core passes on) with status 200 and the text `app route`.
   */
  start(auth: EchoAuth): Promise<Harness>
  /** Requests go over a real socket, so a client can disconnect. */
  socket: boolean
}

const target = '/auth/wechat/echo?a=1&a=2&q=%E4%BD%A0%20x&empty=&flag'

export function describeTranslation(name: string, options: SuiteOptions): void {
  describe(`${name}: translation`, () => {
    let auth: EchoAuth
    let app: Harness
    beforeEach(async () => {
      auth = echoAuth()
      app = await options.start(auth)
    })
    afterEach(async () => {
      auth.release()
      await app.close()
    })

    it('hands the core the method, the path and query as sent, and every header', async () => {
      const response = await app.request(target, {
        headers: {
          'x-test': 'hello',
          cookie: 'wxauth.session=zhangsan; other=1',
          'user-agent': 'Mozilla/5.0 MicroMessenger/8.0.50',
          'x-forwarded-host': 'evil.example',
        },
      })
      expect(response.status).toBe(200)
      const echo = (await response.json()) as Echo
      expect(echo.method).toBe('GET')
      const url = new URL(echo.url)
      expect(url.origin).toBe(app.origin)
      expect(`${url.pathname}${url.search}`).toBe(target)
      expect(echo.query).toEqual([
        ['a', '1'],
        ['a', '2'],
        ['q', '你 x'],
        ['empty', ''],
        ['flag', ''],
      ])
      const headers = new Headers(echo.headers)
      expect(headers.get('x-test')).toBe('hello')
      expect(headers.get('cookie')).toBe('wxauth.session=zhangsan; other=1')
      expect(headers.get('user-agent')).toBe('Mozilla/5.0 MicroMessenger/8.0.50')
      expect(echo.body).toBeNull()
    })

    it('hands the core a POST form body byte for byte', async () => {
      const form = 'a=1&a=2&msg=%E4%BD%A0%E5%A5%BD&returnTo=%2Fme%3Fx%3D1'
      const response = await app.request('/auth/wechat/echo', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: app.origin },
        body: form,
      })
      const echo = (await response.json()) as Echo
      expect(echo.method).toBe('POST')
      expect(echo.body).toBe(form)
      const headers = new Headers(echo.headers)
      expect(headers.get('content-type')).toBe('application/x-www-form-urlencoded')
      expect(headers.get('origin')).toBe(app.origin)
    })

    it('sends back the status, the headers and each Set-Cookie on its own', async () => {
      const response = await app.request('/auth/wechat/echo')
      expect(response.status).toBe(200)
      expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8')
      expect(response.headers.get('x-repeated')).toBe('one, two')
      expect(response.headers.getSetCookie()).toEqual([
        'wxauth.a=1; Path=/; HttpOnly; SameSite=Lax',
        'wxauth.b=two, with a comma; Path=/auth; Max-Age=60',
      ])
    })

    it('sends a 303 with its Location untouched (fragment included) and its cookies', async () => {
      const response = await app.request('/auth/wechat/login?returnTo=%2Fme')
      expect(response.status).toBe(303)
      expect(response.headers.get('location')).toBe(authorizeLocation)
      expect(response.headers.get('cache-control')).toBe('no-store')
      expect(response.headers.getSetCookie()).toEqual([
        'wxauth.tx=Ab12Cd34; Path=/auth/wechat; HttpOnly; Max-Age=600',
        'wxauth.rt=%2Fme; Path=/auth/wechat; HttpOnly; Max-Age=600',
      ])
      expect(await response.text()).toBe('')
    })

    it('sends an HTML page with its status and content type', async () => {
      const response = await app.request('/auth/wechat/error-page')
      expect(response.status).toBe(400)
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8')
      expect(await response.text()).toBe(html)
    })

    it('streams a body', async () => {
      const response = await app.request('/auth/wechat/stream')
      expect(response.status).toBe(200)
      expect(await response.text()).toBe(streamChunks.join(''))
    })

    it('passes a path the core does not serve on to the app', async () => {
      const response = await app.request('/auth/wechat/unknown')
      expect(response.status).toBe(200)
      expect(await response.text()).toBe('app route')
      expect(auth.seen.map((r) => new URL(r.url).pathname)).toContain('/auth/wechat/unknown')
    })

    it("gives the app's routes the session, or null", async () => {
      const signedIn = await app.request('/app', {
        headers: { cookie: 'theme=dark; wxauth.session=zhangsan' },
      })
      expect(signedIn.status).toBe(200)
      expect(await signedIn.json()).toEqual({ wechat: session })
      const anonymous = await app.request('/app')
      expect(await anonymous.json()).toEqual({ wechat: null })
      expect(auth.seen).toEqual([])
    })

    it('logs out: POST, 303 to /, the session cookie cleared', async () => {
      const response = await app.request('/auth/wechat/logout', {
        method: 'POST',
        headers: { origin: app.origin, cookie: 'wxauth.session=zhangsan' },
      })
      expect(response.status).toBe(303)
      expect(response.headers.get('location')).toBe('/')
      expect(response.headers.getSetCookie()).toEqual(['wxauth.session=; Path=/; Max-Age=0'])
    })

    it.runIf(options.socket)('lets the core finish when the browser disconnects', async () => {
      const controller = new AbortController()
      const pending = app.request('/auth/wechat/slow', { signal: controller.signal })
      await auth.slowStarted
      controller.abort()
      await expect(pending).rejects.toThrow()
      auth.release()
      expect(await auth.slowFinished).toEqual({ aborted: false })
      // The server is still fine afterwards.
      const after = await app.request('/auth/wechat/echo')
      expect(after.status).toBe(200)
    })
  })
}
