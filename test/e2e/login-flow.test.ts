/**
 * The product's login in real headless Chromium, clicked through like a person: an app on
 * node:http mounts `createWxAuth` with `wxauthHandler` against a listening emulator (no
 * auto-approve), and each scenario runs in Chinese and in English where the pages have text.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { browserAvailable, launchBrowser, screenshot } from '../helpers/browser.js'
import {
  createEmulator,
  defaultOfficialAccount,
  defaultWebsiteApp,
  type Emulator,
} from '../helpers/emulator.js'
import { type LoginApp, startLoginApp } from './login-app.js'

const wechatUserAgent = (language: string) =>
  `Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.47(0x18002f2c) NetType/WIFI Language/${language}`
const SAFARI_UA =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1'
const DESKTOP_UA =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36'
const PHONE = { width: 390, height: 844 }
const DESKTOP = { width: 1280, height: 900 }

/** What a person reads on each page, per language. */
const LANGS = [
  {
    tag: 'zh',
    locale: 'zh-CN',
    wechatLanguage: 'zh_CN',
    signIn: '使用微信登录',
    signedIn: '你已登录',
    signedOut: '你还没有登录',
    logout: '退出登录',
    qrTitle: '微信登录',
    simulate: '模拟扫码',
    refusal: '你已取消微信登录',
    retry: '重试',
    guidance: '请在微信中打开此链接',
    guidanceLead: '微信登录只能在微信内置浏览器中进行',
    copy: '复制链接',
    showQr: '显示二维码',
    consent: '获得你的公开信息',
    allow: '允许',
    deny: '拒绝',
  },
  {
    tag: 'en',
    locale: 'en-US',
    wechatLanguage: 'en',
    signIn: 'Sign in with WeChat',
    signedIn: 'You are signed in',
    signedOut: 'You are not signed in',
    logout: 'Log out',
    qrTitle: 'Log in with WeChat',
    simulate: 'Simulate scan',
    refusal: 'Login cancelled',
    retry: 'Try again',
    guidance: 'Open this link in WeChat',
    guidanceLead: 'WeChat login works only inside WeChat’s built-in browser',
    copy: 'Copy link',
    showQr: 'Show QR code',
    consent: 'Get your public profile',
    allow: 'Allow',
    deny: 'Deny',
  },
] as const
type Lang = (typeof LANGS)[number]

// WeChat's own pages (the emulator's) follow the WeChat client's language (Language/… in its UA).

describe.runIf(browserAvailable())('the login flow in Chromium, clicked through', () => {
  let emu: Emulator
  let emulatorOrigin: string
  let app: LoginApp
  let browser: Browser

  beforeAll(async () => {
    emu = createEmulator()
    const { url } = await emu.listen({ port: 0 })
    emulatorOrigin = new URL(url).origin
    app = await startLoginApp(url)
    browser = await launchBrowser()
  })
  afterAll(async () => {
    await browser?.close()
    await app?.close()
    await emu?.close()
  })
  // A consent is remembered for 30 days (then authorize is silent): every scenario starts afresh.
  beforeEach(() => emu.reset())

  // What a person sees: innerText leaves out hidden elements (the QR page's other states, …).
  // biome-ignore lint/performance/useDomNodeTextContent: the rendered text is the point
  const body = (page: Page) => page.locator('body').innerText()
  const onApp = (page: Page) => new URL(page.url()).origin === app.origin
  const onEmulator = (page: Page) => new URL(page.url()).origin === emulatorOrigin

  async function open(lang: Lang, userAgent: string, phone: boolean): Promise<BrowserContext> {
    return browser.newContext({
      userAgent,
      locale: lang.locale,
      viewport: phone ? PHONE : DESKTOP,
      isMobile: phone,
      hasTouch: phone,
      deviceScaleFactor: phone ? 2 : 1,
    })
  }

  /** The app's home page, signed out: the person taps "Sign in with WeChat". */
  async function signIn(page: Page, lang: Lang, shot?: string): Promise<void> {
    await page.goto(`${app.origin}/`)
    await expect.poll(() => body(page)).toContain(lang.signedOut)
    if (shot) await screenshot(page, shot)
    await page.getByRole('link', { name: lang.signIn }).click()
  }

  /** The emulator's consent page (WeChat's 授权 page): waits for it, then picks `nickname`. */
  async function consent(page: Page, lang: Lang, nickname: string, shot?: string): Promise<void> {
    await expect.poll(() => body(page)).toContain(lang.consent)
    expect(onEmulator(page)).toBe(true)
    await page.getByText(nickname).click()
    if (shot) await screenshot(page, shot)
  }

  /** The app's home page shows `user` signed in to `appId`. */
  async function expectSignedIn(page: Page, lang: Lang, appId: string, user: string) {
    await expect.poll(() => body(page)).toContain(lang.signedIn)
    expect(page.url()).toBe(`${app.origin}/`)
    await expect.poll(() => page.getByTestId('openid').textContent()).toBe(emu.openid(appId, user))
    const nickname = emu.users.find((u) => u.id === user)?.nickname
    expect(await page.getByTestId('nickname').textContent()).toBe(nickname)
  }

  for (const lang of LANGS) {
    it(`[${lang.tag}] inside WeChat: home, Sign in, consent, pick a user, Allow, signed in`, async () => {
      const context = await open(lang, wechatUserAgent(lang.wechatLanguage), true)
      const page = await context.newPage()
      const navigations: string[] = []
      page.on('framenavigated', (frame) => {
        if (frame === page.mainFrame()) navigations.push(frame.url())
      })

      await signIn(page, lang, `flow-wechat-home-${lang.tag}`)
      await consent(page, lang, '李四', `flow-wechat-consent-${lang.tag}`)
      const historyAtConsent = await page.evaluate(() => history.length)
      await page.getByRole('button', { name: lang.allow }).click()

      await expectSignedIn(page, lang, defaultOfficialAccount.appId, 'lisi')
      await screenshot(page, `flow-wechat-signed-in-${lang.tag}`)
      expect(emu.count('sns/oauth2/access_token')).toBe(1)
      expect(emu.count('sns/userinfo')).toBe(1)

      // The session cookie is set, HttpOnly, and out of the page's reach.
      const cookies = await context.cookies(app.origin)
      const session = cookies.find((c) => c.name === 'wxauth_session')
      expect(session?.httpOnly).toBe(true)
      expect(session?.sameSite).toBe('Lax')
      expect(await page.evaluate(() => document.cookie)).not.toMatch(/wxauth/)

      // LOG-02: the callback (with its code) was only ever a redirect, never a page of the history.
      expect(navigations.some((url) => url.includes('/auth/wechat/callback'))).toBe(false)
      expect(navigations.at(-1)).toBe(`${app.origin}/`)
      // Allow added one entry, the return path: the redirects through the callback added none.
      expect(await page.evaluate(() => history.length)).toBe(historyAtConsent + 1)
      const entries = (await page.evaluate(
        'navigation.entries().map((entry) => entry.url)',
      )) as string[]
      expect(entries.at(-1)).toBe(`${app.origin}/`)
      expect(entries.filter((url) => /callback|[?&]code=/.test(url))).toEqual([])
      await context.close()
    })

    it(`[${lang.tag}] desktop: Sign in, the QR page, Simulate scan, signed in with the website app`, async () => {
      const context = await open(lang, DESKTOP_UA, false)
      const page = await context.newPage()
      await signIn(page, lang, `flow-desktop-home-${lang.tag}`)

      await expect.poll(() => page.locator('.qr-box svg').count()).toBe(1)
      expect(onEmulator(page)).toBe(true)
      expect(new URL(page.url()).pathname).toBe('/connect/qrconnect')
      expect(await body(page)).toContain(lang.qrTitle)
      expect(await page.locator('html').getAttribute('lang')).toBe(
        lang.tag === 'zh' ? 'zh-CN' : 'en',
      )
      await screenshot(page, `flow-qr-${lang.tag}`)
      await page.getByRole('button', { name: lang.simulate }).click()

      // The emulator's first user, zhangsan, in the website app (its openid differs from the OA's).
      await expectSignedIn(page, lang, defaultWebsiteApp.appId, 'zhangsan')
      expect(emu.openid(defaultWebsiteApp.appId, 'zhangsan')).not.toBe(
        emu.openid(defaultOfficialAccount.appId, 'zhangsan'),
      )
      expect(emu.count('connect/oauth2/authorize')).toBe(0)
      await screenshot(page, `flow-desktop-signed-in-${lang.tag}`)
      await context.close()
    })

    it(`[${lang.tag}] a refusal: Deny on the consent page, the app's own page, and Try again`, async () => {
      const context = await open(lang, wechatUserAgent(lang.wechatLanguage), true)
      const page = await context.newPage()
      await signIn(page, lang)
      await consent(page, lang, '张三')
      await page.getByRole('button', { name: lang.deny }).click()

      // The app's page (not the emulator's), in the browser's language, with a retry link.
      await expect.poll(() => body(page)).toContain(lang.refusal)
      expect(onApp(page)).toBe(true)
      const url = new URL(page.url())
      expect(url.pathname).toBe('/auth/wechat/callback')
      expect(url.searchParams.has('code')).toBe(false)
      expect(await page.locator('html').getAttribute('lang')).toBe(
        lang.tag === 'zh' ? 'zh-CN' : 'en',
      )
      const retry = page.getByRole('link', { name: lang.retry })
      expect(new URL((await retry.getAttribute('href')) ?? '', page.url()).href).toBe(
        `${app.origin}/auth/wechat/login?returnTo=%2F`,
      )
      await screenshot(page, `flow-refusal-${lang.tag}`)
      expect((await context.request.get(`${app.origin}/auth/wechat/session`)).status()).toBe(401)
      expect(emu.count('sns/oauth2/access_token')).toBe(0)

      // Trying again starts a new login: WeChat asks again.
      await retry.click()
      await expect.poll(() => body(page)).toContain(lang.consent)
      expect(onEmulator(page)).toBe(true)
      expect(emu.count('connect/oauth2/authorize')).toBe(2)
      await context.close()
    })

    it(`[${lang.tag}] a phone browser outside WeChat: the app's guidance page, nothing sent to WeChat`, async () => {
      const context = await open(lang, SAFARI_UA, true)
      const page = await context.newPage()
      const emulatorRequests: string[] = []
      page.on('request', (request) => {
        if (new URL(request.url()).origin === emulatorOrigin) emulatorRequests.push(request.url())
      })
      await signIn(page, lang)

      await expect.poll(() => body(page)).toContain(lang.guidance)
      expect(onApp(page)).toBe(true)
      expect(new URL(page.url()).pathname).toBe('/auth/wechat/login')
      expect(await body(page)).toContain(lang.guidanceLead)
      // The login link, visible and ready to copy (the copy button shows only if the script ran).
      const link = page.locator('textarea#login-link')
      expect(await link.isVisible()).toBe(true)
      expect(await link.inputValue()).toBe(`${app.origin}/auth/wechat/login?returnTo=%2F`)
      expect(await page.getByRole('button', { name: lang.copy }).isVisible()).toBe(true)
      await screenshot(page, `flow-guidance-${lang.tag}`)
      // The QR code of the same link, folded away until asked for.
      await page.getByText(lang.showQr).click()
      await page.locator('details .qr svg').waitFor({ state: 'visible' })
      await screenshot(page, `flow-guidance-qr-${lang.tag}`)

      expect(emulatorRequests).toEqual([])
      expect(emu.count('connect/oauth2/authorize')).toBe(0)
      expect(emu.count('sns/oauth2/access_token')).toBe(0)
      await context.close()
    })
  }

  it('a logout: signed in, Log out, signed out, and the session route answers 401', async () => {
    const lang = LANGS[1]
    const context = await open(lang, wechatUserAgent(lang.wechatLanguage), true)
    const page = await context.newPage()
    await signIn(page, lang)
    await consent(page, lang, '王五')
    await page.getByRole('button', { name: lang.allow }).click()
    await expectSignedIn(page, lang, defaultOfficialAccount.appId, 'wangwu')
    const before = await context.request.get(`${app.origin}/auth/wechat/session`)
    expect(before.status()).toBe(200)
    expect(((await before.json()) as { identity: { openid: string } }).identity.openid).toBe(
      emu.openid(defaultOfficialAccount.appId, 'wangwu'),
    )

    await page.getByRole('button', { name: lang.logout }).click()
    await expect.poll(() => body(page)).toContain(lang.signedOut)
    expect(page.url()).toBe(`${app.origin}/`)
    expect(await page.getByRole('link', { name: lang.signIn }).isVisible()).toBe(true)
    await screenshot(page, 'flow-signed-out-en')
    expect((await context.cookies(app.origin)).some((c) => c.name === 'wxauth_session')).toBe(false)
    expect((await context.request.get(`${app.origin}/auth/wechat/session`)).status()).toBe(401)
    await context.close()
  })
})
