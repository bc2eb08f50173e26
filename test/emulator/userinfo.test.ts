import { describe, expect, it } from 'vitest'
import { createEmulator, type Emulator } from '../helpers/emulator.js'
import { call, login, web } from './helpers.js'

function userinfo(
  emu: Emulator,
  t: { access_token: string; openid: string },
  extra: Record<string, string> = {},
) {
  return call(emu, '/sns/userinfo', { access_token: t.access_token, openid: t.openid, ...extra })
}

function auth(emu: Emulator, t: { access_token: string; openid: string }) {
  return call(emu, '/sns/auth', { access_token: t.access_token, openid: t.openid })
}

describe('sns/userinfo (§6)', () => {
  it('answers the profile in privacy mode: sex 0, empty regions, language and privilege []', async () => {
    const emu = createEmulator()
    const t = await login(emu)
    const { body } = await userinfo(emu, t)
    expect(body).toEqual({
      openid: t.openid,
      nickname: '张三',
      sex: 0,
      language: 'zh_CN',
      city: '',
      province: '',
      country: '',
      headimgurl: 'http://127.0.0.1:8900/__emulator/avatar/zhangsan.svg',
      privilege: [],
      unionid: emu.unionid(web.appId, 'zhangsan'),
    })
  })

  it('without privacy mode answers sex and regions; sexAsString gives "1"', async () => {
    const emu = createEmulator({ behaviour: { privacyMode: false, sexAsString: true } })
    const { body } = await userinfo(emu, await login(emu))
    expect(body).toMatchObject({ sex: '1', country: '中国', province: '广东', city: '深圳' })
  })

  it.each(['zh_CN', 'zh_TW', 'en'])('accepts lang=%s', async (lang) => {
    const emu = createEmulator()
    const t = await login(emu)
    expect((await userinfo(emu, t, { lang })).body.nickname).toBe('张三')
  })

  it('works with snsapi_login tokens (website apps)', async () => {
    const emu = createEmulator()
    expect((await userinfo(emu, await login(emu, { app: web }))).body.nickname).toBe('张三')
  })

  it('snsapi_base token → 48001', async () => {
    const emu = createEmulator()
    const res = await userinfo(emu, await login(emu, { scope: 'snsapi_base' }))
    expect(res.body.errcode).toBe(48001)
    expect(res.body.errmsg).toMatch(/^api unauthorized, rid: /)
  })

  it('snapshot token → 48001 by default, the virtual profile with snapshotUserinfo "virtual"', async () => {
    const emu = createEmulator()
    expect((await userinfo(emu, await login(emu, { snapshot: true }))).body.errcode).toBe(48001)
    const virtual = createEmulator({ behaviour: { snapshotUserinfo: 'virtual' } })
    const t = await login(virtual, { snapshot: true })
    const { body } = await userinfo(virtual, t)
    expect(body).toMatchObject({
      openid: t.openid,
      nickname: '微信用户',
      sex: 0,
      unionid: t.unionid,
    })
  })

  it('unknown WeChat-shaped token (e.g. a cgi-bin or component token) → 40001; malformed → 40014', async () => {
    const emu = createEmulator()
    const t = await login(emu)
    const component = emu.componentAccessToken('wx7c4a2e9b1d3f6058')
    expect((await userinfo(emu, { access_token: component, openid: t.openid })).body.errcode).toBe(
      40001,
    )
    expect((await userinfo(emu, { access_token: 'garbage', openid: t.openid })).body.errcode).toBe(
      40014,
    )
  })

  it('openid mismatch → 40003', async () => {
    const emu = createEmulator()
    const t = await login(emu)
    const other = await login(emu, { user: 'lisi' })
    expect(
      (await userinfo(emu, { access_token: t.access_token, openid: other.openid })).body.errcode,
    ).toBe(40003)
  })

  it('expired token → 42001', async () => {
    const emu = createEmulator()
    const t = await login(emu)
    emu.clock.advance(7199)
    expect((await userinfo(emu, t)).body.nickname).toBe('张三')
    emu.clock.advance(1)
    const res = await userinfo(emu, t)
    expect(res.body.errcode).toBe(42001)
    expect(res.body.errmsg).toMatch(/^access_token expired, rid: /)
  })
})

describe('sns/auth (§5)', () => {
  it('valid → {"errcode":0,"errmsg":"ok"} exactly', async () => {
    const emu = createEmulator()
    const res = await auth(emu, await login(emu, { scope: 'snsapi_base' }))
    expect(res.text).toBe('{"errcode":0,"errmsg":"ok"}')
  })

  it('bad openid → 40003, bad token → 40014, expired → 42001', async () => {
    const emu = createEmulator()
    const t = await login(emu)
    expect((await auth(emu, { ...t, openid: 'oXXXXXXXXXXXXXXXXXXXXXXXXXXX' })).body.errcode).toBe(
      40003,
    )
    expect(
      (await auth(emu, { ...t, access_token: '12_notatokennotatokennotatoken' })).body.errcode,
    ).toBe(40014)
    emu.clock.advance(7200)
    expect((await auth(emu, t)).body.errcode).toBe(42001)
  })
})
