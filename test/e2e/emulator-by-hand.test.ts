/**
 * What a newcomer does after `npx wxauth emulator`: opens the home page in a browser and completes
 * a consent login and a QR login by hand, clicking through the emulator's own pages.
 */
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { browserAvailable, launchBrowser, screenshot } from '../helpers/browser.js'
import { createEmulator, type Emulator } from '../helpers/emulator.js'

const WECHAT_UA =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.47(0x18002f2c) NetType/WIFI Language/zh_CN'

describe.runIf(browserAvailable())('the emulator by hand, in Chromium', () => {
  let emu: Emulator
  let url: string
  let browser: Browser

  beforeAll(async () => {
    emu = createEmulator()
    ;({ url } = await emu.listen({ port: 0 }))
    browser = await launchBrowser()
  })
  afterAll(async () => {
    await browser?.close()
    await emu?.close()
  })

  it('a consent login from a desktop browser: notice, continue, pick a user, allow', async () => {
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 }, locale: 'zh-CN' })
    await page.goto(url)
    await screenshot(page, 'emulator-home')
    await page.getByRole('link', { name: /snsapi_userinfo/ }).click()

    await expect.poll(() => page.textContent('body')).toContain('请在微信客户端打开链接')
    await screenshot(page, 'emulator-open-in-wechat')
    await page.locator('a.btn').first().click()

    await expect.poll(() => page.textContent('body')).toContain('获得你的公开信息')
    await page.getByText('李四').click()
    await screenshot(page, 'emulator-consent')
    await page.getByRole('button', { name: '允许' }).click()

    await expect.poll(() => page.textContent('body')).toContain('登录成功')
    const body = (await page.textContent('body')) ?? ''
    expect(body).toContain('李四')
    expect(body).toContain(emu.openid(emu.apps[0]?.appId ?? '', 'lisi'))
    await screenshot(page, 'emulator-demo-callback-consent')
    await page.close()
  })

  it('follows the browser’s language: an English browser gets English pages, errors included', async () => {
    const page = await browser.newPage({ locale: 'en-US' })
    await page.goto(url)
    expect(await page.getAttribute('html', 'lang')).toBe('en')
    expect(await page.textContent('.emu-banner')).toBe('wxauth emulator · not WeChat')
    await expect
      .poll(() => page.getByRole('button', { name: 'Switch current user' }).count())
      .toBe(1)
    const oa = emu.apps[0]?.appId ?? ''
    await page.goto(
      `${url}/connect/oauth2/authorize?appid=${oa}&redirect_uri=https%3A%2F%2Fevil.example%2F&response_type=code&scope=snsapi_base&state=s#wechat_redirect`,
    )
    // Outside WeChat first: the notice, in English.
    expect(await page.textContent('h1')).toBe('Please open this link in the WeChat app')
    await page.locator('a.btn').first().click()
    await expect.poll(() => page.textContent('body')).toContain('Error code: 10003')
    const body = (await page.textContent('body')) ?? ''
    expect(body).not.toMatch(/\p{Script=Han}/u)
    await screenshot(page, 'emulator-error-en')
    await page.close()
  })

  it('inside WeChat (by user agent) the consent page comes at once, and Deny is a refusal', async () => {
    const context = await browser.newContext({
      userAgent: WECHAT_UA,
      viewport: { width: 390, height: 844 },
    })
    const page = await context.newPage()
    await page.goto(url)
    await page.getByRole('link', { name: /snsapi_userinfo/ }).click()
    await expect.poll(() => page.textContent('body')).toContain('获得你的公开信息')
    await page.getByRole('button', { name: '拒绝' }).click()
    await expect.poll(() => page.textContent('body')).toContain('登录未完成')
    expect(new URL(page.url()).searchParams.has('code')).toBe(false)
    await screenshot(page, 'emulator-demo-callback-refused')
    await context.close()
  })

  it('a remembered consent is silent; "忘记授权记录" on the home page brings the consent page back', async () => {
    emu.forgetConsents()
    const context = await browser.newContext({ userAgent: WECHAT_UA, locale: 'zh-CN' })
    const page = await context.newPage()
    const demo = async () => {
      await page.goto(url)
      await page.getByRole('link', { name: /snsapi_userinfo/ }).click()
    }
    await demo()
    await page.getByRole('button', { name: '允许' }).click()
    await expect.poll(() => page.textContent('body')).toContain('登录成功')
    // Within 30 days WeChat does not ask again: straight back to the callback.
    await demo()
    await expect.poll(() => page.textContent('body')).toContain('登录成功')
    expect(await page.getByRole('button', { name: '允许' }).count()).toBe(0)

    await page.goto(url)
    expect(await page.textContent('body')).toContain('模拟器当前记住 1 条')
    await page.getByRole('button', { name: '忘记授权记录' }).click()
    await expect.poll(() => page.textContent('body')).toContain('模拟器当前记住 0 条')
    await screenshot(page, 'emulator-home-consents-forgotten')
    await page.getByRole('link', { name: /snsapi_userinfo/ }).click()
    await expect.poll(() => page.textContent('body')).toContain('获得你的公开信息')
    await context.close()
  })

  it('a desktop QR login: the QR page, one click on simulate scan, and the page moves on by itself', async () => {
    // The emulator's pages follow the browser's language.
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 }, locale: 'zh-CN' })
    await page.goto(url)
    await page.getByRole('link', { name: /snsapi_login/ }).click()
    await expect.poll(() => page.locator('svg').count()).toBeGreaterThan(0)
    await screenshot(page, 'emulator-qrconnect')
    await page.getByRole('button', { name: '模拟扫码' }).click()

    await expect.poll(() => page.textContent('body'), { timeout: 10_000 }).toContain('登录成功')
    expect(await page.textContent('body')).toContain('snsapi_login')
    await screenshot(page, 'emulator-demo-callback-qr')
    await page.close()
  })

  it('a QR login confirmed on the "phone" page in a second tab: the desktop page follows by polling', async () => {
    const desktop = await browser.newPage({ locale: 'zh-CN' })
    await desktop.goto(url)
    await desktop.getByRole('link', { name: /snsapi_login/ }).click()
    const confirmUrl = await desktop.locator('a[href*="/confirm"]').first().getAttribute('href')
    expect(confirmUrl).toBeTruthy()

    const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, locale: 'zh-CN' })
    await phone.goto(confirmUrl ?? '')
    await expect
      .poll(() => desktop.locator('[data-state="scanned"]').isVisible(), { timeout: 10_000 })
      .toBe(true)
    await screenshot(desktop, 'emulator-qrconnect-scanned')
    await phone.getByText('王五').click()
    await screenshot(phone, 'emulator-qr-confirm')
    await phone.getByRole('button', { name: '允许' }).click()

    await expect.poll(() => desktop.textContent('body'), { timeout: 10_000 }).toContain('登录成功')
    expect(await desktop.textContent('body')).toContain('王五')
    await desktop.close()
    await phone.close()
  })
})
