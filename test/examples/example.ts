/**
 * One example app against an emulator listening in the test: started as a user starts it (a child
 * process configured by environment variables), one login inside WeChat to its home page, logout.
 */
import { randomBytes } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { expect } from 'vitest'
import {
  createEmulator,
  defaultOfficialAccount,
  defaultWebsiteApp,
  type Emulator,
} from '../helpers/emulator.js'
import { Browser, freePort, logIn, logOut, type Proc, root, WECHAT_UA } from './harness.js'

/** The emulator, listening, auto-approving as zhangsan (every login: it serves every example). */
export async function startEmulator(): Promise<Emulator & { url: string }> {
  const emu = createEmulator()
  await emu.listen({ port: 0 })
  emu.autoApprove('zhangsan', { keep: true })
  return emu as Emulator & { url: string }
}

/** The variables examples/README.md documents, pointing at `emu`. */
export function exampleEnv(emu: { url: string }, port: number): NodeJS.ProcessEnv {
  return {
    WECHAT_APP_ID: defaultOfficialAccount.appId,
    WECHAT_APP_SECRET: defaultOfficialAccount.secret,
    WECHAT_WEBSITE_APP_ID: defaultWebsiteApp.appId,
    WECHAT_WEBSITE_APP_SECRET: defaultWebsiteApp.secret,
    WXAUTH_SECRET: randomBytes(32).toString('base64url'),
    WECHAT_API_BASE_URL: emu.url,
    WECHAT_OPEN_BASE_URL: emu.url,
    PORT: String(port),
    BASE_URL: `http://127.0.0.1:${port}`,
  }
}

/** The packages an example imports: its framework's, and only wxauth's public entry points. */
export async function importsOf(file: string): Promise<string[]> {
  const text = await readFile(join(root, file), 'utf8')
  return [...text.matchAll(/^import\s[^'"]*['"]([^'"]+)['"]/gm)].map((m) => m[1] as string)
}

/**
 * Starts the example with `command`, waits for `ready` on its output, logs zhangsan in from
 * WeChat's browser, checks the home page shows them, logs out, and stops the example.
 */
export async function loginThroughExample(
  emu: Emulator & { url: string },
  start: (env: NodeJS.ProcessEnv, port: number) => Proc,
  ready: RegExp,
  readyMs = 10_000,
): Promise<void> {
  const port = await freePort()
  const app = `http://127.0.0.1:${port}`
  const p = start(exampleEnv(emu, port), port)
  try {
    await p.waitFor(ready, readyMs)

    const browser = new Browser(WECHAT_UA)
    const signedOut = await (await browser.fetch(`${app}/`)).text()
    expect(signedOut).toContain('href="/auth/wechat/login"')

    const home = await logIn(browser, app)
    expect(home).toContain(emu.openid(defaultOfficialAccount.appId, 'zhangsan'))
    expect(home).toContain(emu.unionid(defaultOfficialAccount.appId, 'zhangsan'))
    expect(home).toContain('张三')
    expect(home).toContain('action="/auth/wechat/logout"')

    const after = await logOut(browser, app)
    expect(after).toContain('href="/auth/wechat/login"')
    expect(after).not.toContain(emu.openid(defaultOfficialAccount.appId, 'zhangsan'))
  } catch (error) {
    if (error instanceof Error) {
      error.message += `\n--- example's stdout\n${p.stdout}\n--- stderr\n${p.stderr}`
    }
    throw error
  } finally {
    await p.stop()
  }
  expect(p.stderr).not.toMatch(/Error|Warning/)
}
