import { describe, expect, it } from 'vitest'
import { internalErrorHint } from '../../src/emulator/handler.js'
import { createEmulator, endpointNames } from '../helpers/emulator.js'
import { API, authorizeUrl, call, exchange, OPEN, oa, openInWeChat, wechatUA } from './helpers.js'

describe('robustness', () => {
  it('duplicated parameters are invalid, WeChat-style', async () => {
    const emu = createEmulator()
    const code = emu.issueCode({ appId: oa.appId, user: 'zhangsan' })
    const base = `secret=${oa.secret}&code=${code}&grant_type=authorization_code`
    expect(
      (await call(emu, '/sns/oauth2/access_token', `appid=a&appid=b&${base}`)).body.errcode,
    ).toBe(40013)
    expect(
      (await call(emu, '/sns/oauth2/access_token', `appid=${oa.appId}&appid=${oa.appId}&${base}`))
        .body.errcode,
    ).toBe(40013)
    expect(
      (await call(emu, '/sns/oauth2/access_token', `appid=${oa.appId}&${base}&code=${code}`)).body
        .errcode,
    ).toBe(40029)
    expect(
      (await call(emu, '/sns/auth', 'access_token=a&access_token=b&openid=c')).body.errcode,
    ).toBe(40014)
    expect((await openInWeChat(emu, authorizeUrl({ extra: `appid=${oa.appId}` }))).html).toContain(
      '该链接无法访问',
    )
    expect((await openInWeChat(emu, authorizeUrl({ extra: 'state=again' }))).html).toContain(
      '该链接无法访问',
    )
    // The code was never consumed by the rejected calls.
    expect((await exchange(emu, code)).body).toHaveProperty('access_token')
  })

  it('oversized parameters (over 2 KB) are invalid', async () => {
    const emu = createEmulator()
    const big = 'A'.repeat(2049)
    expect((await call(emu, '/sns/oauth2/access_token', { appid: big })).body.errcode).toBe(40013)
    expect((await exchange(emu, big)).body.errcode).toBe(40029)
    const { html } = await openInWeChat(
      emu,
      authorizeUrl({ redirect_uri: `http://localhost/${'x'.repeat(2100)}` }),
    )
    expect(html).toContain('错误码：10003')
  })

  it('a URL over 8 KB gets a 414 page, not a crash', async () => {
    const emu = createEmulator()
    const res = await emu.fetch(`${API}/sns/auth?x=${'y'.repeat(9000)}`)
    expect(res.status).toBe(414)
    expect(await res.text()).toContain('414 Request-URI Too Large')
    expect(emu.count('sns/auth')).toBe(1)
  })

  it('garbage input gets WeChat errors: control characters, bad percent-encoding, binary', async () => {
    const emu = createEmulator()
    expect((await call(emu, '/sns/auth', 'access_token=%00%01&openid=%ZZ')).body.errcode).toBe(
      40014,
    )
    expect(
      (await call(emu, '/sns/userinfo', 'access_token=%E0%A4%A&openid=\u{1F600}')).body.errcode,
    ).toBe(40014)
    expect((await call(emu, '/sns/jscode2session', '%%%&&&===')).body.errcode).toBe(41002)
    const { status, html } = await openInWeChat(
      emu,
      `${OPEN}/connect/oauth2/authorize?%ZZ=%ZZ&&=&appid`,
    )
    expect(status).toBe(200)
    expect(html).toContain('错误码：10012')
  })

  it('malformed cookies and form bodies do not hurt', async () => {
    const emu = createEmulator()
    const res = await emu.fetch(authorizeUrl({ scope: 'snsapi_base' }), {
      headers: { 'user-agent': wechatUA, cookie: `wxemu_user=%E0%A4%A; ;;=; ${'x'.repeat(9000)}` },
      redirect: 'manual',
    })
    expect(res.status).toBe(302)
    const consent = await emu.fetch('http://127.0.0.1:8900/__emulator/consent', {
      method: 'POST',
      body: new Uint8Array([0xff, 0xfe, 0x00, 0x26, 0x3d]),
      redirect: 'manual',
    })
    expect(consent.status).toBe(200)
  })

  it('an internal exception becomes {"errcode":-1,"errmsg":"system error, rid: …"}', async () => {
    let broken = false
    const emu = createEmulator({
      clock: () => {
        if (broken) throw new Error('clock broke')
        return Date.now()
      },
    })
    broken = true
    const res = await call(emu, '/sns/oauth2/access_token', { appid: oa.appId })
    expect(res.status).toBe(200)
    expect(Object.keys(res.body)).toEqual(['errcode', 'errmsg'])
    expect(res.body.errcode).toBe(-1)
    expect(res.body.errmsg).toMatch(/^system error, rid: [0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}$/)
    const page = await openInWeChat(emu, authorizeUrl())
    expect(page.status).toBe(200)
    expect(page.html).toContain('该链接无法访问')
    expect((await emu.fetch('http://127.0.0.1:8900/')).status).toBe(500)
  })

  it('unknown paths get a 404 that names the path', async () => {
    const emu = createEmulator()
    const res = await emu.fetch(`${API}/cgi-bin/token?grant_type=client_credential`)
    expect(res.status).toBe(404)
    expect(await res.text()).toContain('/cgi-bin/token')
  })

  it('random requests never reject, never answer 5xx and never hit an internal error (seeded fuzz)', async () => {
    const emu = createEmulator()
    let seed = 20240206
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff
      // The high bits: this LCG's low bits alternate, so `seed % n` never picks an odd index.
      return Math.floor((seed / 0x80000000) * n)
    }
    const pieces = [
      'appid',
      'secret',
      'code',
      'grant_type',
      'access_token',
      'openid',
      'refresh_token',
      'js_code',
      'redirect_uri',
      'scope',
      'state',
      'component_appid',
      'component_access_token',
      'lang',
      '',
      '%',
      '%ZZ',
      '&',
      '=',
      oa.appId,
      oa.secret,
      'authorization_code',
      'refresh_token',
      'snsapi_userinfo',
      '\u0000',
      '中文',
      '#',
      '+',
      '../',
    ]
    const paths = [
      ...endpointNames.map((e) => `/${e}`),
      '/',
      '/__emulator/consent',
      '/__emulator/state',
      '/x/y',
    ]
    const methods = ['GET', 'POST', 'PUT', 'DELETE', 'HEAD']
    // No fault is injected, so errcode -1 or the internal-error page can only mean a crashed
    // route (the handler turns an exception into those rather than a 5xx).
    let jsonAnswers = 0
    const seen = new Set<string>()
    for (let i = 0; i < 400; i++) {
      let query = ''
      for (let j = rand(8); j > 0; j--)
        query += `${pieces[rand(pieces.length)]}${['=', '&', ''][rand(3)]}`
      const method = methods[rand(methods.length)] as string
      const path = paths[rand(paths.length)] as string
      seen.add(`${method} ${path}`)
      const url = `${API}${path}?${encodeURI(query).replace(/%25/g, '%')}`
      const res = await emu.fetch(url, {
        method,
        headers: {
          'user-agent': rand(2) ? wechatUA : 'curl/8',
          'content-type': 'application/json',
        },
        ...(method === 'POST' && { body: query }),
        redirect: 'manual',
      })
      const where = `${method} ${url}`
      expect(res.status, where).toBeLessThan(500)
      expect(res.headers.get('logicret'), where).not.toBe('-1')
      const text = await res.text()
      let body: unknown
      try {
        body = JSON.parse(text)
      } catch {}
      if (typeof body === 'object' && body !== null) {
        jsonAnswers++
        expect((body as { errcode?: unknown }).errcode, where).not.toBe(-1)
      }
      expect(
        text.includes(internalErrorHint.zh) || text.includes(internalErrorHint.en),
        where,
      ).toBe(false)
    }
    // The checks above are not vacuous: every path got every method, plenty of answers were JSON.
    expect(seen.size).toBe(paths.length * methods.length)
    expect(jsonAnswers).toBeGreaterThan(100)
  })
})
