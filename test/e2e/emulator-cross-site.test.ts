/**
 * A page on another site posts the emulator's own forms in real Chromium (issue 11, item 5): the
 * emulator refuses them, while its own pages' forms keep working in the same browser.
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { browserAvailable, launchBrowser } from '../helpers/browser.js'
import { createEmulator, type Emulator } from '../helpers/emulator.js'

/** A site that auto-submits a form to `action` with `fields` as soon as it loads. */
function attackerPage(action: string, fields: Record<string, string>): string {
  const inputs = Object.entries(fields)
    .map(([name, value]) => `<input type="hidden" name="${name}" value="${value}">`)
    .join('')
  return `<!doctype html><form id="f" method="post" action="${action}">${inputs}</form><script>document.getElementById('f').submit()</script>`
}

describe.runIf(browserAvailable())('cross-site POSTs to the emulator, in Chromium', () => {
  let emu: Emulator
  let url: string
  let attacker: Server
  let attackerUrl: string
  let browser: Browser

  beforeAll(async () => {
    emu = createEmulator()
    ;({ url } = await emu.listen({ port: 0 }))
    attacker = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
      res.end(attackerPage(`${url}/__emulator/current-user`, { user: 'lisi' }))
    })
    await new Promise<void>((resolve) => attacker.listen(0, 'localhost', resolve))
    attackerUrl = `http://localhost:${(attacker.address() as AddressInfo).port}`
    browser = await launchBrowser()
  })
  afterAll(async () => {
    await browser?.close()
    await new Promise<void>((resolve) => attacker?.close(() => resolve()) ?? resolve())
    await emu?.close()
  })

  it('refuses a cross-site POST to /__emulator/current-user from another site in Chromium', async () => {
    const context = await browser.newContext({ locale: 'zh-CN' })
    const page = await context.newPage()
    const refused = page.waitForResponse((r) => r.url() === `${url}/__emulator/current-user`)
    await page.goto(`${attackerUrl}/`)
    expect((await refused).status()).toBe(403)
    expect(await page.textContent('body')).toContain('cross-site')
    const cookies = await context.cookies(url)
    expect(cookies.find((c) => c.name === 'wxemu_user')).toBeUndefined()

    // The emulator's own form, in the same browser, still switches the user.
    await page.goto(url)
    await page.getByText('李四').click()
    await page.getByRole('button', { name: '切换当前用户' }).click()
    await expect
      .poll(async () => (await context.cookies(url)).find((c) => c.name === 'wxemu_user')?.value)
      .toBe('lisi')
    expect(page.url()).toBe(`${url}/`)
    await context.close()
  })
})
