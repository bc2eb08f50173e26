import { NextRequest } from 'next/server.js'
import { describe, expect, it } from 'vitest'
import { getWeChatSession, wxauthRouteHandlers } from '../../src/adapters/next/index.js'
import { type Echo, echoAuth, session } from './echo-auth.js'
import { coreFor, logInAndOut } from './login.js'
import { describeTranslation } from './translation-suite.js'

// What a Next app is made of: the catch-all route's handlers, and a page reading the session.
describeTranslation('next', {
  start: async (auth) => {
    const { GET, POST } = wxauthRouteHandlers(auth)
    const origin = 'https://app.example'
    return {
      origin,
      async request(path, init = {}) {
        const url = new URL(path, origin)
        const request = new NextRequest(url, init as ConstructorParameters<typeof NextRequest>[1])
        if (url.pathname === '/app') {
          return Response.json({ wechat: await getWeChatSession(auth, request) })
        }
        const handler = (init.method ?? 'GET') === 'POST' ? POST : GET
        const response = await handler(request)
        // In a real app, the app's own route would take that path; Next serves the more specific.
        if (response.status === 404 && url.pathname === '/auth/wechat/unknown') {
          return new Response('app route')
        }
        return response
      },
      close: async () => {},
    }
  },
  socket: false,
})

describe('next: route handlers', () => {
  it('answers 404 for a path wxauth does not serve', async () => {
    const { GET } = wxauthRouteHandlers(echoAuth())
    const response = await GET(new Request('https://app.example/auth/wechat/nothing'))
    expect(response.status).toBe(404)
  })

  it("passes the request on as it came, with its signal detached from the browser's", async () => {
    const auth = echoAuth()
    const { GET, POST } = wxauthRouteHandlers(auth)
    const controller = new AbortController()
    const pending = GET(
      new NextRequest('https://app.example/auth/wechat/slow?code=x', { signal: controller.signal }),
    )
    await auth.slowStarted
    controller.abort()
    auth.release()
    expect(await auth.slowFinished).toEqual({ aborted: false })
    expect(await (await pending).text()).toBe('done')
    const posted = await POST(
      new NextRequest('https://app.example/auth/wechat/echo', { method: 'POST', body: 'a=1' }),
    )
    expect(((await posted.json()) as Echo).body).toBe('a=1')
  })
})

describe('next: getWeChatSession', () => {
  const auth = echoAuth()
  const cookie = 'theme=dark; wxauth.session=zhangsan'

  it('reads a Request or a NextRequest (route handlers, middleware)', async () => {
    expect(
      await getWeChatSession(auth, new Request('https://a.example/', { headers: { cookie } })),
    ).toEqual(session)
    expect(
      await getWeChatSession(auth, new NextRequest('https://a.example/', { headers: { cookie } })),
    ).toEqual(session)
    expect(await getWeChatSession(auth, new NextRequest('https://a.example/'))).toBeNull()
  })

  it("reads what Next's headers() gives, awaited or not", async () => {
    // Next's headers() is a read-only Headers, behind a promise since Next 15.
    const headers = new Headers({ cookie })
    expect(await getWeChatSession(auth, headers)).toEqual(session)
    expect(await getWeChatSession(auth, Promise.resolve(headers))).toEqual(session)
    expect(await getWeChatSession(auth, new Headers())).toBeNull()
  })

  it("reads what Next's cookies() gives", async () => {
    // The same RequestCookies class Next's cookies() wraps.
    const { RequestCookies } = await import('next/dist/compiled/@edge-runtime/cookies/index.js')
    const cookies = new RequestCookies(new Headers({ cookie }))
    expect(await getWeChatSession(auth, cookies)).toEqual(session)
    expect(await getWeChatSession(auth, Promise.resolve(cookies))).toEqual(session)
    expect(await getWeChatSession(auth, new RequestCookies(new Headers()))).toBeNull()
    expect(
      await getWeChatSession(auth, {
        getAll: () => [{ name: 'wxauth.session', value: 'zhangsan' }],
      }),
    ).toEqual(session)
  })
})

describe('next: a whole login against the emulator', () => {
  it('logs a WeChat user in through the route handlers, reads it in a "page", and logs out', async () => {
    const origin = 'http://localhost:3000'
    const core = coreFor(origin)
    const { auth } = core
    // app/auth/wechat/[...wxauth]/route.ts
    const { GET, POST } = wxauthRouteHandlers(auth)
    const request = async (path: string, init: RequestInit = {}) => {
      const nextRequest = new NextRequest(
        new URL(path, origin),
        init as ConstructorParameters<typeof NextRequest>[1],
      )
      if (path === '/app') {
        // A server component: `await getWeChatSession(auth, headers())`.
        const headers = Promise.resolve(new Headers(nextRequest.headers))
        return Response.json({ wechat: await getWeChatSession(auth, headers) })
      }
      return (init.method === 'POST' ? POST : GET)(nextRequest)
    }
    await logInAndOut({ request, appRoute: '/app' }, core, origin)
  })
})
