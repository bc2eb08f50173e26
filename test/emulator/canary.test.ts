/** `createEmulator({ canary })`: a marker in every credential issued, each keeping WeChat's shape. */
import { describe, expect, it } from 'vitest'
import {
  type AppConfig,
  type AppKind,
  defaultApps as builtInApps,
  type Emulator,
} from '../../src/emulator/index.js'
import { canarySecret } from '../helpers/canary.js'
import { createEmulator, EmulatorConfigError } from '../helpers/emulator.js'
import { call, exchange } from './helpers.js'

const canary = 'c0ffee5ec2e7'
const byKind = (emu: Emulator, kind: AppKind) =>
  emu.apps.find((app) => app.kind === kind) as AppConfig

describe('the canary option', () => {
  it('is off unless asked for: the default apps keep their documented secrets', () => {
    const emu = createEmulator({ canary: undefined })
    expect(emu.apps.map((app) => app.secret)).toEqual(builtInApps.map((app) => app.secret))
    expect(
      emu.issueCode({ appId: builtInApps[0]?.appId as string, user: 'zhangsan' }),
    ).not.toContain(canary)
  })

  it.each([
    ['too short', 'c0ffe'],
    ['too long', 'c0ffee5ec2e7c0ffe'],
    ['uppercase', 'C0FFEE5EC2E7'],
    ['not hex', 'canary-leak'],
    ['empty', ''],
    ['a number', 123456],
  ])('refuses one that is %s, naming the option', (_name, value) => {
    expect(() => createEmulator({ canary: value as string })).toThrow(EmulatorConfigError)
    expect(() => createEmulator({ canary: value as string })).toThrow(/"canary" must be 6 to 16/)
  })

  it('puts it in the default apps’ secrets: still 32 hex digits, kept across reset()', () => {
    const emu = createEmulator({ canary })
    for (const app of emu.apps) {
      expect(app.secret).toMatch(/^[0-9a-f]{32}$/)
      expect(app.secret.startsWith(canary)).toBe(true)
    }
    emu.reset()
    for (const app of emu.apps) expect(app.secret.startsWith(canary)).toBe(true)
  })

  it('leaves the secrets of apps you pass alone', () => {
    const secret = canarySecret('own')
    const emu = createEmulator({
      canary,
      apps: [{ appId: 'wxown0000000000001', secret, kind: 'official' }],
    })
    expect(emu.apps[0]?.secret).toBe(secret)
  })

  it('puts it in every credential issued, each of WeChat’s shape', async () => {
    const emu = createEmulator({ canary })
    const oa = byKind(emu, 'official')
    const mp = byKind(emu, 'miniprogram')
    const component = byKind(emu, 'component')
    const code = emu.issueCode({ appId: oa.appId, user: 'zhangsan' })
    expect(code).toMatch(/^[A-Za-z0-9]{32}$/)
    const token = (await exchange(emu, code, oa)).body
    const componentToken = emu.componentAccessToken(component.appId)
    for (const t of [token.access_token, token.refresh_token, componentToken]) {
      expect(t).toMatch(/^\d{2}_[A-Za-z0-9_-]{107}$/)
      expect(String(t).slice(3)).toMatch(new RegExp(`^${canary}`))
    }
    const jsCode = emu.miniProgramLogin({ appId: mp.appId, user: 'lisi' })
    expect(jsCode).toMatch(/^[A-Za-z0-9]{32}$/)
    const session = await call(emu, '/sns/jscode2session', {
      appid: mp.appId,
      secret: mp.secret,
      js_code: jsCode,
      grant_type: 'authorization_code',
    })
    const key = session.body.session_key as string
    // Still the base64 of 16 bytes, in its canonical form.
    expect(key).toMatch(/^[A-Za-z0-9+/]{22}==$/)
    expect(Buffer.from(key, 'base64')).toHaveLength(16)
    expect(Buffer.from(key, 'base64').toString('base64')).toBe(key)
    for (const credential of [code, jsCode, key]) expect(credential.startsWith(canary)).toBe(true)
    // And they work as ever: the refresh token refreshes.
    const refreshed = await call(emu, '/sns/oauth2/refresh_token', {
      appid: oa.appId,
      grant_type: 'refresh_token',
      refresh_token: token.refresh_token as string,
    })
    expect(refreshed.body.access_token).toBe(token.access_token)
  })

  it('is part of the JSON configuration (wxauth emulator --config)', () => {
    const emu = createEmulator(JSON.parse(JSON.stringify({ canary, behaviour: { qrTtl: 60 } })))
    expect(byKind(emu, 'website').secret.startsWith(canary)).toBe(true)
  })
})
