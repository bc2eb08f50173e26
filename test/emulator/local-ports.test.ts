/**
 * A port in redirect_uri (issue 11, item 5): WeChat answers 10003 (redirect_uri域名与后台配置不一致),
 * and so do the emulator's default apps; `allowLocalPorts` lets localhost carry one, explicitly.
 */
import { describe, expect, it } from 'vitest'
import { createEmulator, defaultApps, type Emulator } from '../helpers/emulator.js'
import { authorizeUrl, controlPost, hrefs, openInWeChat, queryOf, web } from './helpers.js'

// The library's default, not the tests' (which allow local ports like `wxauth dev`).
const wechatLike = () => createEmulator({ allowLocalPorts: undefined })

const oaLink = (redirect_uri: string) => authorizeUrl({ redirect_uri })
const qrLink = (redirect_uri: string) =>
  authorizeUrl({ appid: web.appId, scope: 'snsapi_login', redirect_uri }, '/connect/qrconnect')

async function page(emu: Emulator, url: string) {
  return openInWeChat(emu, url)
}

describe('a port in redirect_uri', () => {
  it('rejects a port in redirect_uri with 10003 on the default apps, as WeChat does', async () => {
    const emu = wechatLike()
    for (const url of [oaLink('http://localhost:3000/cb'), qrLink('http://127.0.0.1:3000/cb')]) {
      const { status, html } = await page(emu, url)
      expect(status, url).toBe(200)
      expect(html).toContain('错误码：10003')
      expect(html).toContain('redirect_uri域名与后台配置不一致')
      // The hint says how to allow it in the emulator.
      expect(html).toContain('allowLocalPorts')
      expect(html).toContain('--allow-local-ports')
    }
    expect(emu.apps.flatMap((app) => app.domains ?? [])).not.toContainEqual(
      expect.stringContaining(':'),
    )
  })

  it('accepts the same hosts without a port', async () => {
    const emu = wechatLike()
    const oa = await page(emu, oaLink('http://localhost/cb'))
    expect(oa.status).toBe(200)
    expect(oa.html).toContain('获得你的公开信息')
    const qr = await page(emu, qrLink('http://127.0.0.1/cb'))
    expect(qr.html).not.toContain('错误码')
  })

  it('allowLocalPorts: true accepts a port on localhost, 127.0.0.1 and [::1] only', async () => {
    const emu = createEmulator({
      allowLocalPorts: true,
      apps: defaultApps.map((app) => ({ ...app, domains: ['localhost', '[::1]', 'app.example'] })),
    })
    for (const uri of ['http://localhost:3000/cb', 'http://[::1]:8080/cb']) {
      emu.autoApprove('zhangsan')
      const { status, location } = await page(emu, oaLink(uri))
      expect(status, uri).toBe(302)
      expect(queryOf(location).get('code')).toBeTruthy()
    }
    // Not a host the app lists, and not a port off loopback.
    for (const uri of ['http://127.0.0.1:3000/cb', 'https://app.example:8443/cb']) {
      expect((await page(emu, oaLink(uri))).html, uri).toContain('错误码：10003')
    }
    emu.autoApprove('zhangsan')
    expect((await page(emu, oaLink('https://app.example/cb'))).status).toBe(302)
  })

  it('is validated, and shown in the state', async () => {
    expect(() => createEmulator({ allowLocalPorts: 'yes' as never })).toThrow(/allowLocalPorts/)
    const state = async (emu: Emulator) =>
      ((await (await emu.fetch('/__emulator/state')).json()) as { allowLocalPorts: boolean })
        .allowLocalPorts
    expect(await state(wechatLike())).toBe(false)
    expect(await state(createEmulator({ allowLocalPorts: true }))).toBe(true)
  })

  it("keeps the home page's demo logins working: its own callback is on the emulator's port", async () => {
    const emu = wechatLike()
    const demos = hrefs(await (await emu.fetch('/')).text()).filter((h) => h.includes('/connect/'))
    expect(demos).toHaveLength(3)
    for (const demo of demos) {
      emu.autoApprove('lisi')
      const { status, location } = await page(emu, demo)
      expect(status, demo).toBe(302)
      expect(location).toMatch(/^http:\/\/127\.0\.0\.1:8900\/__emulator\/demo\/callback\?/)
    }
    // Only that path: anything else on the emulator's port is still a port.
    const other = await page(emu, oaLink('http://127.0.0.1:8900/elsewhere'))
    expect(other.html).toContain('错误码：10003')
    expect((await controlPost(emu, 'reset', {})).status).toBe(200)
  })
})
