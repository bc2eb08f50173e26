import { describe, expect, it } from 'vitest'
import { canarySecret } from '../helpers/canary.js'
import { createEmulator, defaultApps } from '../helpers/emulator.js'
import { API, call, exchange, oa } from './helpers.js'

const CANARY_SECRET = canarySecret('redaction')
const canaryApp = {
  appId: 'wxcafecafecafecafe',
  secret: CANARY_SECRET,
  kind: 'official' as const,
  openPlatform: 'p',
}

describe('request log redaction', () => {
  it('never shows secrets, codes, tokens or session keys', async () => {
    const emu = createEmulator({ apps: [...defaultApps, canaryApp] })
    const code = emu.issueCode({ appId: canaryApp.appId, user: 'zhangsan' })
    const token = (await exchange(emu, code, canaryApp)).body as {
      access_token: string
      refresh_token: string
      openid: string
    }
    await call(emu, '/sns/userinfo', { access_token: token.access_token, openid: token.openid })
    await call(emu, '/sns/auth', { access_token: token.access_token, openid: token.openid })
    await call(emu, '/sns/oauth2/refresh_token', {
      appid: canaryApp.appId,
      grant_type: 'refresh_token',
      refresh_token: token.refresh_token,
    })
    // Also wrong and odd spellings of the parameters.
    await call(
      emu,
      '/sns/oauth2/access_token',
      `appid=x&SECRET=${CANARY_SECRET}&secret=${CANARY_SECRET}&secret=2`,
    )
    const jsCode = emu.miniProgramLogin({ appId: defaultApps[2]?.appId as string, user: 'lisi' })
    const session = await call(emu, '/sns/jscode2session', {
      appid: defaultApps[2]?.appId as string,
      secret: defaultApps[2]?.secret as string,
      js_code: jsCode,
      grant_type: 'authorization_code',
    })
    const cat = emu.componentAccessToken(defaultApps[3]?.appId as string)
    await call(emu, '/sns/oauth2/component/access_token', { component_access_token: cat })
    await emu.fetch(`${API}/cgi-bin/component/api_component_token`, {
      method: 'POST',
      body: JSON.stringify({ component_appsecret: CANARY_SECRET }),
    })

    const canaries = [
      CANARY_SECRET,
      code,
      token.access_token,
      token.refresh_token,
      jsCode,
      session.body.session_key as string,
      cat,
      ...defaultApps.map((a) => a.secret),
    ]
    const places: [string, string][] = [
      ['emu.requests', JSON.stringify(emu.requests)],
      [
        '/__emulator/requests',
        await (await emu.fetch('http://127.0.0.1:8900/__emulator/requests')).text(),
      ],
      [
        '/__emulator/state',
        await (await emu.fetch('http://127.0.0.1:8900/__emulator/state')).text(),
      ],
      ['home page', await (await emu.fetch('http://127.0.0.1:8900/')).text()],
    ]
    expect(emu.requests.length).toBeGreaterThanOrEqual(8)
    for (const [where, text] of places) {
      for (const canary of canaries)
        expect(text.includes(canary), `${where} leaks ${canary.slice(0, 6)}…`).toBe(false)
    }
    expect(places[0]?.[1]).toContain('[REDACTED]')
  })

  it('redacts secret parameters however the name is spelled, and known secrets under any name', async () => {
    const emu = createEmulator({ apps: [...defaultApps, canaryApp] })
    await call(
      emu,
      '/sns/auth',
      `%73ecret=encodedname1&Access_Token=oddcase22&js%5Fcode=encoded33&keep=visible&x=${CANARY_SECRET}`,
    )
    const logged = emu.requests.at(-1)?.url ?? ''
    for (const leak of ['encodedname1', 'oddcase22', 'encoded33', CANARY_SECRET])
      expect(logged).not.toContain(leak)
    expect(logged).toBe(
      '/sns/auth?%73ecret=[REDACTED]&Access_Token=[REDACTED]&js%5Fcode=[REDACTED]&keep=visible&x=[REDACTED]',
    )
  })

  it('regression: the request log showed a code or a token sent under another parameter’s name', async () => {
    const emu = createEmulator()
    const code = emu.issueCode({ appId: defaultApps[0]?.appId as string, user: 'zhangsan' })
    const token = (await exchange(emu, emu.issueCode({ appId: oa.appId, user: 'lisi' }))).body
      .access_token as string
    const jsCode = emu.miniProgramLogin({ appId: defaultApps[2]?.appId as string, user: 'lisi' })
    const lookalike = 'A'.repeat(32)
    // A misspelt name, a name glued to the value (no `=`), a path: a client's bugs, not WeChat's.
    await call(
      emu,
      '/sns/auth',
      `acess_token=${token}&user=${code}&js_code${jsCode}&keep=${lookalike}`,
    )
    await emu.fetch(`${API}/sns/${token}`)
    const logged = emu.requests.slice(-2).map((r) => r.url)
    const home = await (await emu.fetch('http://127.0.0.1:8900/')).text()
    for (const text of [...logged, home]) {
      for (const credential of [code, token, jsCode]) expect(text).not.toContain(credential)
    }
    expect(logged).toEqual([
      `/sns/auth?acess_token=[REDACTED]&user=[REDACTED]&js_code[REDACTED]&keep=${lookalike}`,
      '/sns/[REDACTED]',
    ])
  })

  it('keeps only the last 500 requests', async () => {
    const emu = createEmulator()
    for (let i = 0; i < 520; i++)
      await call(emu, '/sns/auth', { access_token: 'a', openid: String(i) })
    expect(emu.requests).toHaveLength(500)
    expect(emu.requests[0]?.url).toContain('openid=20')
    expect(emu.requests.at(-1)?.url).toContain('openid=519')
  })

  it('the demo callback page shows no token', async () => {
    const emu = createEmulator()
    const code = emu.issueCode({ appId: defaultApps[0]?.appId as string, user: 'zhangsan' })
    const page = await (
      await emu.fetch(
        `http://127.0.0.1:8900/__emulator/demo/callback?app=${defaultApps[0]?.appId}&code=${code}`,
      )
    ).text()
    expect(page).toContain(emu.openid(defaultApps[0]?.appId as string, 'zhangsan'))
    expect(page).not.toContain(code)
    expect(page).not.toMatch(/\d{2}_[A-Za-z0-9_-]{40,}/)
  })
})
