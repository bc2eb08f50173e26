/**
 * One subject per person on one official account, whatever the scope: WeChat gives the unionid
 * with `snsapi_userinfo` and never with `snsapi_base`, so a base login after a profile login of
 * the same openid reuses the unionid it was seen with.
 */
import { beforeEach, describe, expect, it } from 'vitest'
import { memoryStore } from '../../src/stores/memory.js'
import type { Store } from '../../src/stores/store.js'
import { createEmulator, defaultOfficialAccount, type Emulator } from '../helpers/emulator.js'
import { TestBrowser, WECHAT_UA } from '../helpers/user-agent.js'
import { createWxAuth, type Session, type WxAuth } from '../helpers/wxauth.js'

const ORIGIN = 'http://localhost:3000'
const SECRET = 'unionid-links-test-secret-0123456789abcdef'
const appId = defaultOfficialAccount.appId

let emu: Emulator
let store: Store

beforeEach(() => {
  emu = createEmulator()
  store = memoryStore()
})

function auth(scope: 'snsapi_base' | 'snsapi_userinfo'): WxAuth {
  return createWxAuth({
    apps: { official: { appId, appSecret: defaultOfficialAccount.secret } },
    baseUrl: ORIGIN,
    secrets: [SECRET],
    fetch: emu.fetch,
    store,
    scope,
  })
}

async function logIn(wxauth: WxAuth, user: string): Promise<Session> {
  const app = async (request: Request) =>
    (await wxauth.handle(request)) ?? new Response('page', { status: 200 })
  const browser = new TestBrowser(app, ORIGIN, emu, WECHAT_UA)
  emu.autoApprove(user)
  await browser.navigate('/auth/wechat/login')
  const session = await browser.request('/auth/wechat/session')
  expect(session.status).toBe(200)
  return (await session.json()) as Session
}

describe('the unionid an openid was seen with', () => {
  it('a snsapi_base login after a snsapi_userinfo one keeps the unionid as the subject', async () => {
    const unionid = emu.unionid(appId, 'zhangsan')
    expect(unionid).toBeDefined()
    const before = await logIn(auth('snsapi_base'), 'zhangsan')
    // Nothing known yet: WeChat's base exchange carries no unionid.
    expect(before.identity.subject).toBe(`${appId}:${emu.openid(appId, 'zhangsan')}`)
    expect(before.identity.unionid).toBeUndefined()

    const profile = await logIn(auth('snsapi_userinfo'), 'zhangsan')
    expect(profile.identity.subject).toBe(unionid)

    const base = auth('snsapi_base')
    const after = await logIn(base, 'zhangsan')
    expect(after.identity).toMatchObject({ subject: unionid, unionid, scope: 'snsapi_base' })
    expect(after.identity.profile).toBeUndefined()
    // The user's tokens are found under that subject too.
    expect(await base.getAccessToken(unionid ?? '')).toMatch(/./)
  })

  it('is per openid: another user of the same app is not given it', async () => {
    await logIn(auth('snsapi_userinfo'), 'zhangsan')
    const lisi = await logIn(auth('snsapi_base'), 'lisi')
    expect(lisi.identity.subject).toBe(`${appId}:${emu.openid(appId, 'lisi')}`)
    expect(lisi.identity.unionid).toBeUndefined()
  })
})
