/**
 * `wxauth dev` as a user runs it: the built CLI in a child process, not a TTY, driven over real
 * sockets through the URLs it prints, the emulator scripted through its HTTP control API.
 */
import { createServer, type Server } from 'node:net'
import type { Browser as Chromium } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
// The built-in apps, as `wxauth dev` runs them (its emulator has no canary).
import { defaultOfficialAccount, defaultWebsiteApp } from '../../src/emulator/index.js'
import {
  Browser,
  DESKTOP_UA,
  ensureBuilt,
  logIn,
  logOut,
  Proc,
  WECHAT_UA,
} from '../examples/harness.js'
import { browserAvailable, launchBrowser, screenshot } from '../helpers/browser.js'
import { createEmulator } from '../helpers/emulator.js'

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching ANSI escapes is the point
const ansi = /\u001b\[/

const running = new Set<Proc>()

function wxauth(args: string[], env?: NodeJS.ProcessEnv): Proc {
  const p = new Proc(process.execPath, ['dist/cli/bin.js', ...args], { env })
  running.add(p)
  return p
}

async function run(args: string[], env?: NodeJS.ProcessEnv) {
  const p = wxauth(args, env)
  const code = await p.exit()
  return { code, stdout: p.stdout, stderr: p.stderr }
}

/** Starts `wxauth dev` on free ports and waits for the URLs it prints. */
async function startDev(env?: NodeJS.ProcessEnv) {
  const p = wxauth(['dev', '--port', '0', '--emulator-port', '0'], env)
  const app = (await p.waitFor(/^ {2}App +(http:\/\/\S+)$/m))[1] as string
  const emulator = (await p.waitFor(/^ {2}Emulator +(http:\/\/\S+)$/m))[1] as string
  await p.waitFor(/Press Ctrl-C to stop\.\n/)
  return { p, app, emulator }
}

/** The emulator's HTTP control API, as a script outside the process would use it. */
async function autoApprove(emulator: string, user: string): Promise<void> {
  const response = await fetch(`${emulator}/__emulator/auto-approve`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user }),
  })
  expect(response.status).toBe(200)
}

async function refused(url: string): Promise<boolean> {
  try {
    await fetch(url)
    return false
  } catch {
    return true
  }
}

beforeAll(() => ensureBuilt(), 120_000)

afterEach(async () => {
  for (const p of running) await p.stop('SIGKILL')
  running.clear()
})

// openids and unionids are derived from the app and the user, the same in every emulator.
const ids = createEmulator()
const zhangsan = {
  official: ids.openid(defaultOfficialAccount.appId, 'zhangsan'),
  website: ids.openid(defaultWebsiteApp.appId, 'zhangsan'),
  unionid: ids.unionid(defaultOfficialAccount.appId, 'zhangsan') as string,
}

describe('wxauth dev', () => {
  it('runs the emulator and an app: a login inside WeChat, a desktop QR login, Ctrl-C', async () => {
    const started = Date.now()
    const { p, app, emulator } = await startDev()
    const startup = Date.now() - started
    expect(startup).toBeLessThan(5000)
    expect(new URL(app).port).not.toBe('0')
    expect(new URL(emulator).port).not.toBe('0')
    expect(p.stdout).toContain('simulate scan')
    expect(p.stdout).toContain('consent page')
    // It says how to see the consent page again, with a command that works.
    const forget = /curl -d '' (http:\/\/\S+\/__emulator\/forget-consents)$/m.exec(p.stdout)?.[1]
    expect(forget).toBe(`${emulator}/__emulator/forget-consents`)
    expect(p.stdout).toContain(`"忘记授权记录 / Forget consents" on ${emulator}/`)
    const forgot = await fetch(forget as string, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: '',
      redirect: 'manual',
    })
    expect(forgot.status).toBe(303)
    // It turns local ports on, and says so (WeChat itself answers 10003 to a port).
    expect(p.stdout).toContain(
      `Local ports are on: the emulator accepts the app's callback on port ${new URL(app).port}`,
    )
    expect(p.stdout).toContain('10003')
    expect(
      ((await (await fetch(`${emulator}/__emulator/state`)).json()) as { allowLocalPorts: boolean })
        .allowLocalPorts,
    ).toBe(true)

    // Signed out: the button, in the browser's language.
    const zh = await new Browser(WECHAT_UA).fetch(`${app}/`)
    expect(zh.status).toBe(200)
    expect(zh.headers.get('content-security-policy')).toContain("default-src 'none'")
    const zhHtml = await zh.text()
    expect(zhHtml).toContain('href="/auth/wechat/login"')
    expect(zhHtml).toContain('微信登录')
    const enHtml = await (await new Browser(DESKTOP_UA, 'en-US,en;q=0.9').fetch(`${app}/`)).text()
    expect(enHtml).toContain('Sign in with WeChat')
    expect(enHtml).toContain('lang="en"')
    // The emulator's home page is where the output says.
    expect(await (await fetch(`${emulator}/`)).text()).toContain('wxauth')

    await autoApprove(emulator, 'zhangsan')

    // Inside WeChat: the official account's authorize page, approved at once.
    const phone = new Browser(WECHAT_UA)
    const signedIn = await logIn(phone, app, 'oauth2/authorize')
    expect(signedIn).toContain(zhangsan.official)
    expect(signedIn).toContain(zhangsan.unionid)
    expect(signedIn).toContain('张三')
    expect(signedIn).toMatch(/<img class="avatar" src="http:\/\/127\.0\.0\.1:\d+\//)
    expect(signedIn).toContain('<form method="post" action="/auth/wechat/logout">')
    const session = await phone.fetch(`${app}/auth/wechat/session`)
    expect(((await session.json()) as { identity: { openid: string } }).identity.openid).toBe(
      zhangsan.official,
    )
    const signedOut = await logOut(phone, app)
    expect(signedOut).toContain('href="/auth/wechat/login"')
    expect(signedOut).not.toContain(zhangsan.official)

    // A desktop browser: the website app's QR login, "scanned" by the auto-approval (which
    // answers one login at a time).
    await autoApprove(emulator, 'zhangsan')
    const desktop = new Browser(DESKTOP_UA, 'en')
    const desktopHome = await logIn(desktop, app, 'qrconnect')
    expect(desktopHome).toContain(zhangsan.website)
    expect(desktopHome).toContain(zhangsan.unionid)
    expect(desktopHome).toContain('张三')
    expect(desktopHome).toContain('Sign out')
    expect(await logOut(desktop, app)).toContain('Sign in with WeChat')

    // The flow's events are logged, without secrets.
    expect(p.stdout).toContain(`login-success ${defaultOfficialAccount.appId}`)
    expect(p.stdout).toContain(`login-success ${defaultWebsiteApp.appId}`)
    expect(p.stdout).not.toContain(defaultOfficialAccount.secret)

    p.child.kill('SIGINT')
    expect(await p.exit()).toBe(0)
    expect(p.stdout).toMatch(/Stopped\.\n$/)
    expect(p.stderr).toBe('')
    expect(await refused(`${app}/`)).toBe(true)
    expect(await refused(`${emulator}/`)).toBe(true)
  })

  it('SIGTERM stops it cleanly too, with no ANSI codes when not a TTY', async () => {
    const { p, app } = await startDev({ NO_COLOR: undefined, TERM: 'xterm-256color' })
    p.child.kill('SIGTERM')
    expect(await p.exit()).toBe(0)
    expect(p.stdout).not.toMatch(ansi)
    expect(await refused(`${app}/`)).toBe(true)
  })

  it('--help → exit 0 with the usage; `wxauth --help` lists dev', async () => {
    const r = await run(['dev', '--help'])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^Usage: wxauth dev /)
    for (const option of ['--port', '--emulator-port', '--host']) expect(r.stdout).toContain(option)
    expect(r.stderr).toBe('')
    expect((await run(['--help'])).stdout).toMatch(/^ {2}dev /m)
  })

  it.each([
    [['--port', 'x']],
    [['--port', '70000']],
    [['--emulator-port', '-1']],
    [['--port', '']],
    [['--frobnicate']],
    [['--port', '4000', '--emulator-port', '4000']],
  ])('bad usage %j → exit 2 with a message, nothing started', async (args) => {
    const r = await run(['dev', ...args])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/^wxauth dev: /)
    expect(r.stderr).toContain('Run "wxauth dev --help" for usage.')
    expect(r.stdout).toBe('')
  })

  it('a port in use → exit 1 naming the port and the option, the other port released', async () => {
    const server: Server = createServer()
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    try {
      const { port } = server.address() as { port: number }
      const app = await run(['dev', '--port', String(port), '--emulator-port', '0'])
      expect(app.code).toBe(1)
      expect(app.stderr).toContain(`port ${port} on 127.0.0.1 is in use`)
      expect(app.stderr).toContain('--port')
      expect(app.stdout).toBe('')
      const emulator = await run(['dev', '--port', '0', '--emulator-port', String(port)])
      expect(emulator.code).toBe(1)
      expect(emulator.stderr).toContain(`port ${port} on 127.0.0.1 is in use`)
      expect(emulator.stderr).toContain('--emulator-port')
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  })
})

describe.runIf(browserAvailable())('wxauth dev, by hand in Chromium', () => {
  let chromium: Chromium
  beforeAll(async () => {
    chromium = await launchBrowser()
  })
  afterAll(async () => {
    await chromium?.close()
  })

  it('desktop: sign in, "simulate scan", signed in; phone in WeChat: consent, allow, sign out', async () => {
    const { p, app } = await startDev()

    const desktop = await chromium.newPage({
      viewport: { width: 1200, height: 800 },
      locale: 'en-US',
    })
    await desktop.goto(app)
    await screenshot(desktop, 'dev-home-desktop')
    await desktop.getByRole('link', { name: 'Sign in with WeChat' }).click()
    await desktop.getByRole('button', { name: /simulate scan/i }).click()
    await expect.poll(() => desktop.textContent('body')).toContain(zhangsan.website)
    expect(desktop.url()).toBe(`${app}/`)
    await screenshot(desktop, 'dev-signed-in-desktop')
    await desktop.getByRole('button', { name: 'Sign out' }).click()
    await expect.poll(() => desktop.textContent('body')).toContain('Sign in with WeChat')

    const context = await chromium.newContext({
      userAgent: WECHAT_UA,
      viewport: { width: 390, height: 844 },
      locale: 'zh-CN',
    })
    const phone = await context.newPage()
    await phone.goto(app)
    await screenshot(phone, 'dev-home-phone')
    await phone.getByRole('link', { name: '微信登录' }).click()
    await phone.getByRole('button', { name: '允许' }).click()
    await expect.poll(() => phone.textContent('body')).toContain(zhangsan.official)
    expect(await phone.textContent('h1')).toBe('张三')
    await screenshot(phone, 'dev-signed-in-phone')
    // A real form POST: the browser's own Origin header must satisfy the flow's same-site check.
    await phone.getByRole('button', { name: '退出登录' }).click()
    await expect.poll(() => phone.textContent('body')).toContain('微信登录')
    expect(phone.url()).toBe(`${app}/`)
    await context.close()

    p.child.kill('SIGINT')
    expect(await p.exit()).toBe(0)
    expect(p.stdout).toContain('logout')
  })
})
