import { describe, expect, it } from 'vitest'
import { createEmulator, defaultApps } from '../helpers/emulator.js'
import { exchange, login, mp, oa, web } from './helpers.js'

const tokenRe = /^\d{2}_[A-Za-z0-9_-]{60,}$/
const openidRe = /^o[A-Za-z0-9_-]{27}$/

describe('codes (§2.4)', () => {
  it('are 32 alphanumeric characters', () => {
    const emu = createEmulator()
    expect(emu.issueCode({ appId: oa.appId, user: 'zhangsan' })).toMatch(/^[A-Za-z0-9]{32}$/)
  })

  it('are single use: the second exchange gets 40163', async () => {
    const emu = createEmulator()
    const code = emu.issueCode({ appId: oa.appId, user: 'zhangsan' })
    expect((await exchange(emu, code)).body).toHaveProperty('access_token')
    const again = await exchange(emu, code)
    expect(again.body.errcode).toBe(40163)
    expect(again.body.errmsg).toMatch(/^code been used, rid: /)
  })

  it('expire after 300 s for official accounts → 40029', async () => {
    const emu = createEmulator()
    const fresh = emu.issueCode({ appId: oa.appId, user: 'zhangsan' })
    const old = emu.issueCode({ appId: oa.appId, user: 'zhangsan' })
    emu.clock.advance(299)
    expect((await exchange(emu, fresh)).body).toHaveProperty('access_token')
    emu.clock.advance(1)
    expect((await exchange(emu, old)).body.errcode).toBe(40029)
  })

  it('expire after 600 s for website apps', async () => {
    const emu = createEmulator()
    const a = emu.issueCode({ appId: web.appId, user: 'zhangsan' })
    const b = emu.issueCode({ appId: web.appId, user: 'zhangsan' })
    emu.clock.advance(599)
    expect((await exchange(emu, a, web)).body).toHaveProperty('access_token')
    emu.clock.advance(1)
    expect((await exchange(emu, b, web)).body.errcode).toBe(40029)
  })

  it('follow codeTtl', async () => {
    const emu = createEmulator({ behaviour: { codeTtl: { official: 10 } } })
    const code = emu.issueCode({ appId: oa.appId, user: 'zhangsan' })
    emu.clock.advance(10)
    expect((await exchange(emu, code)).body.errcode).toBe(40029)
  })

  it('are bound to their app: another app gets 40029 and the code stays usable', async () => {
    const emu = createEmulator()
    const code = emu.issueCode({ appId: oa.appId, user: 'zhangsan' })
    expect((await exchange(emu, code, web)).body.errcode).toBe(40029)
    expect((await exchange(emu, code)).body).toHaveProperty('access_token')
  })

  it('garbage → 40029', async () => {
    expect(
      (await exchange(createEmulator(), 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA')).body.errcode,
    ).toBe(40029)
  })

  it('cannot be issued for a mini program or an unknown user', () => {
    const emu = createEmulator()
    expect(() => emu.issueCode({ appId: mp.appId, user: 'zhangsan' })).toThrow(/mini|miniprogram/)
    expect(() => emu.issueCode({ appId: oa.appId, user: 'nobody' })).toThrow(/nobody/)
    expect(() =>
      emu.issueCode({ appId: oa.appId, user: 'zhangsan', scope: 'snsapi_login' }),
    ).toThrow(/scope/)
  })
})

describe('token answer (§3.2)', () => {
  it('has WeChat’s fields: no token_type, expires_in 7200, scope echoed, WeChat-shaped ids', async () => {
    const emu = createEmulator()
    const t = await login(emu, { scope: 'snsapi_base' })
    expect(Object.keys(t)).toEqual([
      'access_token',
      'expires_in',
      'refresh_token',
      'openid',
      'scope',
    ])
    expect(t.expires_in).toBe(7200)
    expect(t.scope).toBe('snsapi_base')
    expect(t.access_token).toMatch(tokenRe)
    expect(t.refresh_token).toMatch(tokenRe)
    expect(t.access_token).not.toBe(t.refresh_token)
    expect(t.openid).toMatch(openidRe)
    expect(t.openid).toBe(emu.openid(oa.appId, 'zhangsan'))
  })

  it('official account: unionid only for snsapi_userinfo', async () => {
    const emu = createEmulator()
    const base = await login(emu, { scope: 'snsapi_base' })
    const info = await login(emu, { scope: 'snsapi_userinfo' })
    expect(base.unionid).toBeUndefined()
    expect(info.unionid).toMatch(openidRe)
    expect(info.unionid).toBe(emu.unionid(oa.appId, 'zhangsan'))
  })

  it('unionidForBase returns unionid for snsapi_base too', async () => {
    const emu = createEmulator({ behaviour: { unionidForBase: true } })
    expect((await login(emu, { scope: 'snsapi_base' })).unionid).toBe(
      emu.unionid(oa.appId, 'zhangsan'),
    )
  })

  it('website app: unionid when bound', async () => {
    const emu = createEmulator()
    const t = await login(emu, { app: web })
    expect(t.scope).toBe('snsapi_login')
    expect(t.unionid).toBe(emu.unionid(oa.appId, 'zhangsan'))
  })

  it('no unionid when the app is not bound to an open platform', async () => {
    const apps = defaultApps.map((a) => (a.appId === oa.appId ? { ...a, openPlatform: null } : a))
    const emu = createEmulator({ apps })
    expect((await login(emu)).unionid).toBeUndefined()
    expect(emu.unionid(oa.appId, 'zhangsan')).toBeUndefined()
  })

  it('openids differ per app for one user; unionids agree across one open platform', async () => {
    const emu = createEmulator()
    const a = await login(emu, { app: oa })
    const b = await login(emu, { app: web })
    expect(a.openid).not.toBe(b.openid)
    expect(a.unionid).toBe(b.unionid)
    const other = await login(emu, { app: oa, user: 'lisi' })
    expect(other.openid).not.toBe(a.openid)
    expect(other.unionid).not.toBe(a.unionid)
  })

  it('marks snapshot codes with is_snapshotuser: 1 and virtual ids', async () => {
    const emu = createEmulator()
    const snap = await login(emu, { snapshot: true })
    expect(snap.is_snapshotuser).toBe(1)
    expect(snap.openid).not.toBe(emu.openid(oa.appId, 'zhangsan'))
    expect(snap.unionid).not.toBe(emu.unionid(oa.appId, 'zhangsan'))
    const user = await login(emu, { user: 'snapshot' })
    expect(user.is_snapshotuser).toBe(1)
    expect(user.openid).toBe(emu.openid(oa.appId, 'snapshot'))
    expect((await login(emu)).is_snapshotuser).toBeUndefined()
  })

  it('issues a new token pair per exchange', async () => {
    const emu = createEmulator()
    const a = await login(emu)
    const b = await login(emu)
    expect(a.access_token).not.toBe(b.access_token)
    expect(a.openid).toBe(b.openid)
  })
})
