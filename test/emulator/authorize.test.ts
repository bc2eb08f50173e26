import { describe, expect, it } from 'vitest'
import {
  defaultComponent as comp,
  createEmulator,
  defaultApps,
  type Emulator,
  type EmulatorOptions,
} from '../helpers/emulator.js'
import {
  authorizeUrl,
  exchange,
  hrefs,
  OPEN,
  oa,
  openInWeChat,
  postForm,
  queryOf,
  requestIdOf,
  web,
  wecomUA,
} from './helpers.js'

const page = (html: string, code: number) => expect(html).toContain(`错误码：${code}`)

describe('oauth2/authorize outside WeChat (§2.2, §13)', () => {
  it('shows "请在微信客户端打开链接" to a normal browser, checked before anything else', async () => {
    const emu = createEmulator()
    const res = await emu.fetch(`${OPEN}/connect/oauth2/authorize?nothing=valid`, {
      redirect: 'manual',
    })
    expect(res.status).toBe(200)
    const html = await res.text()
    expect(html).toContain('请在微信客户端打开链接')
    expect(html).not.toContain('错误码')
  })

  it('treats WeCom (wxwork, which also says MicroMessenger) as outside WeChat', async () => {
    const emu = createEmulator()
    const { html } = await openInWeChat(emu, authorizeUrl(), { headers: { 'user-agent': wecomUA } })
    expect(html).toContain('请在微信客户端打开链接')
    expect(html).toContain('wxwork')
  })

  it('continueUrl sets a cookie that lets this browser continue (local development)', async () => {
    const emu = createEmulator()
    emu.autoApprove(null)
    const first = await emu.fetch(authorizeUrl({ scope: 'snsapi_base' }), { redirect: 'manual' })
    const cont = hrefs(await first.text()).find((h) => h.startsWith('/__emulator/continue'))
    expect(cont).toBeDefined()
    const res = await emu.fetch(`http://127.0.0.1:8900${cont}`, { redirect: 'manual' })
    expect(res.status).toBe(302)
    const cookie = res.headers.get('set-cookie') ?? ''
    expect(cookie).toMatch(/^wxemu_continue=1;.*HttpOnly/)
    const location = res.headers.get('location') as string
    expect(location).toMatch(/^\/connect\/oauth2\/authorize\?appid=/)
    const again = await emu.fetch(`http://127.0.0.1:8900${location}`, {
      headers: { cookie: cookie.split(';')[0] as string },
      redirect: 'manual',
    })
    expect(again.status).toBe(302)
    expect(queryOf(again.headers.get('location')).get('code')).toMatch(/^[A-Za-z0-9]{32}$/)
  })

  it('the continue link never redirects off the emulator', async () => {
    const emu = createEmulator()
    for (const to of ['https://evil.example/', '//evil.example/', '/\\evil.example']) {
      const res = await emu.fetch(
        `http://127.0.0.1:8900/__emulator/continue?to=${encodeURIComponent(to)}`,
        {
          redirect: 'manual',
        },
      )
      expect(res.headers.get('location')).toBe('/')
    }
  })

  it('requireWeChatUserAgent: false skips the check', async () => {
    const emu = createEmulator({ behaviour: { requireWeChatUserAgent: false } })
    const res = await emu.fetch(authorizeUrl({ scope: 'snsapi_base' }), { redirect: 'manual' })
    expect(res.status).toBe(302)
  })
})

describe('oauth2/authorize error pages (§2.3), in order', () => {
  const cases: [string, string, number | undefined, EmulatorOptions?][] = [
    ['appid missing', authorizeUrl({ appid: '' }), 10012],
    ['open-platform (website) appid', authorizeUrl({ appid: web.appId }), 10016],
    ['redirect_uri missing', authorizeUrl({ redirect_uri: '' }), 10011],
    ['scope missing', authorizeUrl({ scope: '' }), 10010],
    ['snsapi_login scope', authorizeUrl({ scope: 'snsapi_login' }), 10005],
    ['unknown scope', authorizeUrl({ scope: 'snsapi_base,snsapi_all' }), 10005],
    ['mini program appid', authorizeUrl({ appid: 'wx3b9f0e7c6a2d1845' }), 10005],
    ['foreign domain', authorizeUrl({ redirect_uri: 'https://evil.example/cb' }), 10003],
    ['subdomain', authorizeUrl({ redirect_uri: 'http://sub.localhost/cb' }), 10003],
    ['not http(s)', authorizeUrl({ redirect_uri: 'javascript:alert(1)' }), 10003],
    ['unparseable redirect_uri', authorizeUrl({ redirect_uri: 'not a url' }), 10003],
    [
      'unknown component_appid',
      authorizeUrl({ extra: 'component_appid=wx0000000000000000' }),
      10015,
    ],
    ['state over 128 bytes', authorizeUrl({ state: 'a'.repeat(129) }), undefined],
    [
      'state of 43 Chinese characters (129 bytes)',
      authorizeUrl({ state: '中'.repeat(43) }),
      undefined,
    ],
    ['unknown appid', authorizeUrl({ appid: 'wx0000000000000000' }), undefined],
    [
      'response_type not code',
      authorizeUrl().replace('response_type=code', 'response_type=token'),
      undefined,
    ],
  ]
  it.each(cases)('%s', async (_name, url, code, options) => {
    const { status, html, res } = await openInWeChat(createEmulator(options), url)
    expect(status).toBe(200)
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8')
    if (code === undefined) {
      expect(html).toContain('该链接无法访问')
      expect(html).not.toContain('错误码')
    } else page(html, code)
  })

  it('10003 explains the domain rule with a developer hint', async () => {
    const { html } = await openInWeChat(
      createEmulator(),
      authorizeUrl({ redirect_uri: 'https://evil.example/cb' }),
    )
    expect(html).toContain('redirect_uri域名与后台配置不一致')
    expect(html).toContain('微信不接受其中带端口')
  })

  it('10003 for a port the app’s domains do not allow; host:port allows exactly that port', async () => {
    const apps = defaultApps.map((a) =>
      a.appId === oa.appId ? { ...a, domains: ['example.com', 'dev.example.com:8443'] } : a,
    )
    const emu = createEmulator({ apps })
    emu.autoApprove('zhangsan', { keep: true })
    page(
      (await openInWeChat(emu, authorizeUrl({ redirect_uri: 'https://example.com:8443/cb' }))).html,
      10003,
    )
    page(
      (await openInWeChat(emu, authorizeUrl({ redirect_uri: 'https://dev.example.com:9000/cb' })))
        .html,
      10003,
    )
    expect(
      (await openInWeChat(emu, authorizeUrl({ redirect_uri: 'https://example.com/cb' }))).status,
    ).toBe(302)
    expect(
      (await openInWeChat(emu, authorizeUrl({ redirect_uri: 'https://dev.example.com:8443/cb' })))
        .status,
    ).toBe(302)
  })

  it('reports the first problem: appid before scope, scope before domain', async () => {
    const emu = createEmulator()
    page((await openInWeChat(emu, authorizeUrl({ appid: '', scope: '' }))).html, 10012)
    page(
      (
        await openInWeChat(
          emu,
          authorizeUrl({ scope: 'snsapi_login', redirect_uri: 'https://x.example/' }),
        )
      ).html,
      10005,
    )
  })

  it('parameter order: out of order → error page; strictParamOrder: false accepts it', async () => {
    const url = `${OPEN}/connect/oauth2/authorize?redirect_uri=${encodeURIComponent('http://localhost/cb')}&appid=${oa.appId}&response_type=code&scope=snsapi_base&state=s`
    const strict = await openInWeChat(createEmulator(), url)
    expect(strict.html).toContain('该链接无法访问')
    expect(strict.html).toContain('order')
    expect(
      (await openInWeChat(createEmulator({ behaviour: { strictParamOrder: false } }), url)).status,
    ).toBe(302)
  })

  it('strictStateCharset rejects non-alphanumeric state', async () => {
    const url = authorizeUrl({ state: 'a+b/c=', scope: 'snsapi_base' })
    expect((await openInWeChat(createEmulator(), url)).status).toBe(302)
    const strict = await openInWeChat(
      createEmulator({ behaviour: { strictStateCharset: true } }),
      url,
    )
    expect(strict.html).toContain('该链接无法访问')
  })

  it('10015 when the official account did not authorize the component', async () => {
    const apps = defaultApps.map((a) =>
      a.appId === oa.appId ? { ...a, authorizedComponents: [] } : a,
    )
    const { html } = await openInWeChat(
      createEmulator({ apps }),
      authorizeUrl({ extra: `component_appid=${comp.appId}` }),
    )
    page(html, 10015)
    expect(html).toContain('公众号未授权第三方平台')
  })

  it('pages carry no-store, DENY framing and a CSP with frame-ancestors none', async () => {
    const { res } = await openInWeChat(createEmulator(), authorizeUrl({ appid: '' }))
    expect(res.headers.get('cache-control')).toBe('no-store')
    expect(res.headers.get('x-frame-options')).toBe('DENY')
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'")
  })
})

async function consentFlow(emu: Emulator, url = authorizeUrl(), cookie?: string) {
  const shown = await openInWeChat(emu, url, cookie ? { headers: { cookie } } : {})
  return { ...shown, requestId: shown.status === 200 ? requestIdOf(shown.html) : undefined }
}

describe('oauth2/authorize flows (§2.2)', () => {
  it('snsapi_base is silent: 302 with a code for the browser’s current user (first real user by default)', async () => {
    const emu = createEmulator()
    const { status, location } = await openInWeChat(emu, authorizeUrl({ scope: 'snsapi_base' }))
    expect(status).toBe(302)
    expect(location).toMatch(
      /^http:\/\/localhost:3000\/callback\?code=[A-Za-z0-9]{32}&state=xyz123$/,
    )
    const t = await exchange(emu, queryOf(location).get('code') as string)
    expect(t.body).toMatchObject({ openid: emu.openid(oa.appId, 'zhangsan'), scope: 'snsapi_base' })
  })

  it('the user cookie picks who the browser is', async () => {
    const emu = createEmulator()
    const { location } = await openInWeChat(emu, authorizeUrl({ scope: 'snsapi_base' }), {
      headers: { cookie: 'wxemu_user=lisi' },
    })
    const t = await exchange(emu, queryOf(location).get('code') as string)
    expect(t.body.openid).toBe(emu.openid(oa.appId, 'lisi'))
  })

  it('snsapi_userinfo shows the consent page; allowing redirects with code and state', async () => {
    const emu = createEmulator()
    const { status, html, requestId } = await consentFlow(emu)
    expect(status).toBe(200)
    expect(html).toContain('snsapi_userinfo')
    const res = await postForm(emu, '/__emulator/consent', {
      request: requestId as string,
      user: 'lisi',
      decision: 'allow',
    })
    expect(res.status).toBe(302)
    expect(res.headers.get('set-cookie')).toMatch(/^wxemu_user=lisi;/)
    const q = queryOf(res.headers.get('location'))
    expect(q.get('state')).toBe('xyz123')
    const t = await exchange(emu, q.get('code') as string)
    expect(t.body).toMatchObject({ openid: emu.openid(oa.appId, 'lisi'), scope: 'snsapi_userinfo' })
    // The pending request is answered once.
    const twice = await postForm(emu, '/__emulator/consent', {
      request: requestId as string,
      user: 'lisi',
      decision: 'allow',
    })
    expect(twice.status).toBe(200)
    expect(await twice.text()).toContain('该链接无法访问')
  })

  it('keeps the redirect_uri as given: & after an existing query, code before the #fragment', async () => {
    const emu = createEmulator()
    emu.autoApprove('zhangsan')
    const { location } = await openInWeChat(
      emu,
      authorizeUrl({
        redirect_uri: 'http://localhost:3000/cb?next=%2Fhome&x=1#/spa/route',
        state: '',
      }),
    )
    expect(location).toMatch(
      /^http:\/\/localhost:3000\/cb\?next=%2Fhome&x=1&code=[A-Za-z0-9]{32}&state=#\/spa\/route$/,
    )
  })

  it('remembers consent for 30 days (silent), unless forcePopup=true', async () => {
    const emu = createEmulator()
    const { requestId } = await consentFlow(emu)
    await postForm(emu, '/__emulator/consent', {
      request: requestId as string,
      user: 'zhangsan',
      decision: 'allow',
    })
    expect((await openInWeChat(emu, authorizeUrl())).status).toBe(302)
    expect((await openInWeChat(emu, authorizeUrl({ extra: 'forcePopup=true' }))).status).toBe(200)
    emu.clock.advance(30 * 86_400)
    expect((await openInWeChat(emu, authorizeUrl())).status).toBe(200)
  })

  it('rememberConsentDays: 0 always asks', async () => {
    const emu = createEmulator({ behaviour: { rememberConsentDays: 0 } })
    const { requestId } = await consentFlow(emu)
    await postForm(emu, '/__emulator/consent', {
      request: requestId as string,
      user: 'zhangsan',
      decision: 'allow',
    })
    expect((await openInWeChat(emu, authorizeUrl())).status).toBe(200)
  })

  it('refusal "redirect" (default): redirect_uri?state=STATE, no code', async () => {
    const emu = createEmulator()
    const { requestId } = await consentFlow(emu)
    const res = await postForm(emu, '/__emulator/consent', {
      request: requestId as string,
      user: 'zhangsan',
      decision: 'deny',
    })
    expect(res.status).toBe(302)
    expect(res.headers.get('location')).toBe('http://localhost:3000/callback?state=xyz123')
  })

  it('refusal "none": no redirect, a page', async () => {
    const emu = createEmulator({ behaviour: { refusal: 'none' } })
    const { requestId } = await consentFlow(emu)
    const res = await postForm(emu, '/__emulator/consent', {
      request: requestId as string,
      user: 'zhangsan',
      decision: 'deny',
    })
    expect(res.status).toBe(200)
    expect(res.headers.get('location')).toBeNull()
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8')
  })

  it('rejects a consent without a valid decision or user', async () => {
    const emu = createEmulator()
    const { requestId } = await consentFlow(emu)
    for (const fields of [
      { request: requestId as string, user: 'zhangsan', decision: 'maybe' },
      { request: requestId as string, user: 'nobody', decision: 'allow' },
      { request: requestId as string, user: 'snapshot', decision: 'allow' },
      { request: 'forged', user: 'zhangsan', decision: 'allow' },
    ]) {
      const res = await postForm(emu, '/__emulator/consent', fields)
      expect(res.status).toBe(200)
      expect(res.headers.get('location')).toBeNull()
    }
  })

  it('a snapshot user gets the snapshot page; browsing returns a code with is_snapshotuser', async () => {
    const emu = createEmulator()
    const { status, html } = await openInWeChat(emu, authorizeUrl(), {
      headers: { cookie: 'wxemu_user=snapshot' },
    })
    expect(status).toBe(200)
    expect(html).toContain('使用完整服务')
    const browse = hrefs(html).find((h) => h.includes('/snapshot/browse')) as string
    const res = await emu.fetch(`http://127.0.0.1:8900${browse}`, {
      headers: { cookie: 'wxemu_user=snapshot' },
      redirect: 'manual',
    })
    expect(res.status).toBe(302)
    const t = await exchange(emu, queryOf(res.headers.get('location')).get('code') as string)
    expect(t.body).toMatchObject({ is_snapshotuser: 1, openid: emu.openid(oa.appId, 'snapshot') })
  })

  it('forceSnapShot=true: snapshot page; browse → virtual ids; "使用完整服务" → consent as the real user', async () => {
    const emu = createEmulator()
    const url = authorizeUrl({ extra: 'forceSnapShot=true' })
    const first = await openInWeChat(emu, url)
    const browse = hrefs(first.html).find((h) => h.includes('/snapshot/browse')) as string
    const res = await emu.fetch(`http://127.0.0.1:8900${browse}`, { redirect: 'manual' })
    const virtual = await exchange(emu, queryOf(res.headers.get('location')).get('code') as string)
    expect(virtual.body.is_snapshotuser).toBe(1)
    expect(virtual.body.openid).not.toBe(emu.openid(oa.appId, 'zhangsan'))

    const second = await openInWeChat(emu, url)
    const full = hrefs(second.html).find((h) => h.includes('/snapshot/full')) as string
    const consent = await emu.fetch(`http://127.0.0.1:8900${full}`)
    const requestId = requestIdOf(await consent.text())
    const done = await postForm(emu, '/__emulator/consent', {
      request: requestId,
      user: 'zhangsan',
      decision: 'allow',
    })
    const real = await exchange(emu, queryOf(done.headers.get('location')).get('code') as string)
    expect(real.body.is_snapshotuser).toBeUndefined()
    expect(real.body.openid).toBe(emu.openid(oa.appId, 'zhangsan'))
    // Recently authorized: forceSnapShot no longer applies.
    expect((await openInWeChat(emu, url)).status).toBe(302)
  })

  it('auto-approve answers 302 at once inside WeChat (allow: code; deny: state only), no page', async () => {
    const emu = createEmulator()
    emu.autoApprove('wangwu')
    const res = await openInWeChat(emu, authorizeUrl())
    expect(res.status).toBe(302)
    const t = await exchange(emu, queryOf(res.location).get('code') as string)
    expect(t.body.openid).toBe(emu.openid(oa.appId, 'wangwu'))
    emu.autoApprove('wangwu', { decision: 'deny' })
    const denied = await openInWeChat(emu, authorizeUrl())
    expect(denied.location).toBe('http://localhost:3000/callback?state=xyz123')
    emu.autoApprove('wangwu', { keep: true })
    emu.autoApprove(null)
    expect((await openInWeChat(emu, authorizeUrl())).status).toBe(200)
  })

  it('auto-approve still validates the link', async () => {
    const emu = createEmulator()
    emu.autoApprove('zhangsan')
    page(
      (await openInWeChat(emu, authorizeUrl({ redirect_uri: 'https://evil.example/' }))).html,
      10003,
    )
    expect(() => emu.autoApprove('nobody')).toThrow(/nobody/)
  })

  it('Location survives non-ASCII and spaces in redirect_uri (percent-encoded)', async () => {
    const emu = createEmulator()
    emu.autoApprove('zhangsan')
    const { status, location } = await openInWeChat(
      emu,
      authorizeUrl({ redirect_uri: 'http://localhost/回调 x' }),
    )
    expect(status).toBe(302)
    expect(location).toMatch(/^http:\/\/localhost\/%E5%9B%9E%E8%B0%83%20x\?code=/)
  })
})
