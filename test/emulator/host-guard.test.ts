/** DNS-rebinding protection: over a socket, /__emulator/ answers only to a Host naming the emulator. */
import { request as httpRequest } from 'node:http'
import { afterEach, describe, expect, it } from 'vitest'
import { createEmulator, type Emulator } from '../helpers/emulator.js'
import { authorizeUrl, requestIdOf, web, wechatUA } from './helpers.js'

interface RawResponse {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: string
}

/** One HTTP/1.1 request with the Host header exactly as given (null: none at all). */
function raw(
  base: string,
  path: string,
  opts: { host: string | null; method?: string; headers?: Record<string, string>; body?: string },
): Promise<RawResponse> {
  const { hostname, port } = new URL(base)
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        hostname: hostname.replace(/^\[|\]$/g, ''),
        port,
        path,
        method: opts.method ?? 'GET',
        setHost: false,
        agent: false,
        headers: { ...(opts.host !== null && { host: opts.host }), ...opts.headers },
      },
      (res) => {
        let body = ''
        res.setEncoding('utf8')
        res.on('data', (chunk: string) => {
          body += chunk
        })
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }))
        res.on('error', reject)
      },
    )
    req.on('error', reject)
    req.end(opts.body)
  })
}

const json = { 'content-type': 'application/json' }

let emu: Emulator

afterEach(async () => {
  await emu.close()
})

describe('Host check on the control API (DNS rebinding)', () => {
  it('refuses a forged Host on POST /__emulator/reset with 403 and leaves the state alone', async () => {
    emu = createEmulator()
    const { url: base } = await emu.listen({ port: 0 })
    emu.autoApprove('lisi')
    emu.fail('sns/auth', { errcode: 40001 })
    const res = await raw(base, '/__emulator/reset', {
      host: 'evil.example',
      method: 'POST',
      headers: json,
      body: '{}',
    })
    expect(res.status).toBe(403)
    expect(res.headers['content-type']).toMatch(/^application\/json/)
    expect(JSON.parse(res.body).error).toMatch(/Host/)
    const state = (await (await emu.fetch('/__emulator/state')).json()) as {
      autoApprove: unknown
      faults: unknown[]
    }
    expect(state.autoApprove).toEqual({ user: 'lisi', decision: 'allow', remaining: 1 })
    expect(state.faults).toHaveLength(1)
  })

  it.each([
    'evil.example',
    'evil.example:PORT',
    '127.0.0.1.evil.example:PORT',
    'localhost:1',
    '127.0.0.1',
    'user@127.0.0.1:PORT',
    '',
  ])('refuses Host %j on every /__emulator/ path', async (forged) => {
    emu = createEmulator()
    const { url: base, port } = await emu.listen({ port: 0 })
    const host = forged.replace('PORT', String(port))
    for (const path of ['/__emulator/state', '/__emulator/requests', '/__emulator/consent']) {
      expect((await raw(base, path, { host })).status, path).toBe(403)
    }
    expect(
      (await raw(base, '/__emulator/codes', { host, method: 'POST', headers: json })).status,
    ).toBe(403)
  })

  it('refuses a request without a Host header, and a Host that would move the path', async () => {
    emu = createEmulator()
    const { url: base, port } = await emu.listen({ port: 0 })
    // node:http itself answers 400 to an HTTP/1.1 request without Host.
    expect([400, 403]).toContain((await raw(base, '/__emulator/state', { host: null })).status)
    const moved = await raw(base, '/sns/auth', {
      host: `127.0.0.1:${port}/__emulator/reset?`,
      method: 'POST',
      headers: json,
    })
    expect(moved.status).toBe(200)
    expect(JSON.parse(moved.body).errcode).toBe(41001)
    expect(emu.requests.at(-1)?.endpoint).toBe('sns/auth')
  })

  it('accepts the listen host, localhost, 127.0.0.1 and [::1] on the listen port', async () => {
    emu = createEmulator()
    const { url: base, port } = await emu.listen({ port: 0 })
    for (const host of [
      new URL(base).host,
      `localhost:${port}`,
      `LocalHost:${port}`,
      `127.0.0.1:${port}`,
      `[::1]:${port}`,
    ]) {
      const res = await raw(base, '/__emulator/auto-approve', {
        host,
        method: 'POST',
        headers: json,
        body: JSON.stringify({ user: 'wangwu' }),
      })
      expect(res.status, host).toBe(200)
    }
    expect(emu.url).toBe(base)
  })

  it("leaves WeChat's own paths and the home page open to any Host", async () => {
    emu = createEmulator()
    const { url: base } = await emu.listen({ port: 0 })
    const host = 'api.weixin.qq.com'
    const auth = await raw(base, '/sns/auth?access_token=a&openid=b', { host })
    expect(auth.status).toBe(200)
    expect(JSON.parse(auth.body).errcode).toBe(40014)
    expect((await raw(base, '/', { host: 'evil.example' })).status).toBe(200)
    const authorize = new URL(authorizeUrl())
    const page = await raw(base, `${authorize.pathname}${authorize.search}`, {
      host: 'open.weixin.qq.com',
      headers: { 'user-agent': wechatUA },
    })
    expect(page.status).toBe(200)
  })

  it('in-process fetch and handle keep working with any host', async () => {
    emu = createEmulator()
    await emu.listen({ port: 0 })
    expect((await emu.fetch('https://api.weixin.qq.com/__emulator/state')).status).toBe(200)
    expect((await emu.handle(new Request('http://evil.example/__emulator/state'))).status).toBe(200)
  })

  it('pages work at the listen URL and at the publicUrl host: consent POST and QR status', async () => {
    emu = createEmulator({ publicUrl: 'https://emu.example.test' })
    const { url: base } = await emu.listen({ port: 0 })
    for (const host of [new URL(base).host, 'emu.example.test', 'emu.example.test:443']) {
      // Consent: the page comes from open.weixin.qq.com's path, the form posts to /__emulator/.
      const authorize = new URL(authorizeUrl())
      const page = await raw(base, `${authorize.pathname}${authorize.search}`, {
        host,
        headers: { 'user-agent': wechatUA },
      })
      const consent = await raw(base, '/__emulator/consent', {
        host,
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          request: requestIdOf(page.body),
          user: 'wangwu',
          decision: 'allow',
        }).toString(),
      })
      expect(consent.status, host).toBe(302)
      expect(consent.headers.location).toMatch(/^http:\/\/localhost:3000\/callback\?code=/)
      // QR login: poll the status.
      const qr = new URL(
        authorizeUrl({ appid: web.appId, scope: 'snsapi_login' }, '/connect/qrconnect'),
      )
      const qrPage = await raw(base, `${qr.pathname}${qr.search}`, { host })
      const statusPath = /data-status-url="([^"]+)"/.exec(qrPage.body)?.[1] as string
      const status = await raw(base, statusPath, { host })
      expect(status.status, host).toBe(200)
      expect(JSON.parse(status.body)).toEqual({ status: 'waiting' })
    }
    // Another host still is refused.
    expect((await raw(base, '/__emulator/state', { host: 'emu.example.test:8443' })).status).toBe(
      403,
    )
    expect((await raw(base, '/__emulator/state', { host: 'other.example.test' })).status).toBe(403)
  })
})
