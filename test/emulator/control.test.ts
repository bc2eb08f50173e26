import { describe, expect, it } from 'vitest'
import {
  defaultComponent as comp,
  createEmulator,
  EmulatorConfigError,
} from '../helpers/emulator.js'
import {
  authorizeUrl,
  call,
  controlPost,
  exchange,
  login,
  mp,
  oa,
  openInWeChat,
  queryOf,
} from './helpers.js'

const BASE = 'http://127.0.0.1:8900/__emulator'

describe('control API (/__emulator/)', () => {
  it('POST auto-approve {user, decision?, times?, keep?}', async () => {
    const emu = createEmulator()
    expect((await controlPost(emu, 'auto-approve', { user: 'lisi' })).body).toEqual({
      autoApprove: { user: 'lisi', decision: 'allow', remaining: 1 },
    })
    const { location } = await openInWeChat(emu, authorizeUrl())
    expect((await exchange(emu, queryOf(location).get('code') as string)).body.openid).toBe(
      emu.openid(oa.appId, 'lisi'),
    )
    await controlPost(emu, 'auto-approve', { user: 'lisi', decision: 'deny' })
    expect((await openInWeChat(emu, authorizeUrl())).location).toBe(
      'http://localhost:3000/callback?state=xyz123',
    )
    await controlPost(emu, 'auto-approve', { user: 'lisi', keep: true })
    await controlPost(emu, 'auto-approve', { user: null })
    expect((await openInWeChat(emu, authorizeUrl())).status).toBe(200)
    expect((await controlPost(emu, 'auto-approve', { user: 'nobody' })).status).toBe(400)
    expect(
      (await controlPost(emu, 'auto-approve', { user: 'lisi', decision: 'perhaps' })).status,
    ).toBe(400)
  })

  it('POST faults {endpoint, times?, ...fault}', async () => {
    const emu = createEmulator()
    const res = await controlPost(emu, 'faults', {
      endpoint: 'sns/oauth2/access_token',
      errcode: -1,
      times: 2,
    })
    expect(res.status).toBe(200)
    expect((await exchange(emu, 'x')).body.errcode).toBe(-1)
    expect((await exchange(emu, 'x')).body.errcode).toBe(-1)
    expect((await exchange(emu, 'x')).body.errcode).toBe(40029)
    expect(
      (await controlPost(emu, 'faults', { endpoint: 'sns/nope', errcode: 1 })).body.error,
    ).toMatch(/endpoint/)
    expect(
      (await controlPost(emu, 'faults', { endpoint: 'sns/auth', explode: true })).body.error,
    ).toMatch(/explode/)
    expect((await controlPost(emu, 'faults', { endpoint: 'sns/auth', delay: 'slow' })).status).toBe(
      400,
    )
    expect((await controlPost(emu, 'faults', { endpoint: 'sns/auth', times: 0 })).status).toBe(400)
  })

  it('POST clock {advance}', async () => {
    const emu = createEmulator({ clock: () => 1_000_000 })
    expect((await controlPost(emu, 'clock', { advance: 60 })).body).toEqual({ now: 1_060_000 })
    expect(emu.clock.now()).toBe(1_060_000)
    expect((await controlPost(emu, 'clock', { advance: 'soon' })).status).toBe(400)
    expect((await controlPost(emu, 'clock', { advance: -5 })).status).toBe(400)
  })

  it('GET requests', async () => {
    const emu = createEmulator()
    await exchange(emu, 'x')
    const res = await emu.fetch(`${BASE}/requests`)
    const { requests } = (await res.json()) as { requests: { endpoint: string; errcode: number }[] }
    expect(requests).toHaveLength(1)
    expect(requests[0]).toMatchObject({
      endpoint: 'sns/oauth2/access_token',
      errcode: 40029,
      status: 200,
    })
  })

  it('POST reset', async () => {
    const emu = createEmulator()
    const t = await login(emu)
    emu.autoApprove('lisi')
    emu.clock.advance(100)
    emu.addUser({ id: 'extra', nickname: '额外' })
    expect((await controlPost(emu, 'reset', {})).body).toEqual({ ok: true })
    expect(emu.requests).toHaveLength(0)
    expect(emu.count('sns/oauth2/access_token')).toBe(0)
    expect(emu.users.some((u) => u.id === 'extra')).toBe(false)
    expect(Math.abs(emu.clock.now() - Date.now())).toBeLessThan(5_000)
    expect(
      (await call(emu, '/sns/auth', { access_token: t.access_token, openid: t.openid })).body
        .errcode,
    ).toBe(40014)
    expect((await openInWeChat(emu, authorizeUrl())).status).toBe(200)
  })

  it('POST codes {appId, user, scope?}', async () => {
    const emu = createEmulator()
    const { body } = await controlPost(emu, 'codes', {
      appId: oa.appId,
      user: 'lisi',
      scope: 'snsapi_base',
    })
    const t = await exchange(emu, body.code as string)
    expect(t.body).toMatchObject({ openid: emu.openid(oa.appId, 'lisi'), scope: 'snsapi_base' })
    expect((await controlPost(emu, 'codes', { appId: oa.appId, user: 'nobody' })).status).toBe(400)
    expect((await controlPost(emu, 'codes', { appId: 'wx0', user: 'lisi' })).body.error).toMatch(
      /appId/,
    )
  })

  it('POST js-code {appId, user}', async () => {
    const emu = createEmulator()
    const { body } = await controlPost(emu, 'js-code', { appId: mp.appId, user: 'lisi' })
    const res = await call(emu, '/sns/jscode2session', {
      appid: mp.appId,
      secret: mp.secret,
      js_code: body.js_code as string,
      grant_type: 'authorization_code',
    })
    expect(res.body.openid).toBe(emu.openid(mp.appId, 'lisi'))
    expect((await controlPost(emu, 'js-code', { appId: oa.appId, user: 'lisi' })).status).toBe(400)
  })

  it('POST component-token {componentAppId}', async () => {
    const emu = createEmulator()
    const { body } = await controlPost(emu, 'component-token', { componentAppId: comp.appId })
    expect(body.expires_in).toBe(7200)
    const code = emu.issueCode({ appId: oa.appId, user: 'lisi', componentAppId: comp.appId })
    const res = await call(emu, '/sns/oauth2/component/access_token', {
      appid: oa.appId,
      code,
      grant_type: 'authorization_code',
      component_appid: comp.appId,
      component_access_token: body.component_access_token as string,
    })
    expect(res.body).toHaveProperty('access_token')
    expect((await controlPost(emu, 'component-token', { componentAppId: oa.appId })).status).toBe(
      400,
    )
  })

  it('POST users and POST apps', async () => {
    const emu = createEmulator()
    const user = await controlPost(emu, 'users', { id: 'zhaoliu', nickname: '赵六', sex: 1 })
    expect(user.status).toBe(201)
    const app = await controlPost(emu, 'apps', {
      appId: 'wx2222222222222222',
      secret: 'topsecretvalue1234',
      kind: 'official',
      domains: ['app.example'],
    })
    expect(app.status).toBe(201)
    expect(JSON.stringify(app.body)).not.toContain('topsecretvalue1234')
    const code = emu.issueCode({ appId: 'wx2222222222222222', user: 'zhaoliu' })
    const t = await exchange(emu, code, {
      appId: 'wx2222222222222222',
      secret: 'topsecretvalue1234',
    })
    expect(t.body.openid).toBe(emu.openid('wx2222222222222222', 'zhaoliu'))
    expect((await controlPost(emu, 'users', { id: 'bad id', nickname: 'x' })).body.error).toMatch(
      /id/,
    )
    expect(
      (await controlPost(emu, 'apps', { appId: 'wx3', secret: 's', kind: 'robot' })).body.error,
    ).toMatch(/kind/)
  })

  it('caps queued faults at 10,000: EmulatorConfigError in JS, 400 over HTTP', async () => {
    const emu = createEmulator()
    for (let i = 0; i < 10_000; i++) emu.fail('sns/auth', { errcode: 40001 })
    expect(() => emu.fail('sns/auth', { errcode: 40001 })).toThrow(EmulatorConfigError)
    expect(() => emu.fail('sns/auth', { errcode: 40001 })).toThrow(/too many queued faults/)
    const res = await controlPost(emu, 'faults', { endpoint: 'sns/auth', errcode: 40001 })
    expect(res.status).toBe(400)
    expect(res.body.error).toMatch(/10000 max/)
    // One queued fault with a large `times` is fine; using faults up frees room.
    await call(emu, '/sns/auth')
    expect(
      (await controlPost(emu, 'faults', { endpoint: 'sns/auth', errcode: 1, times: 1e6 })).status,
    ).toBe(200)
    emu.reset()
    expect((await controlPost(emu, 'faults', { endpoint: 'sns/auth', errcode: 1 })).status).toBe(
      200,
    )
  })

  it('caps apps and users at 10,000 each; replacing one still works', async () => {
    const emu = createEmulator()
    const apps = emu.apps.length
    const users = emu.users.length
    for (let i = apps; i < 10_000; i++)
      emu.addApp({ appId: `wxcap${i}`, secret: 's', kind: 'official' })
    for (let i = users; i < 10_000; i++) emu.addUser({ id: `cap${i}`, nickname: 'x' })
    expect(emu.apps).toHaveLength(10_000)
    expect(emu.users).toHaveLength(10_000)
    expect(() => emu.addApp({ appId: 'wxonemore', secret: 's', kind: 'official' })).toThrow(
      /too many apps/,
    )
    expect(() => emu.addUser({ id: 'onemore', nickname: 'x' })).toThrow(EmulatorConfigError)
    const app = await controlPost(emu, 'apps', {
      appId: 'wxonemore',
      secret: 's',
      kind: 'official',
    })
    expect(app).toMatchObject({
      status: 400,
      body: { error: expect.stringMatching(/too many apps/) },
    })
    const user = await controlPost(emu, 'users', { id: 'onemore', nickname: 'x' })
    expect(user).toMatchObject({
      status: 400,
      body: { error: expect.stringMatching(/too many users/) },
    })
    // Replacing by appId / id does not grow anything.
    expect(
      (await controlPost(emu, 'apps', { appId: `wxcap${apps}`, secret: 't', kind: 'website' }))
        .status,
    ).toBe(201)
    expect((await controlPost(emu, 'users', { id: `cap${users}`, nickname: 'y' })).status).toBe(201)
    expect(emu.apps).toHaveLength(10_000)
    emu.reset()
    expect(emu.apps).toHaveLength(apps)
    expect(emu.users).toHaveLength(users)
  })

  it('POST revoke {user, appId?}', async () => {
    const emu = createEmulator()
    const t = await login(emu)
    expect((await controlPost(emu, 'revoke', { user: 'zhangsan', appId: oa.appId })).body).toEqual({
      ok: true,
    })
    expect(
      (await call(emu, '/sns/userinfo', { access_token: t.access_token, openid: t.openid })).body
        .errcode,
    ).toBe(42007)
    expect((await controlPost(emu, 'revoke', { user: 'nobody' })).status).toBe(400)
  })

  it('GET state: apps with secrets masked, users, behaviour', async () => {
    const emu = createEmulator()
    const res = await emu.fetch(`${BASE}/state`)
    const text = await res.text()
    const state = JSON.parse(text) as {
      apps: { appId: string; secret: string }[]
      users: unknown[]
      behaviour: object
    }
    expect(state.apps.map((a) => a.appId)).toContain(oa.appId)
    expect(state.apps.find((a) => a.appId === oa.appId)?.secret).toBe(
      `********${oa.secret.slice(-4)}`,
    )
    expect(text).not.toContain(oa.secret)
    expect(state.users.length).toBe(emu.users.length)
    expect(state.behaviour).toMatchObject({ refusal: 'redirect', accessTokenTtl: 7200 })
  })

  it('bad JSON, wrong content type, wrong method and unknown routes get clear 4xx JSON', async () => {
    const emu = createEmulator()
    const badJson = await controlPost(emu, 'clock', '{"advance":')
    expect(badJson).toEqual({ status: 400, body: { error: 'body is not valid JSON' } })
    expect((await controlPost(emu, 'clock', '[1]')).body.error).toMatch(/object/)
    const form = await emu.fetch(`${BASE}/reset`, { method: 'POST', body: 'x=1' })
    expect(form.status).toBe(400)
    expect(((await form.json()) as { error: string }).error).toMatch(/application\/json/)
    expect((await emu.fetch(`${BASE}/reset`)).status).toBe(405)
    expect((await emu.fetch(`${BASE}/state`, { method: 'POST' })).status).toBe(405)
    expect((await emu.fetch(`${BASE}/nothing-here`)).status).toBe(404)
  })
})
