/**
 * examples/next as it runs in production: `next build` once, without the app's variables, then
 * `next start` configured by environment variables, logged in through against the emulator. Its
 * middleware and its wxauth route run on the Edge runtime, its pages on Node.js (issue 12). The
 * build runs on a copy under test-results/ (git-ignored, still inside the package so that
 * `wxauth` resolves to this one) so that concurrent runs never share a `.next` directory.
 */
import { cp, mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { join, relative } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createEmulator, defaultOfficialAccount, type Emulator } from '../helpers/emulator.js'
import { exampleEnv, importsOf } from './example.js'
import { Browser, ensureBuilt, freePort, logOut, Proc, root, WECHAT_UA } from './harness.js'

const next = join(root, 'node_modules/next/dist/bin/next')
const env = { NEXT_TELEMETRY_DISABLED: '1' }
let emu: Emulator & { url: string }
let dir: string

beforeAll(async () => {
  ensureBuilt()
  emu = createEmulator() as Emulator & { url: string }
  await emu.listen({ port: 0 })
  await mkdir(join(root, 'test-results'), { recursive: true })
  dir = await mkdtemp(join(root, 'test-results', 'example-next-'))
  await cp(join(root, 'examples/next'), dir, {
    recursive: true,
    filter: (source) => !/[\\/]\.next([\\/]|$)/.test(source),
  })
}, 120_000)

afterAll(async () => {
  await emu?.close()
  if (dir) await rm(dir, { recursive: true, force: true })
})

async function sources(folder: string): Promise<string[]> {
  const entries = await readdir(join(root, folder), { recursive: true, withFileTypes: true })
  return entries
    .filter((e) => e.isFile() && /\.m?js$/.test(e.name))
    .map((e) => relative(root, join(e.parentPath, e.name)))
}

/** The absolute `Location` of a redirect (Next makes same-host ones relative). */
function location(response: Response, base: string): string {
  const value = response.headers.get('location')
  expect(value, `a Location header (status ${response.status})`).toBeTruthy()
  return new URL(value as string, base).href
}

describe('examples/next', () => {
  it('imports only next, wxauth and wxauth/next (and its own files)', async () => {
    const files = (await sources('examples/next')).filter((f) => !f.includes('.next'))
    expect(files.length).toBeGreaterThanOrEqual(6)
    const packages = new Set<string>()
    for (const file of files) {
      for (const m of await importsOf(file)) if (!m.startsWith('.')) packages.add(m)
    }
    expect([...packages].sort()).toEqual(['next/headers', 'wxauth', 'wxauth/next'])
  })

  it('next build, then next start: the Edge middleware and Edge route log a WeChat user in and out', async () => {
    // Without the app's variables: the build must not need the runtime configuration.
    const unset = Object.fromEntries(
      Object.keys(exampleEnv(emu, 0)).map((name) => [name, undefined]),
    )
    const build = new Proc(process.execPath, [next, 'build', dir], { env: { ...unset, ...env } })
    expect(await build.exit(90_000), build.failure('failed').message).toBe(0)
    // Both on the Edge runtime: Next lists them as edge functions.
    const manifest = JSON.parse(
      await readFile(join(dir, '.next/server/middleware-manifest.json'), 'utf8'),
    )
    expect(Object.keys(manifest.middleware)).toEqual(['/'])
    expect(Object.keys(manifest.functions)).toEqual(['/auth/wechat/[...wxauth]/route'])

    const port = await freePort()
    const app = `http://127.0.0.1:${port}`
    const start = new Proc(
      process.execPath,
      [next, 'start', dir, '-p', String(port), '-H', '127.0.0.1'],
      { env: { ...env, ...exampleEnv(emu, port) } },
    )
    try {
      await start.waitFor(/Ready in/, 20_000)
      const browser = new Browser(WECHAT_UA)
      const openid = emu.openid(defaultOfficialAccount.appId, 'zhangsan')

      // 1. Signed out, the protected page sends the browser to the login, which will bring it back.
      const guarded = await browser.fetch(`${app}/account?tab=orders`)
      expect(guarded.status).toBe(307)
      const login = location(guarded, app)
      expect(login).toBe(
        `${app}/auth/wechat/login?returnTo=${encodeURIComponent('/account?tab=orders')}`,
      )

      // 2. The login (the Edge route) → WeChat's authorize (the emulator, approving once).
      emu.autoApprove('zhangsan')
      const toWeChat = await browser.fetch(login)
      expect(toWeChat.status).toBe(302)
      const authorize = location(toWeChat, app).replace(/#.*$/, '')
      expect(new URL(authorize).pathname).toBe('/connect/oauth2/authorize')
      const approved = await browser.fetch(authorize)
      expect(approved.status).toBe(302)
      const callback = location(approved, authorize)
      expect(callback.startsWith(`${app}/auth/wechat/callback?code=`)).toBe(true)

      // 3. The callback (the Edge route) exchanges the code, seals the session, goes back.
      const back = await browser.fetch(callback)
      expect(back.status).toBe(303)
      expect(location(back, app)).toBe(`${app}/account?tab=orders`)
      expect(browser.cookies(app).has('wxauth_session')).toBe(true)

      // 4. The middleware lets the signed-in through; the page (Node.js) reads the same session.
      const account = await browser.fetch(`${app}/account?tab=orders`)
      expect(account.status).toBe(200)
      expect(await account.text()).toContain(openid)
      const home = await (await browser.fetch(`${app}/`)).text()
      expect(home).toContain(emu.unionid(defaultOfficialAccount.appId, 'zhangsan'))
      expect(home).toContain('张三')

      // 5. Logout (the Edge route): signed out everywhere, the protected page guarded again.
      const after = await logOut(browser, app)
      expect(after).toContain('href="/auth/wechat/login"')
      expect(after).not.toContain(openid)
      expect((await browser.fetch(`${app}/account`)).status).toBe(307)
    } catch (error) {
      if (error instanceof Error) {
        error.message += `\n--- next start's stdout\n${start.stdout}\n--- stderr\n${start.stderr}`
      }
      throw error
    } finally {
      await start.stop()
    }
    expect(start.stderr).not.toMatch(/Error|Warning/)
  }, 150_000)
})
