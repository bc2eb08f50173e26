/**
 * `wxauth doctor` as a user runs it: `node dist/cli/bin.js doctor …` in a child process, not a
 * TTY, against a real emulator standing in for WeChat (without its control API, so that the
 * doctor gives WeChat's fixes; test/cli/doctor-emulator.test.ts has the emulator's own).
 */
import { spawn, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { canarySecret } from '../helpers/canary.js'
import {
  createEmulator,
  defaultOfficialAccount,
  defaultWebsiteApp,
  type Emulator,
} from '../helpers/emulator.js'
import { REDIS_SERVER, redisServerInstalled } from '../helpers/redis.js'
import { wechatStandIn } from '../helpers/wechat-stand-in.js'
import { cleared, closedPort, doctor, failure, lines, websiteAsOfficial } from './doctor-harness.js'

const root = fileURLToPath(new URL('../../', import.meta.url))
const cli = join(root, 'dist/cli/bin.js')

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching ANSI escapes is the point
const ansi = /\u001b\[/

const hasRedisServer = redisServerInstalled()

/** Resolves once something accepts connections on `port`. */
async function waitForPort(port: number, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1')
      const done = (result: boolean) => {
        socket.destroy()
        resolve(result)
      }
      socket.once('connect', () => done(true)).once('error', () => done(false))
    })
    if (open) return
    if (Date.now() > deadline) throw new Error(`nothing listens on ${port} after ${ms} ms`)
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}

const sealing = 'Jq8vR2nX5tL9wK3mP7sD1fG6hZ4cB0yEuAq8vR2n'
let emulator: Emulator
let standIn: Awaited<ReturnType<typeof wechatStandIn>>
let emu: string
let dir: string

/** A healthy production-like configuration, with the emulator standing in for WeChat. */
function healthy(): NodeJS.ProcessEnv {
  return {
    WECHAT_APP_ID: defaultOfficialAccount.appId,
    WECHAT_APP_SECRET: defaultOfficialAccount.secret,
    WECHAT_WEBSITE_APP_ID: defaultWebsiteApp.appId,
    WECHAT_WEBSITE_APP_SECRET: defaultWebsiteApp.secret,
    WXAUTH_SECRET: sealing,
    BASE_URL: 'https://example.com',
    WXAUTH_AUTHORIZED_DOMAIN: 'example.com',
    WECHAT_API_BASE_URL: emu,
    WECHAT_OPEN_BASE_URL: emu,
  }
}

/** The same, offline, with WeChat's base URLs (the checks that need no network). */
function onWeChat(): NodeJS.ProcessEnv {
  return { ...healthy(), WECHAT_API_BASE_URL: undefined, WECHAT_OPEN_BASE_URL: undefined }
}

beforeAll(async () => {
  if (!existsSync(cli)) {
    const build = spawnSync('npm', ['run', 'build'], { cwd: root, encoding: 'utf8' })
    if (build.status !== 0) throw new Error(`npm run build failed:\n${build.stdout}${build.stderr}`)
  }
  // The default apps, authorized for example.com (no port) as in WeChat's console.
  emulator = createEmulator({
    apps: [
      { ...defaultOfficialAccount, domains: ['example.com'] },
      { ...defaultWebsiteApp, domains: ['example.com'] },
    ],
  })
  standIn = await wechatStandIn(emulator)
  emu = standIn.url
  dir = await mkdtemp(join(tmpdir(), 'wxauth-doctor-'))
}, 120_000)

afterAll(async () => {
  await standIn?.close()
  await emulator?.close()
  if (dir) await rm(dir, { recursive: true, force: true })
})

describe('wxauth doctor', () => {
  it('--help → exit 0, explains every variable and the exit codes', async () => {
    const r = await doctor(['--help'], {})
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^Usage: wxauth doctor /)
    for (const name of Object.keys(cleared)) expect(r.stdout).toContain(name)
    for (const flag of ['--config', '--live']) expect(r.stdout).toContain(flag)
    expect(r.stdout).toMatch(/Exit status: 0 .*1 .*2/s)
  })

  it('a healthy configuration with --live → exit 0, every check ok', async () => {
    const r = await doctor(['--live'], healthy())
    expect(r.code, r.stdout).toBe(0)
    expect(r.stderr).toBe('')
    expect(lines(r, 'fail')).toEqual([])
    expect(lines(r, 'warn')).toEqual([])
    const ok = lines(r, 'ok').join('\n')
    expect(ok).toContain(`official account AppID ${defaultOfficialAccount.appId}`)
    expect(ok).toContain(`website app AppID ${defaultWebsiteApp.appId}`)
    expect(ok).toContain('callback URL https://example.com/auth/wechat/callback')
    expect(ok).toContain('callback host example.com is the authorized domain')
    expect(ok).toMatch(/official account .*: AppID and AppSecret accepted/)
    expect(ok).toMatch(/website app .*: AppID and AppSecret accepted/)
    expect(ok).toMatch(/clock /)
    expect(ok).toMatch(/on oauth2\/authorize: /)
    expect(ok).toMatch(/on qrconnect: /)
    // Secrets are shown by their last 4 characters only.
    expect(ok).toContain(`********${defaultOfficialAccount.secret.slice(-4)}`)
    expect(ok).toContain(`********${sealing.slice(-4)}`)
    expect(r.stdout).toMatch(/No problems found\.\n$/)
    expect(r.stdout).not.toMatch(ansi)
  })

  it('without --live: no network, the live checks are listed as not run', async () => {
    const r = await doctor([], { ...healthy(), WECHAT_API_BASE_URL: 'http://127.0.0.1:9' })
    expect(r.code).toBe(0)
    expect(lines(r, 'skip').join('\n')).toContain('add --live')
    expect(r.stdout).not.toMatch(/network:/)
  })

  it('a callback URL with a port → fail (10003) with the fix', async () => {
    const r = await doctor([], { ...onWeChat(), BASE_URL: 'https://example.com:8443' })
    expect(r.code).toBe(1)
    const block = failure(r, /has a port \(8443\)/)
    expect(block).toContain('10003')
    expect(block).toMatch(/fix: .*BASE_URL=https:\/\/example\.com\b(?!:)/)
  })

  it('an http callback on a public host → fail with the fix', async () => {
    const r = await doctor([], { ...healthy(), BASE_URL: 'http://example.com' })
    expect(r.code).toBe(1)
    const block = failure(r, /http callback on example\.com/)
    expect(block).toMatch(/https/)
    expect(block).toMatch(/fix: serve the app over https and set BASE_URL=https:\/\/example\.com/)
  })

  it('http://localhost with a port is fine with the emulator', async () => {
    const env = {
      ...healthy(),
      BASE_URL: 'http://localhost:3000',
      WXAUTH_AUTHORIZED_DOMAIN: undefined,
    }
    const r = await doctor([], env)
    expect(r.code, r.stdout).toBe(0)
    expect(lines(r, 'ok').join('\n')).toMatch(/http on localhost: fine with the emulator/)
  })

  it('a callback on a subdomain of the authorized domain → fail (10003)', async () => {
    const r = await doctor([], { ...healthy(), BASE_URL: 'https://www.example.com' })
    expect(r.code).toBe(1)
    const block = failure(r, /www\.example\.com is not the authorized domain example\.com/)
    expect(block).toMatch(/subdomains do not match/)
    expect(block).toMatch(/fix: enter www\.example\.com in 网页授权域名/)
  })

  it('a website AppID for the in-WeChat flow → the live probe reads 10016 from the page', async () => {
    const env = websiteAsOfficial(healthy(), defaultWebsiteApp)
    const r = await doctor(['--live'], env)
    expect(r.code).toBe(1)
    const block = failure(r, /on oauth2\/authorize: WeChat shows page error 10016/)
    expect(block).toMatch(/fix: put this AppID in WECHAT_WEBSITE_APP_ID .* in WECHAT_APP_ID/)
    // Its credentials themselves are right.
    expect(lines(r, 'ok').join('\n')).toMatch(/AppID and AppSecret accepted/)
  })

  it('one AppID as both the official account and the website app → fail (10016 / 10005)', async () => {
    const r = await doctor([], {
      ...healthy(),
      WECHAT_WEBSITE_APP_ID: defaultOfficialAccount.appId,
      WECHAT_WEBSITE_APP_SECRET: defaultOfficialAccount.secret,
    })
    expect(r.code).toBe(1)
    const block = failure(r, /the same AppID .* as the official account and the website app/)
    expect(block).toMatch(/10016/)
    expect(block).toMatch(/10005/)
    expect(block).toMatch(/fix: /)
  })

  it('a short sealing secret → fail with the fix, and the secret is not printed', async () => {
    const r = await doctor([], { ...healthy(), WXAUTH_SECRET: `${sealing},tooShortSecret99` })
    expect(r.code).toBe(1)
    const block = failure(r, /sealing secret #2 .* shorter than 32 characters/)
    expect(block).toMatch(/cannot be sealed/)
    expect(block).toMatch(/fix: replace it in WXAUTH_SECRET with 32 or more random characters/)
  })

  it('a missing or placeholder sealing secret → fail', async () => {
    const missing = await doctor([], { ...healthy(), WXAUTH_SECRET: undefined })
    expect(missing.code).toBe(1)
    expect(failure(missing, /no sealing secret \(WXAUTH_SECRET\)/)).toMatch(
      /fix: set WXAUTH_SECRET/,
    )
    const env = {
      ...healthy(),
      WXAUTH_SECRET: 'change-me-to-a-long-random-secret-value',
      WECHAT_API_BASE_URL: undefined,
      WECHAT_OPEN_BASE_URL: undefined,
    }
    const placeholder = await doctor([], env)
    expect(placeholder.code).toBe(1)
    expect(failure(placeholder, /looks like a placeholder/)).toMatch(/fix: replace it/)
  })

  it('a wrong AppSecret → live 40125, with the fix', async () => {
    const env = { ...healthy(), WECHAT_APP_SECRET: canarySecret('wrong') }
    const r = await doctor(['--live'], env)
    expect(r.code).toBe(1)
    const block = failure(r, /official account .*: wrong AppSecret \(WeChat answered 40125/)
    expect(block).toMatch(/fix: copy the AppSecret again .* into WECHAT_APP_SECRET/)
    // The other app is still fine.
    expect(lines(r, 'ok').join('\n')).toMatch(/website app .*: AppID and AppSecret accepted/)
  })

  it('a wrong AppID → live 40013, with the fix', async () => {
    const env = { ...healthy(), WECHAT_WEBSITE_APP_ID: 'wx0000000000000000' }
    const r = await doctor(['--live'], env)
    expect(r.code).toBe(1)
    const block = failure(
      r,
      /website app wx0000000000000000: WeChat does not know this AppID \(40013/,
    )
    expect(block).toMatch(/fix: copy the AppID .* into WECHAT_WEBSITE_APP_ID/)
  })

  it('an unreachable API base → a network failure, told apart from credentials', async () => {
    const port = await closedPort()
    const base = `http://127.0.0.1:${port}`
    const r = await doctor(['--live'], {
      ...healthy(),
      WECHAT_API_BASE_URL: base,
      WECHAT_OPEN_BASE_URL: base,
    })
    expect(r.code).toBe(1)
    const block = failure(
      r,
      new RegExp(`network: cannot reach 127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\)`),
    )
    // Nothing on a loopback port is the emulator not running: WeChat is never on loopback.
    expect(block).toMatch(/fix: start the emulator \(npx wxauth emulator --port \d+\)/)
    expect(r.stdout).not.toMatch(/40013|40125|AppSecret accepted/)
    // The second app is not asked again once the API is known to be unreachable.
    expect(lines(r, 'skip').join('\n')).toMatch(/not tested, the API is unreachable/)
  })

  it('an unreachable REDIS_URL → fail with the fix, password masked', async () => {
    const port = await closedPort()
    const r = await doctor([], {
      ...healthy(),
      REDIS_URL: `redis://:s3cretRedisPass@127.0.0.1:${port}/0`,
    })
    expect(r.code).toBe(1)
    const block = failure(
      r,
      /Redis at redis:\/\/:\*\*\*\*@127\.0\.0\.1:\d+\/0 is unreachable \(ECONNREFUSED\)/,
    )
    expect(block).toMatch(/fix: start Redis on 127\.0\.0\.1:\d+ or fix REDIS_URL/)
  })

  it.skipIf(!hasRedisServer)('a reachable Redis (redis-server) answers PING', async () => {
    const port = await closedPort()
    const server = spawn(
      REDIS_SERVER,
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' },
    )
    try {
      await waitForPort(port)
      const r = await doctor([], { ...healthy(), REDIS_URL: `redis://127.0.0.1:${port}` })
      expect(r.code, r.stdout).toBe(0)
      expect(lines(r, 'ok').join('\n')).toMatch(/Redis at redis:\/\/127\.0\.0\.1:\d+ answers PING/)
    } finally {
      server.kill('SIGTERM')
    }
  })

  it('no app and no BASE_URL → fail for each, exit 1', async () => {
    const r = await doctor([], { WXAUTH_SECRET: sealing })
    expect(r.code).toBe(1)
    expect(failure(r, /no WeChat app configured/)).toMatch(/fix: set WECHAT_APP_ID/)
    expect(failure(r, /BASE_URL is not set/)).toMatch(/fix: set BASE_URL/)
  })

  it('BASE_URL with a path → fail, pointing at WXAUTH_BASE_PATH', async () => {
    const r = await doctor([], { ...healthy(), BASE_URL: 'https://example.com/app' })
    expect(r.code).toBe(1)
    expect(failure(r, /BASE_URL has more than an origin: \/app/)).toMatch(
      /fix: set BASE_URL=https:\/\/example\.com and WXAUTH_BASE_PATH=\/app\/auth\/wechat/,
    )
  })

  it('--config: the file’s camelCase fields win over the environment', async () => {
    const file = join(dir, 'doctor.json')
    await writeFile(
      file,
      JSON.stringify({ baseUrl: 'https://example.com:444', wxauthSecret: [sealing] }),
    )
    const r = await doctor(['--config', file], { ...onWeChat(), WXAUTH_SECRET: 'short' })
    expect(r.code).toBe(1)
    expect(r.stdout).toContain(file)
    expect(failure(r, /has a port \(444\)/)).toMatch(/"baseUrl" in /)
    expect(lines(r, 'fail').join('\n')).not.toMatch(/sealing secret/)
  })

  it('usage errors → exit 2: unknown flag, unknown field, bad JSON', async () => {
    const flag = await doctor(['--frobnicate'], {})
    expect(flag.code).toBe(2)
    expect(flag.stderr).toContain('--frobnicate')
    const typo = join(dir, 'typo.json')
    await writeFile(typo, JSON.stringify({ WECHAT_APP_ID: 'wx5f1c3a9e2b7d4f60' }))
    const field = await doctor(['--config', typo], {})
    expect(field.code).toBe(2)
    expect(field.stderr).toContain('did you mean "wechatAppId"')
    const bad = join(dir, 'bad.json')
    await writeFile(bad, '{oops')
    const json = await doctor(['--config', bad], {})
    expect(json.code).toBe(2)
    expect(json.stderr).toMatch(/not valid JSON/)
    expect(json.stdout).toBe('')
  })

  it('prints no ANSI escape codes when not a TTY (even without NO_COLOR)', async () => {
    const r = await doctor([], { ...healthy(), NO_COLOR: undefined, TERM: 'xterm-256color' })
    expect(r.stdout).not.toMatch(ansi)
    expect(r.stdout).toContain('[ok]')
  })
})
