import { describe, expect, it } from 'vitest'
import { createEmulator, type Emulator } from '../helpers/emulator.js'
import { authorizeUrl, exchange, hrefs, oa, postForm, queryOf, web } from './helpers.js'

const qrUrl = (p: Parameters<typeof authorizeUrl>[0] = {}) =>
  authorizeUrl({ appid: web.appId, scope: 'snsapi_login', ...p }, '/connect/qrconnect')

async function openQr(emu: Emulator, url = qrUrl(), headers: HeadersInit = {}) {
  const res = await emu.fetch(url, { headers, redirect: 'manual' })
  const html = await res.text()
  const status = /data-status-url="([^"]+)"/.exec(html)?.[1]
  const scan = /<form method="post" action="([^"]+)"/.exec(html)?.[1]
  const confirm = hrefs(html).find((h) => h.includes('/confirm'))
  return { res, html, statusPath: status, scanPath: scan, confirmUrl: confirm }
}

async function pollStatus(emu: Emulator, path: string) {
  const res = await emu.fetch(`http://127.0.0.1:8900${path}`)
  return { status: res.status, body: (await res.json()) as { status: string; redirect?: string } }
}

describe('connect/qrconnect (§7)', () => {
  it('shows a QR page whose QR encodes an absolute confirm URL on the emulator', async () => {
    const emu = createEmulator({ publicUrl: 'http://192.168.1.20:8900' })
    const { res, html, confirmUrl, statusPath, scanPath } = await openQr(emu)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(html).toContain('<svg')
    expect(confirmUrl).toMatch(
      /^http:\/\/192\.168\.1\.20:8900\/__emulator\/qr\/[A-Za-z0-9]+\/confirm$/,
    )
    expect(statusPath).toMatch(/^\/__emulator\/qr\/[A-Za-z0-9]+\/status$/)
    expect(scanPath).toMatch(/^\/__emulator\/qr\/[A-Za-z0-9]+\/scan$/)
  })

  it('needs no WeChat User-Agent (it is a desktop page)', async () => {
    const { res } = await openQr(createEmulator(), qrUrl(), {
      'user-agent': 'Mozilla/5.0 (Windows NT 10.0)',
    })
    expect(res.status).toBe(200)
  })

  it('phone flow: confirm page marks scanned, allowing confirms, the page gets the callback URL', async () => {
    const emu = createEmulator()
    const { statusPath, confirmUrl } = await openQr(emu)
    expect((await pollStatus(emu, statusPath as string)).body).toEqual({ status: 'waiting' })
    const page = await emu.fetch(confirmUrl as string)
    expect(page.status).toBe(200)
    expect((await pollStatus(emu, statusPath as string)).body).toEqual({ status: 'scanned' })
    const post = await postForm(emu, new URL(confirmUrl as string).pathname, {
      user: 'lisi',
      decision: 'allow',
    })
    expect(post.status).toBe(200)
    const { body } = await pollStatus(emu, statusPath as string)
    expect(body.status).toBe('confirmed')
    expect(body.redirect).toMatch(
      /^http:\/\/localhost:3000\/callback\?code=[A-Za-z0-9]{32}&state=xyz123$/,
    )
    const t = await exchange(emu, queryOf(body.redirect as string).get('code') as string, web)
    expect(t.body).toMatchObject({ openid: emu.openid(web.appId, 'lisi'), scope: 'snsapi_login' })
    expect(t.body.unionid).toBe(emu.unionid(oa.appId, 'lisi'))
  })

  it('phone flow: denying gives the page redirect_uri?state= only', async () => {
    const emu = createEmulator()
    const { statusPath, confirmUrl } = await openQr(emu)
    await postForm(emu, new URL(confirmUrl as string).pathname, { user: 'lisi', decision: 'deny' })
    expect((await pollStatus(emu, statusPath as string)).body).toEqual({
      status: 'denied',
      redirect: 'http://localhost:3000/callback?state=xyz123',
    })
  })

  it('refusal "none": denied without a redirect', async () => {
    const emu = createEmulator({ behaviour: { refusal: 'none' } })
    const { statusPath, confirmUrl } = await openQr(emu)
    await postForm(emu, new URL(confirmUrl as string).pathname, { user: 'lisi', decision: 'deny' })
    expect((await pollStatus(emu, statusPath as string)).body).toEqual({ status: 'denied' })
  })

  it('simulate scan (a form POST) confirms as the current user and redirects to the callback', async () => {
    const emu = createEmulator()
    const { scanPath, statusPath } = await openQr(emu)
    const res = await postForm(
      emu,
      scanPath as string,
      {},
      { accept: 'text/html', cookie: 'wxemu_user=wangwu' },
    )
    expect(res.status).toBe(303)
    const location = res.headers.get('location') as string
    expect((await pollStatus(emu, statusPath as string)).body.redirect).toBe(location)
    const t = await exchange(emu, queryOf(location).get('code') as string, web)
    expect(t.body.openid).toBe(emu.openid(web.appId, 'wangwu'))
  })

  it('simulate scan from script (JSON) answers the status', async () => {
    const emu = createEmulator()
    const { scanPath } = await openQr(emu)
    const res = await emu.fetch(`http://127.0.0.1:8900${scanPath}`, { method: 'POST' })
    const body = (await res.json()) as { status: string; redirect: string }
    expect(body.status).toBe('confirmed')
    expect(queryOf(body.redirect).get('code')).toMatch(/^[A-Za-z0-9]{32}$/)
  })

  it('QR sessions expire after qrTtl', async () => {
    const emu = createEmulator({ behaviour: { qrTtl: 60 } })
    const { statusPath, confirmUrl, scanPath } = await openQr(emu)
    emu.clock.advance(60)
    expect((await pollStatus(emu, statusPath as string)).body).toEqual({ status: 'expired' })
    const scan = await emu.fetch(`http://127.0.0.1:8900${scanPath}`, { method: 'POST' })
    expect(((await scan.json()) as { status: string }).status).toBe('expired')
    const post = await postForm(emu, new URL(confirmUrl as string).pathname, {
      user: 'lisi',
      decision: 'allow',
    })
    expect(post.status).toBe(200)
    expect((await pollStatus(emu, statusPath as string)).body).toEqual({ status: 'expired' })
    expect((await pollStatus(emu, '/__emulator/qr/unknown/status')).status).toBe(404)
  })

  it('website codes live 600 s', async () => {
    const emu = createEmulator()
    const { scanPath } = await openQr(emu)
    const res = await emu.fetch(`http://127.0.0.1:8900${scanPath}`, { method: 'POST' })
    const code = queryOf(((await res.json()) as { redirect: string }).redirect).get(
      'code',
    ) as string
    emu.clock.advance(599)
    expect((await exchange(emu, code, web)).body).toHaveProperty('access_token')
  })

  it('lang=en renders the page in English; default cn is Chinese', async () => {
    const en = await openQr(createEmulator(), qrUrl({ extra: 'lang=en' }))
    expect(en.html).toContain('lang="en"')
    const cn = await openQr(createEmulator())
    expect(cn.html).toContain('lang="zh-CN"')
  })

  it('auto-approve answers 302 at once', async () => {
    const emu = createEmulator()
    emu.autoApprove('zhangsan')
    const res = await emu.fetch(qrUrl(), { redirect: 'manual' })
    expect(res.status).toBe(302)
    const t = await exchange(emu, queryOf(res.headers.get('location')).get('code') as string, web)
    expect(t.body.openid).toBe(emu.openid(web.appId, 'zhangsan'))
    emu.autoApprove('zhangsan', { decision: 'deny' })
    const denied = await emu.fetch(qrUrl(), { redirect: 'manual' })
    expect(denied.headers.get('location')).toBe('http://localhost:3000/callback?state=xyz123')
  })

  it.each([
    ['appid missing', qrUrl({ appid: '' }), 10012],
    ['official account appid', qrUrl({ appid: oa.appId }), 10005],
    ['snsapi_base scope', qrUrl({ scope: 'snsapi_base' }), 10005],
    ['redirect_uri missing', qrUrl({ redirect_uri: '' }), 10011],
    ['scope missing', qrUrl({ scope: '' }), 10010],
    ['foreign domain', qrUrl({ redirect_uri: 'https://evil.example/cb' }), 10003],
    ['unknown appid', qrUrl({ appid: 'wx0000000000000000' }), undefined],
    ['state over 128 bytes', qrUrl({ state: 'x'.repeat(200) }), undefined],
  ])('%s → error page', async (_name, url, code) => {
    const { html, res } = await openQr(createEmulator(), url)
    expect(res.status).toBe(200)
    if (code === undefined) expect(html).toContain('该链接无法访问')
    else expect(html).toContain(`错误码：${code}`)
  })

  it('accepts parameters in any order (SDKs send them so)', async () => {
    const url = `https://open.weixin.qq.com/connect/qrconnect?scope=snsapi_login&appid=${web.appId}&state=s&redirect_uri=${encodeURIComponent('http://localhost/cb')}&response_type=code`
    expect((await openQr(createEmulator(), url)).res.status).toBe(200)
  })
})
