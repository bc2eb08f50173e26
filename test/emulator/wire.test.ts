import { describe, expect, it } from 'vitest'
import { createEmulator } from '../helpers/emulator.js'
import { API, call, exchange, login, oa, ridRe } from './helpers.js'

describe('JSON wire format (§3.3, §14)', () => {
  it('answers errors with HTTP 200 and exactly {errcode, errmsg}', async () => {
    const emu = createEmulator()
    const res = await exchange(emu, 'nonsense')
    expect(res.status).toBe(200)
    expect(Object.keys(res.body)).toEqual(['errcode', 'errmsg'])
    expect(res.body.errcode).toBe(40029)
    expect(res.body.errmsg).toMatch(/^invalid code, rid: /)
  })

  it('answers success without errcode', async () => {
    const emu = createEmulator()
    const token = await login(emu)
    expect(token).not.toHaveProperty('errcode')
    expect(token).not.toHaveProperty('errmsg')
  })

  it('declares Content-Type application/json; encoding=utf-8 by default, text/plain on request', async () => {
    const res = await exchange(createEmulator(), 'x')
    expect(res.contentType).toBe('application/json; encoding=utf-8')
    const plain = await exchange(createEmulator({ behaviour: { contentType: 'text/plain' } }), 'x')
    expect(plain.contentType).toBe('text/plain')
    expect(plain.body.errcode).toBe(40029)
  })

  it('sends UTF-8 bytes for Chinese text', async () => {
    const emu = createEmulator({ behaviour: { privacyMode: false } })
    const t = await login(emu)
    const res = await emu.fetch(
      `${API}/sns/userinfo?access_token=${t.access_token}&openid=${t.openid}`,
    )
    const bytes = new Uint8Array(await res.arrayBuffer())
    expect(new TextDecoder('utf-8').decode(bytes)).toContain('"nickname":"张三"')
  })

  it('suffixes errmsg with a rid whose first group is the emulator clock in hex seconds', async () => {
    const now = Date.UTC(2024, 1, 6, 0, 30, 4)
    const emu = createEmulator({ clock: () => now })
    const res = await exchange(emu, 'x')
    expect(res.body.errmsg).toMatch(ridRe)
    expect(ridRe.exec(res.body.errmsg as string)?.[1]).toBe('65c17d8c')
    emu.clock.advance(16)
    const later = await exchange(emu, 'x')
    expect(ridRe.exec(later.body.errmsg as string)?.[1]).toBe('65c17d9c')
  })

  it('offers the legacy errmsg styles', async () => {
    const noComma = await exchange(
      createEmulator({ behaviour: { errmsgStyle: 'rid-no-comma' } }),
      'x',
    )
    expect(noComma.body.errmsg).toMatch(/^invalid code rid: [0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}$/)
    const hints = await exchange(createEmulator({ behaviour: { errmsgStyle: 'hints' } }), 'x')
    expect(hints.body.errmsg).toMatch(/^invalid code, hints: \[ req_id: [A-Za-z0-9_-]{14} \]$/)
  })

  it('carries RetKey and LogicRet headers on errors, as observed', async () => {
    const emu = createEmulator()
    const res = await emu.fetch(`${API}/sns/auth?access_token=x&openid=y`)
    expect(res.headers.get('logicret')).toBe('40014')
    expect(res.headers.get('retkey')).toBe('11')
  })
})

describe('parameters (§3.1, O15)', () => {
  it('reads the query string only: parameters in a POST body are ignored → 41002', async () => {
    const emu = createEmulator()
    const res = await emu.fetch(`${API}/sns/oauth2/access_token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `appid=${oa.appId}&secret=${oa.secret}&code=x&grant_type=authorization_code`,
    })
    expect(((await res.json()) as { errcode: number }).errcode).toBe(41002)
  })

  it('accepts POST leniently when the parameters are in the query', async () => {
    const emu = createEmulator()
    const code = emu.issueCode({ appId: oa.appId, user: 'zhangsan' })
    const q = new URLSearchParams({
      appid: oa.appId,
      secret: oa.secret,
      code,
      grant_type: 'authorization_code',
    })
    const res = await emu.fetch(`${API}/sns/oauth2/access_token?${q}`, {
      method: 'POST',
      body: 'ignored=1',
    })
    expect(await res.json()).toHaveProperty('access_token')
  })

  it('answers 43001 to other methods', async () => {
    const res = await call(
      createEmulator(),
      '/sns/auth',
      { access_token: 'a', openid: 'b' },
      { method: 'PUT' },
    )
    expect(res.body.errcode).toBe(43001)
  })

  it('answers HEAD with 43001 without processing anything: the code stays usable', async () => {
    const emu = createEmulator()
    const code = emu.issueCode({ appId: oa.appId, user: 'zhangsan' })
    const q = new URLSearchParams({
      appid: oa.appId,
      secret: oa.secret,
      code,
      grant_type: 'authorization_code',
    })
    const res = await emu.fetch(`${API}/sns/oauth2/access_token?${q}`, { method: 'HEAD' })
    expect(res.status).toBe(200)
    expect(res.headers.get('logicret')).toBe('43001')
    expect(await res.text()).toBe('')
    expect(emu.requests.at(-1)).toMatchObject({ method: 'HEAD', errcode: 43001 })
    expect((await exchange(emu, code)).body).toHaveProperty('access_token')
  })

  it.each([
    '/sns/oauth2/access_token',
    '/sns/oauth2/refresh_token',
    '/sns/auth',
    '/sns/userinfo',
    '/sns/oauth2/component/access_token',
    '/sns/oauth2/component/refresh_token',
    '/sns/jscode2session',
  ])('answers HEAD %s with 43001', async (path) => {
    const emu = createEmulator()
    const res = await emu.fetch(`${API}${path}`, { method: 'HEAD' })
    expect(res.headers.get('logicret')).toBe('43001')
  })

  it.each([
    [{ secret: oa.secret, code: 'c', grant_type: 'authorization_code' }, 41002],
    [{ appid: oa.appId, code: 'c', grant_type: 'authorization_code' }, 41004],
    [{ appid: oa.appId, secret: oa.secret, grant_type: 'authorization_code' }, 41008],
    [{ appid: oa.appId, secret: oa.secret, code: 'c' }, 40002],
    [{ appid: oa.appId, secret: oa.secret, code: 'c', grant_type: 'client_credential' }, 40002],
    [
      {
        appid: 'wx0000000000000000',
        secret: oa.secret,
        code: 'c',
        grant_type: 'authorization_code',
      },
      40013,
    ],
    [{ appid: oa.appId, secret: 'wrong', code: 'c', grant_type: 'authorization_code' }, 40125],
    [{ appid: '', secret: oa.secret, code: 'c', grant_type: 'authorization_code' }, 41002],
  ])('access_token %o → %i', async (params, errcode) => {
    const res = await call(
      createEmulator(),
      '/sns/oauth2/access_token',
      params as Record<string, string>,
    )
    expect(res.body.errcode).toBe(errcode)
  })

  it.each([
    ['/sns/oauth2/refresh_token', { grant_type: 'refresh_token', refresh_token: 'r' }, 41002],
    ['/sns/oauth2/refresh_token', { appid: oa.appId, refresh_token: 'r' }, 40002],
    ['/sns/oauth2/refresh_token', { appid: oa.appId, grant_type: 'refresh_token' }, 41003],
    ['/sns/userinfo', { openid: 'o' }, 41001],
    ['/sns/userinfo', { access_token: 'a' }, 41009],
    ['/sns/auth', { openid: 'o' }, 41001],
    ['/sns/auth', { access_token: 'a' }, 41009],
  ])('%s %o → %i', async (path, params, errcode) => {
    const res = await call(createEmulator(), path, params as Record<string, string>)
    expect(res.body.errcode).toBe(errcode)
  })
})
