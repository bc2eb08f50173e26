import { describe, expect, it } from 'vitest'
import {
  createEmulator,
  defaultApps,
  defaultBehaviour,
  defaultUsers,
  EmulatorConfigError,
  type EmulatorOptions,
} from '../helpers/emulator.js'
import { login, oa } from './helpers.js'

describe('defaults', () => {
  it('has one app of each kind with WeChat-shaped appIds, 32-hex secrets and bilingual names', () => {
    expect(defaultApps.map((a) => a.kind).sort()).toEqual([
      'component',
      'miniprogram',
      'official',
      'website',
    ])
    for (const app of defaultApps) {
      expect(app.appId).toMatch(/^wx[0-9a-f]{16}$/)
      expect(app.secret).toMatch(/^[0-9a-f]{32}$/)
      expect(app.name).toMatch(/\p{Script=Han}.*\(.*[A-Za-z]/u)
      // Hosts only, as WeChat's console takes them: a port needs allowLocalPorts.
      expect(app.domains).toEqual(['localhost', '127.0.0.1'])
    }
    const bound = defaultApps.filter((a) => a.kind !== 'component').map((a) => a.openPlatform)
    expect(new Set(bound).size).toBe(1)
    expect(bound[0]).toBeTruthy()
    const component = defaultApps.find((a) => a.kind === 'component')
    expect(oa.authorizedComponents).toEqual([component?.appId])
  })

  it('has users with Chinese nicknames, one of them a snapshot user', () => {
    expect(defaultUsers.length).toBeGreaterThanOrEqual(3)
    expect(defaultUsers.filter((u) => u.snapshot)).toHaveLength(1)
    for (const u of defaultUsers) expect(u.nickname).toMatch(/\p{Script=Han}/u)
  })

  it('documents every uncertain point as a behaviour default', () => {
    expect(defaultBehaviour).toEqual({
      refusal: 'redirect',
      contentType: 'application/json; encoding=utf-8',
      errmsgStyle: 'rid',
      sexAsString: false,
      privacyMode: true,
      unionidForBase: false,
      strictParamOrder: true,
      strictStateCharset: false,
      requireWeChatUserAgent: true,
      rememberConsentDays: 30,
      snapshotUserinfo: '48001',
      codeTtl: { official: 300, website: 600 },
      accessTokenTtl: 7200,
      refreshTokenTtlDays: 30,
      qrTtl: 300,
      jscode2sessionPerMinute: 100,
    })
  })
})

describe('options', () => {
  it('rejects options that are not an object, and unknown top-level keys, with EmulatorConfigError', () => {
    for (const options of [null, [], 'x', 1]) {
      expect(() => createEmulator(options as never)).toThrow(EmulatorConfigError)
    }
    expect(() => createEmulator({ user: [] } as never)).toThrow(/"user" is not an option/)
    expect(() => createEmulator({ clock: 5 } as never)).toThrow(EmulatorConfigError)
  })

  it('accepts a JSON config file (round-tripped through JSON)', async () => {
    const config: EmulatorOptions = {
      apps: [
        {
          appId: 'wxaaaaaaaaaaaaaaaa',
          secret: 's3cr3t',
          kind: 'official',
          domains: ['example.com'],
        },
      ],
      users: [{ id: 'alice', nickname: '爱丽丝' }],
      publicUrl: 'https://emu.example.com/',
      behaviour: { accessTokenTtl: 60, codeTtl: { official: 10 } },
    }
    const emu = createEmulator(JSON.parse(JSON.stringify(config)))
    const token = await login(emu, {
      app: { appId: 'wxaaaaaaaaaaaaaaaa', secret: 's3cr3t' },
      user: 'alice',
    })
    expect(token.expires_in).toBe(60)
    expect(token.unionid).toBeUndefined()
    expect(emu.users.map((u) => u.id)).toEqual(['alice'])
  })

  it.each<[string, EmulatorOptions, RegExp]>([
    [
      'bad kind',
      { apps: [{ appId: 'wx1', secret: 's', kind: 'app' as never }] },
      /apps\[0\]\.kind/,
    ],
    [
      'missing secret',
      { apps: [{ appId: 'wx1', kind: 'official' } as never] },
      /apps\[0\]\.secret/,
    ],
    [
      'duplicate appId',
      {
        apps: [
          { appId: 'wx1', secret: 's', kind: 'official' },
          { appId: 'wx1', secret: 's', kind: 'website' },
        ],
      },
      /apps\[1\]\.appId/,
    ],
    [
      'bad domain',
      { apps: [{ appId: 'wx1', secret: 's', kind: 'official', domains: ['http://x.com'] }] },
      /domains\[0\]/,
    ],
    [
      'unknown scope',
      { apps: [{ appId: 'wx1', secret: 's', kind: 'official', scopes: ['snsapi_all'] }] },
      /scopes\[0\]/,
    ],
    [
      'unknown app field',
      { apps: [{ appId: 'wx1', secret: 's', kind: 'official', colour: 1 } as never] },
      /colour/,
    ],
    ['bad sex', { users: [{ id: 'u', nickname: 'n', sex: 3 as never }] }, /users\[0\]\.sex/],
    ['bad user id', { users: [{ id: 'a b', nickname: 'n' }] }, /users\[0\]\.id/],
    ['bad refusal', { behaviour: { refusal: 'maybe' as never } }, /behaviour\.refusal/],
    ['bad ttl', { behaviour: { accessTokenTtl: -1 } }, /behaviour\.accessTokenTtl/],
    ['unknown behaviour', { behaviour: { fast: true } as never }, /behaviour\.fast/],
    ['bad publicUrl', { publicUrl: 'ftp://x' }, /publicUrl/],
  ])('rejects %s with a message naming the field', (_name, options, field) => {
    expect(() => createEmulator(options)).toThrow(EmulatorConfigError)
    expect(() => createEmulator(options)).toThrow(field)
  })

  it('uses publicUrl for links when not listening', async () => {
    const emu = createEmulator({ publicUrl: 'https://emu.example.com' })
    const token = await login(emu)
    const res = await emu.fetch(
      `https://api.weixin.qq.com/sns/userinfo?access_token=${token.access_token}&openid=${token.openid}`,
    )
    const info = (await res.json()) as { headimgurl: string }
    expect(info.headimgurl).toBe('https://emu.example.com/__emulator/avatar/zhangsan.svg')
  })
})
