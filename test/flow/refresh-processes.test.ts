/**
 * REL-07: three instances of an app, as three OS processes sharing Redis, ask at the same moment for
 * the access token of a user whose token has expired: WeChat sees exactly one refresh.
 */
import { execFile } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { build } from 'esbuild'
import { Redis } from 'ioredis'
import { afterAll, describe, expect, it } from 'vitest'
import { redisStore } from '../../src/stores/redis/index.js'
import { createEmulator, defaultOfficialAccount } from '../helpers/emulator.js'
import { REDIS_URL, redisReachable } from '../helpers/redis.js'
import { TestBrowser, WECHAT_UA } from '../helpers/user-agent.js'
import { createWxAuth } from '../helpers/wxauth.js'

const run = promisify(execFile)
const root = join(import.meta.dirname, '..', '..')
const SECRET = 'refresh-processes-secret-0123456789abcdef'
const official = { appId: defaultOfficialAccount.appId, appSecret: defaultOfficialAccount.secret }

describe.runIf(await redisReachable())('token refresh across processes sharing Redis', () => {
  const emu = createEmulator()
  const client = new Redis(REDIS_URL, { lazyConnect: true })
  const prefix = `wxauth-test:${crypto.randomUUID()}:`

  afterAll(async () => {
    await redisStore({ client, prefix }).clear()
    client.disconnect()
    await emu.close()
  })

  it('3 processes x 20 callers on an expired token: exactly one refresh, one token for all', async () => {
    const cache = join(root, 'node_modules/.cache/wxauth-test')
    mkdirSync(cache, { recursive: true })
    const worker = join(cache, `refresh-worker-${process.pid}.mjs`)
    await build({
      entryPoints: [join(import.meta.dirname, 'workers/refresh-worker.ts')],
      outfile: worker,
      bundle: true,
      packages: 'external',
      platform: 'node',
      format: 'esm',
      target: 'node20',
      logLevel: 'error',
    })
    const { url } = await emu.listen({ port: 0 })
    await client.connect()
    const auth = createWxAuth({
      apps: { official },
      baseUrl: 'http://localhost:3000',
      secrets: [SECRET],
      apiBaseUrl: url,
      openBaseUrl: url,
      store: redisStore({ client, prefix }),
    })
    emu.autoApprove('zhangsan')
    const b = new TestBrowser(
      async (r) => (await auth.handle(r)) ?? new Response('app'),
      'http://localhost:3000',
      emu,
      WECHAT_UA,
    )
    await b.navigate('/auth/wechat/login')
    const { identity } = await (await b.request('/auth/wechat/session')).json()
    const before = await auth.getAccessToken(identity.subject)
    emu.clock.advance(7_300)

    const input = {
      redisUrl: REDIS_URL,
      apiUrl: url,
      prefix,
      subject: identity.subject,
      secret: SECRET,
      ...official,
      callers: 20,
      shift: 7_300_000,
      startAt: Date.now() + 2_000,
    }
    const outputs = await Promise.all(
      [0, 1, 2].map(() => run(process.execPath, [worker, JSON.stringify(input)], { cwd: root })),
    )
    const tokens = outputs.flatMap(({ stdout }) => JSON.parse(stdout) as string[])
    expect(tokens).toHaveLength(60)
    expect(new Set(tokens).size).toBe(1)
    expect(tokens[0]).not.toBe(before)
    expect(emu.count('sns/oauth2/refresh_token')).toBe(1)
  })
})
