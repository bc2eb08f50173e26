import { describe, expect, it } from 'vitest'
import {
  defaultComponent as comp,
  createEmulator,
  defaultApps,
  type Emulator,
} from '../helpers/emulator.js'
import { API, authorizeUrl, call, exchange, oa, openInWeChat, queryOf } from './helpers.js'

function componentExchange(emu: Emulator, params: Record<string, string>) {
  return call(emu, '/sns/oauth2/component/access_token', {
    appid: oa.appId,
    grant_type: 'authorization_code',
    component_appid: comp.appId,
    ...params,
  })
}

function componentRefresh(emu: Emulator, params: Record<string, string>) {
  return call(emu, '/sns/oauth2/component/refresh_token', {
    appid: oa.appId,
    grant_type: 'refresh_token',
    component_appid: comp.appId,
    ...params,
  })
}

async function apiComponentToken(emu: Emulator, body: unknown, method = 'POST') {
  const res = await emu.fetch(`${API}/cgi-bin/component/api_component_token`, {
    method,
    ...(method === 'POST' && { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  })
  return (await res.json()) as Record<string, unknown>
}

describe('cgi-bin/component/api_component_token', () => {
  it('accepts any non-empty ticket and answers {component_access_token, expires_in: 7200}', async () => {
    const emu = createEmulator()
    const body = await apiComponentToken(emu, {
      component_appid: comp.appId,
      component_appsecret: comp.secret,
      component_verify_ticket: 'ticket@@@anything',
    })
    expect(Object.keys(body)).toEqual(['component_access_token', 'expires_in'])
    expect(body.expires_in).toBe(7200)
    expect(body.component_access_token).toMatch(/^\d{2}_[A-Za-z0-9_-]+$/)
  })

  it.each([
    ['not JSON', '{nope', 47001],
    [
      'no component_appid',
      { component_appsecret: comp.secret, component_verify_ticket: 't' },
      47001,
    ],
    [
      'unknown appid',
      { component_appid: 'wx00', component_appsecret: 's', component_verify_ticket: 't' },
      40013,
    ],
    [
      'not a component',
      { component_appid: oa.appId, component_appsecret: oa.secret, component_verify_ticket: 't' },
      61011,
    ],
    ['no secret', { component_appid: comp.appId, component_verify_ticket: 't' }, 41004],
    [
      'wrong secret',
      { component_appid: comp.appId, component_appsecret: 'x', component_verify_ticket: 't' },
      40125,
    ],
    [
      'empty ticket',
      {
        component_appid: comp.appId,
        component_appsecret: comp.secret,
        component_verify_ticket: '',
      },
      61006,
    ],
  ])('%s → %i', async (_name, body, errcode) => {
    expect((await apiComponentToken(createEmulator(), body)).errcode).toBe(errcode)
  })

  it('GET → 43002 require POST method', async () => {
    expect((await apiComponentToken(createEmulator(), null, 'GET')).errcode).toBe(43002)
  })
})

describe('sns/oauth2/component (§8)', () => {
  it('authorize with component_appid appends &appid=APPID to the callback', async () => {
    const emu = createEmulator()
    emu.autoApprove('zhangsan')
    const { status, location } = await openInWeChat(
      emu,
      authorizeUrl({ extra: `component_appid=${comp.appId}` }),
    )
    expect(status).toBe(302)
    expect(location).toMatch(
      /^http:\/\/localhost:3000\/callback\?code=[A-Za-z0-9]{32}&state=xyz123&appid=wx5f1c3a9e2b7d4f60$/,
    )
    const code = queryOf(location).get('code') as string
    // A component code is not for the plain exchange.
    expect((await exchange(emu, code)).body.errcode).toBe(40029)
    const token = await componentExchange(emu, {
      code,
      component_access_token: emu.componentAccessToken(comp.appId),
    })
    expect(token.body).toMatchObject({
      openid: emu.openid(oa.appId, 'zhangsan'),
      scope: 'snsapi_userinfo',
    })
  })

  it('exchanges and refreshes with a valid component_access_token (no secret)', async () => {
    const emu = createEmulator()
    const cat = emu.componentAccessToken(comp.appId)
    const code = emu.issueCode({ appId: oa.appId, user: 'lisi', componentAppId: comp.appId })
    const t = (await componentExchange(emu, { code, component_access_token: cat })).body
    expect(t).toMatchObject({ expires_in: 7200, unionid: emu.unionid(oa.appId, 'lisi') })
    expect((await componentExchange(emu, { code, component_access_token: cat })).body.errcode).toBe(
      40163,
    )
    emu.clock.advance(7300)
    const cat2 = emu.componentAccessToken(comp.appId)
    const r = await componentRefresh(emu, {
      refresh_token: t.refresh_token as string,
      component_access_token: cat2,
    })
    expect(r.body.refresh_token).toBe(t.refresh_token)
    expect(r.body.access_token).not.toBe(t.access_token)
    // The component's refresh token is not for the plain endpoint.
    const plain = await call(emu, '/sns/oauth2/refresh_token', {
      appid: oa.appId,
      grant_type: 'refresh_token',
      refresh_token: t.refresh_token as string,
    })
    expect(plain.body.errcode).toBe(40030)
  })

  it('invalid or stale component_access_token → 40001', async () => {
    const emu = createEmulator()
    const code = emu.issueCode({ appId: oa.appId, user: 'lisi', componentAppId: comp.appId })
    const res = await componentExchange(emu, {
      code,
      component_access_token: '12_invalidinvalidinvalidinvalid',
    })
    expect(res.body.errcode).toBe(40001)
    expect(res.body.errmsg).toMatch(
      /^invalid credential, access_token is invalid or not latest, rid: /,
    )
    const old = emu.componentAccessToken(comp.appId)
    emu.componentAccessToken(comp.appId)
    expect(
      (await componentExchange(emu, { code, component_access_token: old })).body,
    ).toHaveProperty('access_token')
    emu.clock.advance(301)
    const code2 = emu.issueCode({ appId: oa.appId, user: 'lisi', componentAppId: comp.appId })
    expect(
      (await componentExchange(emu, { code: code2, component_access_token: old })).body.errcode,
    ).toBe(40001)
    emu.clock.advance(7200)
    const expired = await componentRefresh(emu, { refresh_token: 'x', component_access_token: old })
    expect(expired.body.errcode).toBe(40001)
  })

  it('an authorizer/user token instead of the component token → 48001', async () => {
    const emu = createEmulator()
    const code = emu.issueCode({ appId: oa.appId, user: 'zhangsan', componentAppId: comp.appId })
    const user = (
      await componentExchange(emu, {
        code,
        component_access_token: emu.componentAccessToken(comp.appId),
      })
    ).body.access_token as string
    const code2 = emu.issueCode({ appId: oa.appId, user: 'zhangsan', componentAppId: comp.appId })
    expect(
      (await componentExchange(emu, { code: code2, component_access_token: user })).body.errcode,
    ).toBe(48001)
  })

  it('an official account that did not authorize the component → 40013', async () => {
    const apps = defaultApps.map((a) =>
      a.appId === oa.appId ? { ...a, authorizedComponents: [] } : a,
    )
    const emu = createEmulator({ apps })
    const res = await componentExchange(emu, {
      code: 'c',
      component_access_token: emu.componentAccessToken(comp.appId),
    })
    expect(res.body.errcode).toBe(40013)
  })

  it.each([
    [{ component_appid: '' }, 41018],
    [{ component_appid: oa.appId }, 40013],
    [{ component_access_token: '' }, 41001],
    [{ appid: comp.appId }, 40013],
    [{ grant_type: 'refresh_token' }, 40002],
    [{ code: '' }, 41008],
  ])('%o → %i', async (params, errcode) => {
    const emu = createEmulator()
    const res = await componentExchange(emu, {
      code: 'c',
      component_access_token: emu.componentAccessToken(comp.appId),
      ...params,
    })
    expect(res.body.errcode).toBe(errcode)
  })
})
