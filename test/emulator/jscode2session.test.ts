import { describe, expect, it } from 'vitest'
import { createEmulator, type Emulator } from '../helpers/emulator.js'
import { call, mp, oa } from './helpers.js'

function session(emu: Emulator, jsCode: string, params: Record<string, string> = {}) {
  return call(emu, '/sns/jscode2session', {
    appid: mp.appId,
    secret: mp.secret,
    js_code: jsCode,
    grant_type: 'authorization_code',
    ...params,
  })
}

describe('sns/jscode2session (§9)', () => {
  it('answers {session_key, openid, unionid} without errcode', async () => {
    const emu = createEmulator()
    const { body } = await session(emu, emu.miniProgramLogin({ appId: mp.appId, user: 'zhangsan' }))
    expect(Object.keys(body)).toEqual(['session_key', 'openid', 'unionid'])
    expect(body.session_key).toMatch(/^[A-Za-z0-9+/]{22}==$/)
    expect(body.openid).toBe(emu.openid(mp.appId, 'zhangsan'))
    expect(body.unionid).toBe(emu.unionid(oa.appId, 'zhangsan'))
  })

  it('js_codes are single use (40163) and live 5 minutes (40029)', async () => {
    const emu = createEmulator()
    const code = emu.miniProgramLogin({ appId: mp.appId, user: 'zhangsan' })
    const late = emu.miniProgramLogin({ appId: mp.appId, user: 'zhangsan' })
    expect(code).toMatch(/^[A-Za-z0-9]{32}$/)
    await session(emu, code)
    expect((await session(emu, code)).body.errcode).toBe(40163)
    emu.clock.advance(300)
    expect((await session(emu, late)).body.errcode).toBe(40029)
  })

  it('45011 after jscode2sessionPerMinute calls per user per minute', async () => {
    const emu = createEmulator({ behaviour: { jscode2sessionPerMinute: 3 } })
    const codes = Array.from({ length: 5 }, () =>
      emu.miniProgramLogin({ appId: mp.appId, user: 'zhangsan' }),
    )
    for (const code of codes.slice(0, 3))
      expect((await session(emu, code)).body).toHaveProperty('openid')
    const limited = await session(emu, codes[3] as string)
    expect(limited.body.errcode).toBe(45011)
    expect(limited.body.errmsg).toMatch(
      /^api minute-quota reach limit mustslower retry next minute, rid: /,
    )
    const other = emu.miniProgramLogin({ appId: mp.appId, user: 'lisi' })
    expect((await session(emu, other)).body).toHaveProperty('openid')
    emu.clock.advance(60)
    expect((await session(emu, codes[3] as string)).body).toHaveProperty('openid')
  })

  it('defaults to 100 calls per minute', async () => {
    const emu = createEmulator()
    for (let i = 0; i < 100; i++) {
      await session(emu, emu.miniProgramLogin({ appId: mp.appId, user: 'wangwu' }))
    }
    expect(
      (await session(emu, emu.miniProgramLogin({ appId: mp.appId, user: 'wangwu' }))).body.errcode,
    ).toBe(45011)
  })

  it('blocked users → 40226', async () => {
    const emu = createEmulator()
    emu.addUser({ id: 'risky', nickname: '风险用户', blocked: true })
    const res = await session(emu, emu.miniProgramLogin({ appId: mp.appId, user: 'risky' }))
    expect(res.body.errcode).toBe(40226)
    expect(res.body.errmsg).toMatch(/^code blocked, rid: /)
  })

  it.each([
    [{ appid: '' }, 41002],
    [{ appid: oa.appId }, 40013],
    [{ secret: '' }, 41004],
    [{ secret: 'nope' }, 40125],
    [{ js_code: '' }, 41008],
    [{ grant_type: 'x' }, 40002],
    [{ js_code: 'garbage' }, 40029],
  ])('%o → %i', async (params, errcode) => {
    const emu = createEmulator()
    const res = await session(
      emu,
      emu.miniProgramLogin({ appId: mp.appId, user: 'zhangsan' }),
      params,
    )
    expect(res.body.errcode).toBe(errcode)
  })

  it('a js_code of another mini program → 40029', async () => {
    const emu = createEmulator()
    emu.addApp({ appId: 'wx1111111111111111', secret: 'other', kind: 'miniprogram' })
    const code = emu.miniProgramLogin({ appId: 'wx1111111111111111', user: 'zhangsan' })
    expect((await session(emu, code)).body.errcode).toBe(40029)
  })
})
