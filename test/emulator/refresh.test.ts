import { describe, expect, it } from 'vitest'
import { createEmulator, type Emulator } from '../helpers/emulator.js'
import { call, login, oa, web } from './helpers.js'

function refresh(emu: Emulator, refreshToken: string, appid = oa.appId) {
  return call(emu, '/sns/oauth2/refresh_token', {
    appid,
    grant_type: 'refresh_token',
    refresh_token: refreshToken,
  })
}

function userinfo(emu: Emulator, t: { access_token: string; openid: string }) {
  return call(emu, '/sns/userinfo', { access_token: t.access_token, openid: t.openid })
}

describe('sns/oauth2/refresh_token (§4)', () => {
  it('needs no secret and keeps an unexpired access token, extending its expiry', async () => {
    const emu = createEmulator()
    const t = await login(emu)
    emu.clock.advance(7000)
    const r = await refresh(emu, t.refresh_token)
    expect(r.body).toEqual({
      access_token: t.access_token,
      expires_in: 7200,
      refresh_token: t.refresh_token,
      openid: t.openid,
      scope: 'snsapi_userinfo',
    })
    emu.clock.advance(7000)
    expect((await userinfo(emu, t)).body).toHaveProperty('nickname')
  })

  it('replaces an expired access token with a new one', async () => {
    const emu = createEmulator()
    const t = await login(emu)
    emu.clock.advance(7200)
    expect((await userinfo(emu, t)).body.errcode).toBe(42001)
    const r = await refresh(emu, t.refresh_token)
    const next = r.body as { access_token: string; refresh_token: string; openid: string }
    expect(next.access_token).not.toBe(t.access_token)
    expect(next.refresh_token).toBe(t.refresh_token)
    expect((await userinfo(emu, next)).body).toHaveProperty('nickname')
  })

  it('keeps the refresh token’s absolute 30-day life: refreshing does not extend it', async () => {
    const emu = createEmulator()
    const t = await login(emu, { app: web })
    for (let day = 0; day < 29; day++) {
      emu.clock.advance(86_400)
      expect((await refresh(emu, t.refresh_token, web.appId)).body.refresh_token).toBe(
        t.refresh_token,
      )
    }
    emu.clock.advance(86_400)
    expect((await refresh(emu, t.refresh_token, web.appId)).body.errcode).toBe(40030)
  })

  it('follows refreshTokenTtlDays', async () => {
    const emu = createEmulator({ behaviour: { refreshTokenTtlDays: 1 } })
    const t = await login(emu)
    emu.clock.advance(86_400)
    expect((await refresh(emu, t.refresh_token)).body.errcode).toBe(40030)
  })

  it('unknown refresh token, another app’s, or an access token → 40030', async () => {
    const emu = createEmulator()
    const t = await login(emu)
    expect((await refresh(emu, '12_unknownunknownunknownunknown')).body.errcode).toBe(40030)
    expect((await refresh(emu, t.refresh_token, web.appId)).body.errcode).toBe(40030)
    expect((await refresh(emu, t.access_token)).body.errcode).toBe(40030)
  })

  it('revoked user (password changed) → 42007 on refresh and userinfo', async () => {
    const emu = createEmulator()
    const t = await login(emu)
    const other = await login(emu, { app: web })
    emu.revokeUser('zhangsan', { appId: oa.appId })
    expect((await refresh(emu, t.refresh_token)).body.errcode).toBe(42007)
    expect((await userinfo(emu, t)).body.errcode).toBe(42007)
    expect((await refresh(emu, other.refresh_token, web.appId)).body).toHaveProperty('access_token')
    emu.revokeUser('zhangsan')
    expect((await refresh(emu, other.refresh_token, web.appId)).body.errcode).toBe(42007)
    const fresh = await login(emu)
    expect((await userinfo(emu, fresh)).body).toHaveProperty('openid', fresh.openid)
  })
})
