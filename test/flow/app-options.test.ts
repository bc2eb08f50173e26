/**
 * What the application hands the flow: its callbacks must never take the process down, and its
 * default return path must always be a redirect that can be sent.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { wxauthHandler } from '../../src/adapters/node/index.js'
import { memoryStore } from '../../src/stores/memory.js'
import { createEmulator, defaultOfficialAccount, type Emulator } from '../helpers/emulator.js'
import { TestBrowser, WECHAT_UA } from '../helpers/user-agent.js'
import { createClient, createWxAuth, type WxAuth, type WxAuthConfig } from '../helpers/wxauth.js'

const ORIGIN = 'http://localhost:3000'
const SECRET = 'app-options-test-secret-0123456789abcdef'
const official = { appId: defaultOfficialAccount.appId, appSecret: defaultOfficialAccount.secret }

let emu: Emulator
const rejections: unknown[] = []
const onRejection = (reason: unknown) => rejections.push(reason)

beforeEach(() => {
  emu = createEmulator()
  rejections.length = 0
  process.on('unhandledRejection', onRejection)
})

afterEach(() => {
  process.off('unhandledRejection', onRejection)
})

function setup(overrides: Partial<WxAuthConfig> = {}): WxAuth {
  return createWxAuth({
    apps: { official },
    baseUrl: ORIGIN,
    secrets: [SECRET],
    fetch: emu.fetch,
    store: memoryStore(),
    ...overrides,
  })
}

function browser(auth: WxAuth): TestBrowser {
  const app = async (request: Request) =>
    (await auth.handle(request)) ?? new Response('page', { status: 200 })
  return new TestBrowser(app, ORIGIN, emu, WECHAT_UA)
}

/** Lets rejected promises nobody handled reach `unhandledRejection`. */
async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve))
}

describe('regression (a rejecting log sink ends the process): callbacks of the application', () => {
  it('an async log that rejects, on an unauthenticated callback over a real socket, leaves the server answering', async () => {
    let calls = 0
    const auth = setup({
      log: async () => {
        calls++
        throw new Error('log sink down')
      },
    })
    const handler = wxauthHandler(auth)
    const server = createServer(async (req, res) => {
      if (!(await handler(req, res))) res.end('app')
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const { port } = server.address() as AddressInfo
    try {
      const bad = await fetch(`http://127.0.0.1:${port}/auth/wechat/callback?code=x&state=bad`)
      expect(bad.status).toBe(400)
      await settle()
      const again = await fetch(`http://127.0.0.1:${port}/auth/wechat/callback`)
      expect(again.status).toBe(400)
      expect(calls).toBeGreaterThanOrEqual(2)
      await settle()
      expect(rejections).toEqual([])
    } finally {
      server.close()
    }
  })

  it('a log that throws or rejects on every event leaves a whole login working', async () => {
    let calls = 0
    const sinks = [
      () => {
        calls++
        throw new Error('sync sink down')
      },
      () => {
        calls++
        return Promise.reject(new Error('async sink down'))
      },
    ]
    for (const log of sinks) {
      emu.autoApprove('zhangsan')
      const b = browser(setup({ log }))
      const page = await b.navigate('/auth/wechat/login?returnTo=/home')
      expect(await page.text()).toBe('page')
      expect(b.cookie('wxauth_session')).toBeDefined()
    }
    expect(calls).toBeGreaterThanOrEqual(4)
    await settle()
    expect(rejections).toEqual([])
  })

  it("the client's log may reject too: the call's own result stands", async () => {
    const client = createClient({
      appId: official.appId,
      appSecret: official.appSecret,
      fetch: emu.fetch,
      log: async () => {
        throw new Error('client sink down')
      },
    })
    const code = emu.issueCode({ appId: official.appId, user: 'zhangsan', scope: 'snsapi_base' })
    const token = await client.exchangeCode(code)
    expect(token.openid).toBe(emu.openid(official.appId, 'zhangsan'))
    await settle()
    expect(rejections).toEqual([])
  })

  it('a log that is not a function is refused at start-up, naming the option', () => {
    expect(() => setup({ log: 'console' as never })).toThrow('log must be a function')
    expect(() =>
      createClient({ appId: official.appId, appSecret: official.appSecret, log: 1 as never }),
    ).toThrow('log must be a function')
  })
})

describe('regression (non-ASCII defaultReturnTo): the default return path', () => {
  it('is normalised like returnTo, so a non-ASCII one still logs the user in', async () => {
    emu.autoApprove('zhangsan')
    const auth = setup({ defaultReturnTo: '/我的订单?tab=全部' })
    const b = browser(auth)
    await b.navigate('/auth/wechat/login')
    const callback = b.hops.find((hop) => hop.url.startsWith(`${ORIGIN}/auth/wechat/callback`))
    expect(callback?.status).toBe(303)
    expect(callback?.location).toBe(
      `${ORIGIN}/${encodeURI('我的订单')}?tab=${encodeURIComponent('全部')}`,
    )
    expect(b.cookie('wxauth_session')).toBeDefined()
  })

  it.each([
    'https://evil.example/',
    '//evil.example/',
    '/\\evil.example',
    '/%2fevil.example',
    'home',
    '',
    '/a b',
    `/${'x'.repeat(600)}`,
    `/${'订'.repeat(100)}`,
  ])('%j is refused at start-up', (defaultReturnTo) => {
    expect(() => setup({ defaultReturnTo })).toThrow(/defaultReturnTo must be a path on this site/)
  })
})
