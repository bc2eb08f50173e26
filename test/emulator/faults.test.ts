import { describe, expect, it } from 'vitest'
import { createEmulator } from '../helpers/emulator.js'
import {
  API,
  authorizeUrl,
  call,
  exchange,
  login,
  oa,
  openInWeChat,
  startTimer,
} from './helpers.js'

function exchangeUrl(code: string) {
  return `${API}/sns/oauth2/access_token?appid=${oa.appId}&secret=${oa.secret}&code=${code}&grant_type=authorization_code`
}

describe('fault injection', () => {
  it('errcode replaces the answer without processing: the code stays usable', async () => {
    const emu = createEmulator()
    const code = emu.issueCode({ appId: oa.appId, user: 'zhangsan' })
    emu.fail('sns/oauth2/access_token', { errcode: -1 })
    const failed = await exchange(emu, code)
    expect(failed.status).toBe(200)
    expect(failed.body.errcode).toBe(-1)
    expect(failed.body.errmsg).toMatch(/^system error, rid: /)
    expect((await exchange(emu, code)).body).toHaveProperty('access_token')
  })

  it('errmsg overrides the text; status sets the HTTP status', async () => {
    const emu = createEmulator()
    emu.fail('sns/userinfo', {
      errcode: 45009,
      errmsg: 'reach max api daily quota limit',
      status: 503,
    })
    const res = await call(emu, '/sns/userinfo', { access_token: 'a', openid: 'b' })
    expect(res).toMatchObject({
      status: 503,
      body: { errcode: 45009, errmsg: 'reach max api daily quota limit' },
    })
  })

  it('applies to the next N calls (times), first in first out, per endpoint', async () => {
    const emu = createEmulator()
    emu.fail('sns/auth', { errcode: 40001 }, 2)
    emu.fail('sns/auth', { errcode: 42001 })
    emu.fail('sns/userinfo', { errcode: 48001 })
    const codes = []
    for (let i = 0; i < 4; i++)
      codes.push((await call(emu, '/sns/auth', { access_token: 'a', openid: 'b' })).body.errcode)
    expect(codes).toEqual([40001, 40001, 42001, 40014])
    expect(
      (await call(emu, '/sns/userinfo', { access_token: 'a', openid: 'b' })).body.errcode,
    ).toBe(48001)
  })

  it('status alone keeps the processed answer (the code is consumed) with that status', async () => {
    const emu = createEmulator()
    const code = emu.issueCode({ appId: oa.appId, user: 'zhangsan' })
    emu.fail('sns/oauth2/access_token', { status: 500 })
    const res = await exchange(emu, code)
    expect(res.status).toBe(500)
    expect((await exchange(emu, code)).body.errcode).toBe(40163)
  })

  it('delay waits, then answers normally', async () => {
    const emu = createEmulator()
    emu.fail('sns/auth', { delay: 120 })
    // Started before the request, so it fires before the emulator's 120 ms wait ends.
    const timer = startTimer(100)
    const pending = call(emu, '/sns/auth', { access_token: 'a', openid: 'b' })
    expect(await timer.settledFirst(pending)).toBe(false)
    expect((await pending).body.errcode).toBe(40014)
  })

  it('fetch honours the signal: abort during an injected delay rejects with signal.reason', async () => {
    const emu = createEmulator()
    emu.fail('sns/auth', { delay: 5_000 })
    const controller = new AbortController()
    const reason = new Error('caller gave up')
    setTimeout(() => controller.abort(reason), 30)
    // Fires before the 5 s delay could end: the rejection must come from the abort, not after it.
    const timer = startTimer(2_500)
    const pending = emu.fetch(`${API}/sns/auth?access_token=a&openid=b`, {
      signal: controller.signal,
    })
    expect(await timer.settledFirst(pending)).toBe(true)
    await expect(pending).rejects.toBe(reason)
  })

  it('fetch rejects at once with an already aborted signal, and with AbortSignal.timeout', async () => {
    const emu = createEmulator()
    await expect(
      emu.fetch(`${API}/sns/auth`, { signal: AbortSignal.abort() }),
    ).rejects.toMatchObject({ name: 'AbortError' })
    emu.fail('sns/auth', { delay: 5_000 })
    await expect(
      emu.fetch(`${API}/sns/auth`, { signal: AbortSignal.timeout(20) }),
    ).rejects.toMatchObject({
      name: 'TimeoutError',
    })
  })

  it('drop: in-process fetch throws TypeError("fetch failed") caused by ECONNRESET, like undici', async () => {
    const emu = createEmulator()
    const code = emu.issueCode({ appId: oa.appId, user: 'zhangsan' })
    emu.fail('sns/oauth2/access_token', { drop: true })
    const err = await emu.fetch(exchangeUrl(code)).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(TypeError)
    expect(err).toMatchObject({ message: 'fetch failed', cause: { code: 'ECONNRESET' } })
    // The request reached "WeChat": the code is gone.
    expect((await exchange(emu, code)).body.errcode).toBe(40163)
    const entry = emu.requests.at(-2)
    expect(entry).toMatchObject({ status: 0, fault: { drop: true } })
  })

  it('drop: handle() resolves a network-error Response', async () => {
    const emu = createEmulator()
    emu.fail('sns/auth', { drop: true })
    const res = await emu.handle(new Request(`${API}/sns/auth`))
    expect(res.type).toBe('error')
  })

  it('truncate cuts the JSON body in half', async () => {
    const emu = createEmulator()
    const t = await login(emu)
    emu.fail('sns/userinfo', { truncate: true })
    const res = await emu.fetch(
      `${API}/sns/userinfo?access_token=${t.access_token}&openid=${t.openid}`,
    )
    const text = await res.text()
    expect(() => JSON.parse(text)).toThrow()
    expect(text.startsWith(`{"openid":"${t.openid}"`)).toBe(true)
  })

  it('nonJson answers a proxy’s HTML 502 page', async () => {
    const emu = createEmulator()
    emu.fail('sns/oauth2/refresh_token', { nonJson: true })
    const res = await emu.fetch(`${API}/sns/oauth2/refresh_token?appid=${oa.appId}`)
    expect(res.status).toBe(502)
    expect(res.headers.get('content-type')).toBe('text/html')
    expect(await res.text()).toContain('<title>502 Bad Gateway</title>')
    emu.fail('sns/oauth2/refresh_token', { nonJson: true, status: 504 })
    expect((await emu.fetch(`${API}/sns/oauth2/refresh_token`)).status).toBe(504)
  })

  it('contentType overrides the Content-Type; headers adds headers', async () => {
    const emu = createEmulator()
    emu.fail('sns/auth', {
      contentType: 'text/plain',
      headers: { 'Retry-After': '2' },
      status: 429,
    })
    const res = await emu.fetch(`${API}/sns/auth?access_token=a&openid=b`)
    expect(res.status).toBe(429)
    expect(res.headers.get('content-type')).toBe('text/plain')
    expect(res.headers.get('retry-after')).toBe('2')
    expect(((await res.json()) as { errcode: number }).errcode).toBe(40014)
  })

  it.each([10004, 10006, 10009])('page shows authorize error page %i', async (code) => {
    const emu = createEmulator()
    emu.fail('connect/oauth2/authorize', { page: code })
    const { html, status } = await openInWeChat(emu, authorizeUrl())
    expect(status).toBe(200)
    expect(html).toContain(`错误码：${code}`)
  })

  it('page works on qrconnect; 10009 says 操作太频繁了', async () => {
    const emu = createEmulator()
    emu.fail('connect/qrconnect', { page: 10009 })
    const res = await emu.fetch(authorizeUrl({ appid: 'x' }, '/connect/qrconnect'))
    expect(await res.text()).toContain('操作太频繁了，请稍后重试')
  })

  it('validates faults and endpoints', () => {
    const emu = createEmulator()
    expect(() => emu.fail('sns/nothing' as never, { errcode: 1 })).toThrow(/endpoint/)
    expect(() => emu.fail('sns/auth', { delay: -1 })).toThrow(/delay/)
    expect(() => emu.fail('sns/auth', { status: 99 })).toThrow(/status/)
    expect(() => emu.fail('sns/auth', { errcode: 1 }, 0)).toThrow(/times/)
    expect(() => emu.fail('sns/auth', { headers: { 'bad header': 'x' } })).toThrow(/headers/)
  })

  it('count() counts every request of an endpoint, faulted or not', async () => {
    const emu = createEmulator()
    emu.fail('sns/auth', { errcode: -1 })
    await call(emu, '/sns/auth')
    await call(emu, '/sns/auth')
    await exchange(emu, 'x')
    expect(emu.count('sns/auth')).toBe(2)
    expect(emu.count('sns/oauth2/access_token')).toBe(1)
    expect(emu.count('sns/userinfo')).toBe(0)
  })
})
