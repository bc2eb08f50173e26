/**
 * wxauth/next (issue 12): the WxAuth given lazily, so that `next build` needs no configuration,
 * and the middleware that sends the signed-out to the login.
 */
import { NextRequest } from 'next/server.js'
import { describe, expect, it } from 'vitest'
import {
  getWeChatSession,
  wxauthMiddleware,
  wxauthRouteHandlers,
} from '../../src/adapters/next/index.js'
import type { WxAuth } from '../../src/flow/types.js'
import { defaultOfficialAccount } from '../helpers/emulator.js'
import { echoAuth, session } from './echo-auth.js'
import { coreFor, wechatUserAgent } from './login.js'

const signedIn = { headers: { cookie: 'wxauth.session=zhangsan' } }

/** A function that makes `auth`, counting its calls. */
function counted(auth: () => WxAuth | Promise<WxAuth>) {
  const make = Object.assign(
    () => {
      make.calls++
      return auth()
    },
    { calls: 0 },
  )
  return make
}

describe('next: the WxAuth given as a function', () => {
  it('is not made when the module loads, and once for any number of requests', async () => {
    const auth = echoAuth()
    const make = counted(() => auth)
    // As `next build` evaluates app/auth/wechat/[...wxauth]/route.ts and middleware.ts.
    const { GET, POST } = wxauthRouteHandlers(make)
    const middleware = wxauthMiddleware(make, { protect: '/account' })
    expect(make.calls).toBe(0)

    const answers = await Promise.all([
      GET(new Request('http://localhost/auth/wechat/echo')),
      POST(new Request('http://localhost/auth/wechat/echo', { method: 'POST', body: 'a=1' })),
      middleware(new Request('http://localhost/account', signedIn)),
      getWeChatSession(make, new Request('http://localhost/', signedIn)),
    ])
    expect(answers.map((a) => (a instanceof Response ? a.status : a))).toEqual([
      200,
      200,
      undefined,
      session,
    ])
    expect(make.calls).toBe(1)
    expect(auth.seen).toHaveLength(2)
  })

  it('may be async', async () => {
    const auth = echoAuth()
    const { GET } = wxauthRouteHandlers(async () => auth)
    expect((await GET(new Request('http://localhost/auth/wechat/echo'))).status).toBe(200)
    expect(await getWeChatSession(async () => auth, Promise.resolve(new Headers()))).toBeNull()
  })

  it('is called again on the next request after it threw (a variable set since, a store back up)', async () => {
    const auth = echoAuth()
    let configured = false
    const make = counted(() => {
      if (!configured) throw new Error('Missing configuration: set WXAUTH_SECRET')
      return auth
    })
    const { GET } = wxauthRouteHandlers(make)
    await expect(GET(new Request('http://localhost/auth/wechat/echo'))).rejects.toThrow(
      'Missing configuration',
    )
    configured = true
    expect((await GET(new Request('http://localhost/auth/wechat/echo'))).status).toBe(200)
    expect((await GET(new Request('http://localhost/auth/wechat/echo'))).status).toBe(200)
    expect(make.calls).toBe(2)
  })

  it('must make a WxAuth; anything else is refused with a TypeError', async () => {
    const { GET } = wxauthRouteHandlers((() => ({})) as unknown as () => WxAuth)
    await expect(GET(new Request('http://localhost/auth/wechat/login'))).rejects.toThrow(TypeError)
    for (const bad of [undefined, null, {}, 'auth']) {
      expect(() => wxauthRouteHandlers(bad as unknown as WxAuth)).toThrow(TypeError)
      expect(() => wxauthMiddleware(bad as unknown as WxAuth, { protect: '/' })).toThrow(TypeError)
    }
  })
})

describe('next: wxauthMiddleware', () => {
  const auth = echoAuth() // baseUrl http://localhost, basePath /auth/wechat
  const middleware = wxauthMiddleware(auth, { protect: ['/account', /^\/admin\b/g] })

  it('sends a signed-out page request to the login, which brings it back', async () => {
    for (const method of ['GET', 'HEAD']) {
      const response = await middleware(
        new NextRequest('http://localhost/account/orders?tab=open&x=%2F', { method }),
      )
      expect(response?.status).toBe(307)
      expect(response?.headers.get('location')).toBe(
        `http://localhost/auth/wechat/login?returnTo=${encodeURIComponent('/account/orders?tab=open&x=%2F')}`,
      )
      expect(response?.headers.get('cache-control')).toBe('no-store')
    }
  })

  it('lets a signed-in request through, and every request to a path it does not protect', async () => {
    expect(await middleware(new NextRequest('http://localhost/account', signedIn))).toBeUndefined()
    for (const path of ['/', '/accounts', '/about/account', '/administrator']) {
      expect(await middleware(new NextRequest(`http://localhost${path}`))).toBeUndefined()
    }
  })

  it('answers 401 to what is not a page request, and lets CORS preflights through', async () => {
    const post = await middleware(
      new Request('http://localhost/account', { method: 'POST', body: 'x=1' }),
    )
    expect(post?.status).toBe(401)
    expect(await post?.json()).toMatchObject({ error: 'unauthenticated' })
    const api = await middleware(
      new Request('http://localhost/account/data', {
        headers: { accept: 'application/json', 'accept-language': 'en' },
      }),
    )
    expect(api?.status).toBe(401)
    expect(await api?.json()).toEqual({ error: 'unauthenticated', message: expect.any(String) })
    expect(
      await middleware(new Request('http://localhost/account', { method: 'OPTIONS' })),
    ).toBeUndefined()
  })

  it('protects a path however it is spelled to reach the same page', async () => {
    for (const path of ['/%61ccount', '//account/x', '/account/', '/admin', '/admin/x']) {
      // A RegExp with the g flag gives the same answer every time.
      for (let i = 0; i < 2; i++) {
        const response = await middleware(new Request(`http://localhost${path}`))
        expect(response?.status, path).toBe(307)
      }
    }
  })

  it("never protects wxauth's own routes, so that protect: '/' cannot loop", async () => {
    const everything = wxauthMiddleware(auth, { protect: '/' })
    expect(await everything(new Request('http://localhost/auth/wechat/login'))).toBeUndefined()
    expect(
      await everything(new Request('http://localhost/auth/wechat/callback?code=x&state=y')),
    ).toBeUndefined()
    expect((await everything(new Request('http://localhost/')))?.status).toBe(307)
  })

  it('does not make the WxAuth for a path it does not protect', async () => {
    const make = counted(() => auth)
    const lazy = wxauthMiddleware(make, { protect: '/account' })
    expect(await lazy(new Request('http://localhost/'))).toBeUndefined()
    expect(make.calls).toBe(0)
    expect((await lazy(new Request('http://localhost/account')))?.status).toBe(307)
    expect(make.calls).toBe(1)
  })

  it('refuses a protect that is not paths and RegExps', () => {
    for (const protect of [undefined, [], 'account', ['/a', 3], { path: '/a' }]) {
      expect(() => wxauthMiddleware(auth, { protect } as never)).toThrow(TypeError)
    }
  })
})

describe('next: a login through the middleware, against the emulator', () => {
  it('a signed-out visit to a protected page ends on that page, signed in', async () => {
    const origin = 'http://localhost:3000'
    const core = coreFor(origin)
    const make = counted(() => core.auth)
    // middleware.ts, app/auth/wechat/[...wxauth]/route.ts and app/account/page.tsx
    const middleware = wxauthMiddleware(make, { protect: '/account' })
    const { GET } = wxauthRouteHandlers(make)
    const cookies = new Map<string, string>()
    const browse = async (url: string) => {
      const request = new NextRequest(new URL(url, origin), {
        headers: {
          'user-agent': wechatUserAgent,
          cookie: [...cookies].map(([name, value]) => `${name}=${value}`).join('; '),
        },
      })
      const response =
        (await middleware(request)) ??
        (request.nextUrl.pathname.startsWith('/auth/wechat/')
          ? await GET(request)
          : Response.json(await getWeChatSession(make, request)))
      for (const line of response.headers.getSetCookie()) {
        const [pair = ''] = line.split(';')
        const at = pair.indexOf('=')
        cookies.set(pair.slice(0, at), pair.slice(at + 1))
      }
      return response
    }

    const protectedPage = await browse('/account?tab=orders')
    expect(protectedPage.status).toBe(307)
    const login = await browse(protectedPage.headers.get('location') ?? '')
    expect(login.status).toBe(302)
    const approved = await core.emu.fetch(
      (login.headers.get('location') ?? '').replace(/#.*$/, ''),
      {
        headers: { 'user-agent': wechatUserAgent },
        redirect: 'manual',
      },
    )
    const back = await browse(approved.headers.get('location') ?? '')
    expect(back.status).toBe(303)
    expect(back.headers.get('location')).toBe(`${origin}/account?tab=orders`)
    const page = await browse('/account?tab=orders')
    expect(page.status).toBe(200)
    expect(((await page.json()) as { identity: { openid: string } }).identity.openid).toBe(
      core.emu.openid(defaultOfficialAccount.appId, 'zhangsan'),
    )
    expect(make.calls).toBe(1)
  })
})
