/**
 * `wxauth doctor --live` against the emulator gives the emulator's fixes, not
 * WeChat's consoles (mp.weixin.qq.com, open.weixin.qq.com, the IP whitelist); and the port check
 * does not contradict itself.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensureBuilt } from '../examples/harness.js'
import {
  createEmulator,
  defaultOfficialAccount,
  defaultWebsiteApp,
  type Emulator,
} from '../helpers/emulator.js'
import {
  closedPort,
  doctor,
  failure,
  lines,
  type Run,
  websiteAsOfficial,
} from './doctor-harness.js'

let emulator: Emulator
let emu: string

beforeAll(async () => {
  ensureBuilt()
  emulator = createEmulator()
  ;({ url: emu } = await emulator.listen({ port: 0 }))
}, 120_000)

afterAll(async () => {
  await emulator?.close()
})

/** The configuration of examples/emulator.env, pointing at `base`. */
function onEmulator(base = emu): NodeJS.ProcessEnv {
  return {
    WECHAT_APP_ID: defaultOfficialAccount.appId,
    WECHAT_APP_SECRET: defaultOfficialAccount.secret,
    WECHAT_WEBSITE_APP_ID: defaultWebsiteApp.appId,
    WECHAT_WEBSITE_APP_SECRET: defaultWebsiteApp.secret,
    WXAUTH_SECRET: 'Jq8vR2nX5tL9wK3mP7sD1fG6hZ4cB0yEuAq8vR2n',
    BASE_URL: 'http://localhost:3000',
    WECHAT_API_BASE_URL: base,
    WECHAT_OPEN_BASE_URL: base,
  }
}

/** No line of the run sends the user to WeChat's consoles. */
function expectNoWeChatConsole(r: Run): void {
  expect(r.stdout).not.toMatch(/mp\.weixin\.qq\.com|open\.weixin\.qq\.com →|IP白名单|网页授权域名/)
}

describe('regression: doctor --live against the emulator gives the emulator fix', () => {
  it('tells the emulator from WeChat, and a healthy emulator setup passes', async () => {
    const r = await doctor(['--live'], onEmulator())
    expect(r.code, r.stdout).toBe(0)
    expect(lines(r, 'ok').join('\n')).toContain(`${emu} answers as the wxauth emulator`)
  })

  it('an AppID the emulator does not know → its own AppIDs, not mp.weixin.qq.com', async () => {
    const r = await doctor(['--live'], { ...onEmulator(), WECHAT_APP_ID: 'wx0123456789abcdef' })
    expect(r.code).toBe(1)
    const token = failure(r, /wx0123456789abcdef: the emulator does not know this AppID \(40013/)
    expect(token).toContain(
      `fix: set WECHAT_APP_ID to the emulator's official account AppID (${defaultOfficialAccount.appId}; npx wxauth emulator lists its apps)`,
    )
    const page = failure(r, /wx0123456789abcdef on oauth2\/authorize: the emulator cannot open/)
    expect(page).toContain(`AppID (${defaultOfficialAccount.appId}`)
    expectNoWeChatConsole(r)
  })

  it("a wrong AppSecret → the emulator's secret, not the console", async () => {
    const r = await doctor(['--live'], {
      ...onEmulator(),
      WECHAT_WEBSITE_APP_SECRET: '0'.repeat(32),
    })
    expect(r.code).toBe(1)
    const block = failure(r, /website app .*: wrong AppSecret \(the emulator answered 40125/)
    expect(block).toContain(
      `fix: set WECHAT_WEBSITE_APP_SECRET to the emulator's secret for ${defaultWebsiteApp.appId} (the emulator's ends in ${defaultWebsiteApp.secret.slice(-4)})`,
    )
    expect(block).toContain('examples/emulator.env')
    expectNoWeChatConsole(r)
  })

  it("a website AppID as the official account → the emulator's official account AppID", async () => {
    const env = websiteAsOfficial(onEmulator(), defaultWebsiteApp)
    const r = await doctor(['--live'], env)
    expect(r.code).toBe(1)
    const block = failure(r, /on oauth2\/authorize: the emulator shows page error 10016/)
    expect(block).toContain(
      `fix: set WECHAT_APP_ID to the emulator's official account AppID (${defaultOfficialAccount.appId}), and put ${defaultWebsiteApp.appId} in WECHAT_WEBSITE_APP_ID`,
    )
    expectNoWeChatConsole(r)
  })

  it('a callback host the emulator app does not allow (10003) → its "domains"', async () => {
    const r = await doctor(['--live'], { ...onEmulator(), BASE_URL: 'http://app.test:3000' })
    expect(r.code).toBe(1)
    const block = failure(r, /on oauth2\/authorize: the emulator shows page error 10003/)
    expect(block).toMatch(
      /fix: the emulator's app wx\w+ allows callbacks on .+: add "app\.test:3000" \(or "app\.test:\*"\) to its "domains"/,
    )
    expectNoWeChatConsole(r)
  })

  it('a localhost callback with a port on an emulator without --allow-local-ports (10003) → that flag', async () => {
    const strict = createEmulator({ allowLocalPorts: undefined })
    const { url } = await strict.listen({ port: 0 })
    try {
      const r = await doctor(['--live'], onEmulator(url))
      expect(r.code).toBe(1)
      const block = failure(r, /on oauth2\/authorize: the emulator shows page error 10003/)
      expect(block).toContain(
        'fix: the emulator refuses a port in the callback, as WeChat does: start it with npx wxauth emulator --allow-local-ports',
      )
      expectNoWeChatConsole(r)
    } finally {
      await strict.close()
    }
  })

  it('nothing at a loopback API base → start the emulator, not DNS or a proxy', async () => {
    const port = await closedPort()
    const r = await doctor(['--live'], onEmulator(`http://127.0.0.1:${port}`))
    expect(r.code).toBe(1)
    const block = failure(r, /network: cannot reach 127\.0\.0\.1:\d+ \(ECONNREFUSED\)/)
    expect(block).toContain(`fix: start the emulator (npx wxauth emulator --port ${port})`)
    expect(r.stdout).not.toMatch(/DNS|proxy/)
  })
})

describe('regression: the doctor port fix does not contradict itself', () => {
  it('http://localhost:3000 with WeChat: one fix for the port and for localhost, no https://localhost', async () => {
    const env = {
      ...onEmulator(),
      WECHAT_API_BASE_URL: undefined,
      WECHAT_OPEN_BASE_URL: undefined,
    }
    const r = await doctor([], env)
    expect(r.code).toBe(1)
    const port = failure(r, /the callback URL has a port \(3000\)/)
    expect(port).toMatch(/10003/)
    // WeChat never redirects to localhost: moving it to https on 443 would not help.
    expect(r.stdout).not.toMatch(/https:\/\/localhost/)
    const fixes = r.stdout.split('\n').filter((l) => l.includes('fix:') && /port|localhost/.test(l))
    expect(new Set(fixes.map((l) => l.trim())).size, fixes.join('\n')).toBe(1)
    expect(fixes[0]).toMatch(
      /use the emulator in development .* public https origin, without a port/,
    )
  })

  it('a port with the emulator: never "WeChat rejects" as a failure, and --live decides', async () => {
    const local = await doctor([], onEmulator())
    expect(local.code, local.stdout).toBe(0)
    expect(lines(local, 'ok').join('\n')).toMatch(
      /port 3000: the emulator accepts it if its app allows ports on localhost \(--live checks\); WeChat never does \(10003\)/,
    )
    const lan = await doctor([], { ...onEmulator(), BASE_URL: 'https://app.test:8443' })
    expect(lines(lan, 'fail').join('\n')).not.toMatch(/port/)
    expect(lan.stdout).toMatch(
      /fix: list "app\.test:8443" \(or "app\.test:\*"\) in the app's "domains"/,
    )
  })

  it('a port on a public host with WeChat: fail, fixed by the origin without it', async () => {
    const env = { ...onEmulator(), WECHAT_API_BASE_URL: undefined, WECHAT_OPEN_BASE_URL: undefined }
    const r = await doctor([], { ...env, BASE_URL: 'https://example.com:8443' })
    const block = failure(r, /the callback URL has a port \(8443\)/)
    expect(block).toMatch(
      /fix: serve the app on the default port .* BASE_URL=https:\/\/example\.com$/m,
    )
  })
})
