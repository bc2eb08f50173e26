/**
 * The runtime matrix (issue 12): on each runtime of ./runtimes.ts, its app of apps/ runs as a
 * real process on a loopback port, importing the built package as users do (`wxauth`,
 * `wxauth/node` or `wxauth/hono`), and talks to the emulator over a socket; a browser with a
 * cookie jar logs zhangsan in from WeChat's browser and reads the session back. One focused suite
 * rather than the whole test suite per runtime: it runs in `npm test`, from this machine's Node.js.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { exampleEnv } from '../examples/example.js'
import { Browser, ensureBuilt, freePort, location } from '../examples/harness.js'
import { createEmulator, defaultOfficialAccount, type Emulator } from '../helpers/emulator.js'
import { need } from '../helpers/requirements.js'
import { WECHAT_UA } from '../helpers/user-agent.js'
import { INSTALL, installed, type Runtime, runtimes, start, versionOf } from './runtimes.js'

let emu: Emulator & { url: string }
let scratch: string

beforeAll(async () => {
  ensureBuilt()
  emu = createEmulator() as Emulator & { url: string }
  await emu.listen({ port: 0 })
  scratch = await mkdtemp(join(tmpdir(), 'wxauth-runtimes-'))
})

afterAll(async () => {
  await emu?.close()
  if (scratch) await rm(scratch, { recursive: true, force: true })
})

const tests = 'runtime matrix tests'

/** Whether test/runtimes is installed; else one skip note (outside CI) or a failure (in CI). */
const ready = need(installed, { tests, missing: 'test/runtimes not installed', install: INSTALL })

/** Whether `runtime` runs here (its install's scripts ran), and is the pinned version. */
function runs(runtime: Runtime): boolean {
  const version = versionOf(runtime)
  const found = need(version !== undefined, {
    tests,
    missing: `${runtime.name} does not run at ${runtime.binary}`,
    install: `${INSTALL}, with install scripts (their postinstall places the binaries)`,
  })
  if (found) expect(version, `the installed one (stale? ${INSTALL})`).toBe(runtime.version.expected)
  return found
}

for (const runtime of runtimes) {
  describe.skipIf(!ready)(runtime.name, () => {
    it('logs zhangsan in against the emulator and reads the session', async (ctx) => {
      if (!runs(runtime)) return ctx.skip()
      const port = await freePort()
      const app = `http://127.0.0.1:${port}`
      const dir = join(scratch, String(port))
      await mkdir(dir)
      const p = await start(runtime, exampleEnv(emu, port), dir)
      try {
        await p.waitFor(/^Listening on http:\/\/127\.0\.0\.1:\d+$/m, 15_000, runtime.announces)
        const browser = new Browser(WECHAT_UA)

        const before = await browser.fetch(`${app}/`)
        expect(before.status).toBe(200)
        const signedOut = (await before.json()) as { runtime: string; openid: string | null }
        expect(signedOut.runtime).toBe(runtime.says)
        expect(signedOut.openid).toBeNull()

        emu.autoApprove('zhangsan')
        const login = await browser.fetch(`${app}/auth/wechat/login`)
        expect(login.status).toBe(302)
        const authorize = location(login, app)
        expect(authorize.startsWith(`${emu.url}/connect/oauth2/authorize?`)).toBe(true)

        const approved = await browser.fetch(authorize)
        expect(approved.status).toBe(302)
        const callback = location(approved, authorize)
        expect(callback.startsWith(`${app}/auth/wechat/callback?code=`)).toBe(true)

        // The code exchange and userinfo go from the runtime to the emulator's socket.
        const back = await browser.fetch(callback)
        expect(back.status, await back.clone().text()).toBe(303)
        expect(location(back, app)).toBe(`${app}/`)
        expect(back.headers.getSetCookie().some((c) => c.startsWith('wxauth_session='))).toBe(true)
        expect(browser.cookies(app).get('wxauth_session')).toBeTruthy()

        const openid = emu.openid(defaultOfficialAccount.appId, 'zhangsan')
        const home = await browser.fetch(`${app}/`)
        expect(await home.json()).toEqual({ runtime: signedOut.runtime, openid })

        const session = await browser.fetch(`${app}/auth/wechat/session`)
        expect(session.status).toBe(200)
        expect(await session.json()).toMatchObject({
          identity: {
            appId: defaultOfficialAccount.appId,
            openid,
            unionid: emu.unionid(defaultOfficialAccount.appId, 'zhangsan'),
            profile: { nickname: '张三' },
          },
        })
      } catch (error) {
        if (error instanceof Error) {
          error.message += `\n--- ${runtime.name} stdout\n${p.stdout}\n--- stderr\n${p.stderr}`
        }
        throw error
      } finally {
        await p.stop()
      }
      expect(p.stderr).not.toMatch(/error|warning/i)
    }, 60_000)
  })
}
