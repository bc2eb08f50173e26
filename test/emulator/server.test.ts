import { Agent, get } from 'node:http'
import type { Socket } from 'node:net'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { defaultComponent as comp, createEmulator, type Emulator } from '../helpers/emulator.js'
import { authorizeUrl, oa, queryOf, requestIdOf, startTimer, web, wechatUA } from './helpers.js'

let emu: Emulator
let base: string

beforeEach(async () => {
  emu = createEmulator()
  base = (await emu.listen({ port: 0 })).url
})

afterEach(async () => {
  await emu.close()
})

const onServer = (url: string) => {
  const u = new URL(url)
  return `${base}${u.pathname}${u.search}`
}

describe('over a real socket (node:http)', () => {
  it('listens on 127.0.0.1 with an ephemeral port and reports its URL', () => {
    expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(emu.url).toBe(base)
  })

  it('serves api.weixin.qq.com paths: code exchange, userinfo', async () => {
    const code = emu.issueCode({ appId: oa.appId, user: 'zhangsan' })
    const res = await fetch(
      `${base}/sns/oauth2/access_token?appid=${oa.appId}&secret=${oa.secret}&code=${code}&grant_type=authorization_code`,
    )
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/json; encoding=utf-8')
    const t = (await res.json()) as { access_token: string; openid: string }
    const info = await fetch(
      `${base}/sns/userinfo?access_token=${t.access_token}&openid=${t.openid}`,
    )
    const body = (await info.json()) as { nickname: string; headimgurl: string }
    expect(body.nickname).toBe('张三')
    expect(body.headimgurl).toBe(`${base}/__emulator/avatar/zhangsan.svg`)
    expect((await fetch(body.headimgurl)).headers.get('content-type')).toBe(
      'image/svg+xml; charset=utf-8',
    )
  })

  it('serves open.weixin.qq.com paths: authorize answers a 302 (redirect: manual)', async () => {
    emu.autoApprove('lisi')
    const res = await fetch(onServer(authorizeUrl()), {
      headers: { 'user-agent': wechatUA },
      redirect: 'manual',
    })
    expect(res.status).toBe(302)
    expect(res.headers.get('location')).toMatch(
      /^http:\/\/localhost:3000\/callback\?code=[A-Za-z0-9]{32}&state=xyz123$/,
    )
  })

  it('consent flow over HTTP with cookies', async () => {
    const page = await fetch(onServer(authorizeUrl()), { headers: { 'user-agent': wechatUA } })
    const requestId = requestIdOf(await page.text())
    const res = await fetch(`${base}/__emulator/consent`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ request: requestId, user: 'wangwu', decision: 'allow' }),
      redirect: 'manual',
    })
    expect(res.status).toBe(302)
    expect(res.headers.getSetCookie()).toEqual([expect.stringMatching(/^wxemu_user=wangwu;/)])
    expect(queryOf(res.headers.get('location')).get('code')).toMatch(/^[A-Za-z0-9]{32}$/)
  })

  it('QR login over HTTP: the QR confirm URL is absolute on the listen URL', async () => {
    const page = await fetch(
      onServer(authorizeUrl({ appid: web.appId, scope: 'snsapi_login' }, '/connect/qrconnect')),
    )
    const html = await page.text()
    const statusPath = /data-status-url="([^"]+)"/.exec(html)?.[1] as string
    expect(html).toContain(`${base}/__emulator/qr/`)
    const scan = /<form method="post" action="([^"]+)"/.exec(html)?.[1] as string
    const res = await fetch(`${base}${scan}`, {
      method: 'POST',
      headers: { accept: 'text/html' },
      redirect: 'manual',
    })
    expect(res.status).toBe(303)
    const status = (await (await fetch(`${base}${statusPath}`)).json()) as { status: string }
    expect(status.status).toBe('confirmed')
  })

  it('POST bodies reach the handler (component token)', async () => {
    const res = await fetch(`${base}/cgi-bin/component/api_component_token`, {
      method: 'POST',
      body: JSON.stringify({
        component_appid: comp.appId,
        component_appsecret: comp.secret,
        component_verify_ticket: 't',
      }),
    })
    expect(await res.json()).toHaveProperty('component_access_token')
  })

  it('the control API works over HTTP', async () => {
    const res = await fetch(`${base}/__emulator/codes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ appId: oa.appId, user: 'lisi' }),
    })
    expect(res.status).toBe(200)
    expect(((await res.json()) as { code: string }).code).toMatch(/^[A-Za-z0-9]{32}$/)
  })

  it('drop destroys the socket without a response', async () => {
    emu.fail('sns/auth', { drop: true })
    const err = await fetch(`${base}/sns/auth?access_token=a&openid=b`).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(TypeError)
    expect((await fetch(`${base}/sns/auth?access_token=a&openid=b`)).status).toBe(200)
  })

  it('delay holds the answer, and a client that gives up is handled', async () => {
    emu.fail('sns/auth', { delay: 100 })
    // Started before the server's 100 ms wait, so it fires first: no answer can have arrived.
    const timer = startTimer(90)
    const pending = fetch(`${base}/sns/auth`)
    expect(await timer.settledFirst(pending)).toBe(false)
    expect((await pending).status).toBe(200)
    emu.fail('sns/auth', { delay: 10_000 })
    await expect(
      fetch(`${base}/sns/auth`, { signal: AbortSignal.timeout(50) }),
    ).rejects.toMatchObject({
      name: 'TimeoutError',
    })
    expect((await fetch(`${base}/sns/auth`)).status).toBe(200)
  })

  it('never crashes on raw garbage over the socket', async () => {
    const { connect } = await import('node:net')
    const { port } = new URL(base)
    const reply = await new Promise<string>((resolve) => {
      const socket = connect(Number(port), '127.0.0.1', () =>
        socket.end('GARBAGE / HTTP/9\r\n\r\n'),
      )
      let data = ''
      socket.on('data', (d) => {
        data += d
      })
      socket.on('close', () => resolve(data))
      socket.on('error', () => resolve(data))
    })
    expect(reply).toMatch(/^HTTP\/1\.1 4\d\d|^$/)
    expect((await fetch(`${base}/sns/auth`)).status).toBe(200)
  })

  it('listen twice fails; close() with idle keep-alive sockets does not hang; listen again works', async () => {
    await expect(emu.listen({ port: 0 })).rejects.toThrow(/already listening/)
    // An idle keep-alive connection (node:http's client, so no fetch internals see fake timers).
    const agent = new Agent({ keepAlive: true })
    const socket = await new Promise<Socket>((resolve, reject) => {
      const req = get(`${base}/sns/auth`, { agent }, (res) => {
        res.resume()
        res.on('end', () => resolve(req.socket as Socket))
      })
      req.on('error', reject)
    })
    const socketClosed = new Promise((resolve) => socket.once('close', resolve))
    // close() forces busy connections shut by a 1 s timer. With setTimeout frozen that timer never
    // fires, so close() can only finish by closing the idle connection itself.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    try {
      await emu.close()
    } finally {
      vi.useRealTimers()
    }
    await socketClosed
    agent.destroy()
    expect(emu.url).toBeUndefined()
    base = (await emu.listen({ port: 0 })).url
    expect((await fetch(`${base}/sns/auth`)).status).toBe(200)
  })
})
