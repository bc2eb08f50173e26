import { describe, expect, it } from 'vitest'
import { createEmulator, type Emulator } from '../helpers/emulator.js'
import { exchange, hrefs, oa, postForm, requestIdOf, web } from './helpers.js'

const HOST = 'http://127.0.0.1:8900'

async function homePage(emu: Emulator, cookie?: string) {
  const res = await emu.fetch(`${HOST}/`, cookie ? { headers: { cookie } } : {})
  return { res, html: await res.text() }
}

/** Follows a link in "a browser" outside WeChat, like a newcomer with nothing but the emulator. */
async function browse(emu: Emulator, url: string, jar: Map<string, string>) {
  const cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ')
  const res = await emu.fetch(new URL(url, HOST), { headers: { cookie }, redirect: 'manual' })
  for (const c of res.headers.getSetCookie()) {
    const [pair] = c.split(';')
    const [k, v] = (pair as string).split('=')
    jar.set(k as string, v as string)
  }
  return { res, html: await res.text(), location: res.headers.get('location') }
}

describe('home page (GET /)', () => {
  it('shows apps (secrets masked), users, the current user and demo links', async () => {
    const emu = createEmulator()
    const { res, html } = await homePage(emu)
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(html).toContain(oa.appId)
    expect(html).toContain(oa.secret.slice(-4))
    expect(html).not.toContain(oa.secret)
    expect(html).toContain('张三')
    const demos = hrefs(html).filter((h) => h.includes('/connect/'))
    expect(demos).toHaveLength(3)
    expect(demos.some((d) => d.includes('scope=snsapi_base'))).toBe(true)
    expect(demos.some((d) => d.includes('scope=snsapi_userinfo'))).toBe(true)
    expect(demos.some((d) => d.includes('/connect/qrconnect') && d.includes(web.appId))).toBe(true)
    for (const d of demos) {
      expect(decodeURIComponent(d)).toContain(`${HOST}/__emulator/demo/callback?app=`)
      expect(d).toMatch(/#wechat_redirect$/)
    }
  })

  it('switches the current user with a form POST (cookie)', async () => {
    const emu = createEmulator()
    const res = await postForm(emu, '/__emulator/current-user', { user: 'lisi' })
    expect(res.status).toBe(303)
    const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] as string
    expect(cookie).toBe('wxemu_user=lisi')
    const { html } = await homePage(emu, cookie)
    expect(html).toMatch(/value="lisi"[^>]*checked|checked[^>]*value="lisi"|selected/)
    expect((await postForm(emu, '/__emulator/current-user', { user: 'nobody' })).status).toBe(400)
  })

  it('lists recent requests, redacted', async () => {
    const emu = createEmulator()
    const code = emu.issueCode({ appId: oa.appId, user: 'zhangsan' })
    await exchange(emu, code)
    const { html } = await homePage(emu)
    expect(html).toContain('/sns/oauth2/access_token')
    expect(html).toContain('[REDACTED]')
    expect(html).not.toContain(code)
  })

  it('serves avatars as SVG', async () => {
    const emu = createEmulator()
    const res = await emu.fetch(`${HOST}/__emulator/avatar/zhangsan.svg`)
    expect(res.headers.get('content-type')).toBe('image/svg+xml; charset=utf-8')
    expect(await res.text()).toMatch(/^<svg/)
    expect((await emu.fetch(`${HOST}/__emulator/avatar/%E0.svg`)).status).toBe(200)
  })
})

describe('demo login by hand, with nothing but the emulator', () => {
  it('official account snsapi_userinfo: outside-WeChat notice → continue → consent → demo callback', async () => {
    const emu = createEmulator()
    const jar = new Map<string, string>()
    const demo = hrefs((await homePage(emu)).html).find((h) =>
      h.includes('snsapi_userinfo'),
    ) as string
    const notice = await browse(emu, demo, jar)
    expect(notice.html).toContain('请在微信客户端打开链接')
    const cont = await browse(
      emu,
      hrefs(notice.html).find((h) => h.includes('/continue')) as string,
      jar,
    )
    const consent = await browse(emu, cont.location as string, jar)
    expect(consent.res.status).toBe(200)
    const done = await postForm(emu, '/__emulator/consent', {
      request: requestIdOf(consent.html),
      user: 'wangwu',
      decision: 'allow',
    })
    const callback = await browse(emu, done.headers.get('location') as string, jar)
    expect(callback.res.status).toBe(200)
    expect(callback.html).toContain(emu.openid(oa.appId, 'wangwu'))
    expect(callback.html).toContain('王五')
    expect(callback.html).toContain('/sns/userinfo')
    expect(callback.html).toContain('[REDACTED]')
    expect(emu.count('sns/oauth2/access_token')).toBe(1)
    expect(emu.count('sns/userinfo')).toBe(1)
  })

  it('official account snsapi_base: silent, no userinfo', async () => {
    const emu = createEmulator({ behaviour: { requireWeChatUserAgent: false } })
    const jar = new Map<string, string>()
    const demo = hrefs((await homePage(emu)).html).find((h) => h.includes('snsapi_base')) as string
    const back = await browse(emu, demo, jar)
    expect(back.res.status).toBe(302)
    const callback = await browse(emu, back.location as string, jar)
    expect(callback.html).toContain(emu.openid(oa.appId, 'zhangsan'))
    expect(emu.count('sns/userinfo')).toBe(0)
  })

  it('website QR login: QR page → simulate scan → demo callback with the profile', async () => {
    const emu = createEmulator()
    const jar = new Map<string, string>([['wxemu_user', 'lisi']])
    const demo = hrefs((await homePage(emu)).html).find((h) =>
      h.includes('/connect/qrconnect'),
    ) as string
    const qr = await browse(emu, demo, jar)
    const scan = /<form method="post" action="([^"]+)"/.exec(qr.html)?.[1] as string
    const done = await postForm(emu, scan, {}, { accept: 'text/html', cookie: 'wxemu_user=lisi' })
    expect(done.status).toBe(303)
    const callback = await browse(emu, done.headers.get('location') as string, jar)
    expect(callback.html).toContain(emu.openid(web.appId, 'lisi'))
    expect(callback.html).toContain('李四')
  })

  it('the demo callback explains a refusal and a failed exchange', async () => {
    const emu = createEmulator()
    const en = { headers: { 'accept-language': 'en' } }
    const refused = await emu.fetch(
      `${HOST}/__emulator/demo/callback?app=${oa.appId}&state=abc`,
      en,
    )
    expect(await refused.text()).toContain('refused')
    const bad = await emu.fetch(
      `${HOST}/__emulator/demo/callback?app=${oa.appId}&code=nonsense&state=abc`,
    )
    expect(await bad.text()).toContain('40029')
    emu.fail('sns/oauth2/access_token', { drop: true })
    const dropped = await emu.fetch(
      `${HOST}/__emulator/demo/callback?app=${oa.appId}&code=nonsense`,
      en,
    )
    expect(dropped.status).toBe(200)
    expect(await dropped.text()).toContain('failed')
  })
})
