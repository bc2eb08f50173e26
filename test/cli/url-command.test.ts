/**
 * `wxauth url` as a user runs it: `node dist/cli/bin.js url …` in a child process, not a TTY.
 * The links it prints are opened in a real emulator.
 */
import { spawn, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { renderUnicodeCompact } from 'uqr'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createEmulator,
  defaultOfficialAccount,
  defaultWebsiteApp,
  type Emulator,
} from '../helpers/emulator.js'
import { cleared } from './doctor-harness.js'

const root = fileURLToPath(new URL('../../', import.meta.url))
const cli = join(root, 'dist/cli/bin.js')

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching ANSI escapes is the point
const ansi = /\u001b\[/
const blocks = /[█▀▄]/

interface Run {
  code: number | null
  stdout: string
  stderr: string
  /** The first line of standard output: the link. */
  url: string
}

function url(args: string[], env: NodeJS.ProcessEnv = {}, ms = 10_000): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, 'url', ...args], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: undefined, ...cleared, ...env },
    })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk
    })
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk
    })
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`wxauth url still running after ${ms} ms\n${stdout}\n${stderr}`))
    }, ms)
    child.once('error', reject)
    child.once('close', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr, url: stdout.split('\n')[0] ?? '' })
    })
  })
}

const official = defaultOfficialAccount.appId
const website = defaultWebsiteApp.appId
const WECHAT_UA =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.50 NetType/WIFI Language/zh_CN'
let emulator: Emulator
let emu: string

beforeAll(async () => {
  if (!existsSync(cli)) {
    const build = spawnSync('npm', ['run', 'build'], { cwd: root, encoding: 'utf8' })
    if (build.status !== 0) throw new Error(`npm run build failed:\n${build.stdout}${build.stderr}`)
  }
  emulator = createEmulator()
  ;({ url: emu } = await emulator.listen({ port: 0 }))
}, 120_000)

afterAll(async () => {
  await emulator?.close()
})

describe('wxauth url', () => {
  it('--help → exit 0 with every option', async () => {
    const r = await url(['--help'])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^Usage: wxauth url /)
    for (const option of [
      '--app-id',
      '--redirect-uri',
      '--scope',
      '--state',
      '--open-base-url',
      '--no-qr',
    ]) {
      expect(r.stdout).toContain(option)
    }
  })

  it('official account: oauth2/authorize, parameters in order, #wechat_redirect', async () => {
    const r = await url([
      '--app-id',
      official,
      '--redirect-uri',
      'https://example.com/auth/wechat/callback?x=1',
      '--scope',
      'snsapi_userinfo',
      '--state',
      'abc123',
      '--no-qr',
    ])
    expect(r.code, r.stderr).toBe(0)
    expect(r.url).toBe(
      `https://open.weixin.qq.com/connect/oauth2/authorize?appid=${official}&redirect_uri=https%3A%2F%2Fexample.com%2Fauth%2Fwechat%2Fcallback%3Fx%3D1&response_type=code&scope=snsapi_userinfo&state=abc123#wechat_redirect`,
    )
    expect(r.stdout).toContain('open it inside WeChat')
    expect(r.stderr).toBe('')
  })

  it('website app: snsapi_login → qrconnect, parameters in order, #wechat_redirect', async () => {
    const r = await url([
      '--app-id',
      website,
      '--redirect-uri',
      'https://example.com/auth/wechat/callback',
      '--scope',
      'snsapi_login',
      '--state',
      'xyz',
      '--no-qr',
    ])
    expect(r.code, r.stderr).toBe(0)
    expect(r.url).toBe(
      `https://open.weixin.qq.com/connect/qrconnect?appid=${website}&redirect_uri=https%3A%2F%2Fexample.com%2Fauth%2Fwechat%2Fcallback&response_type=code&scope=snsapi_login&state=xyz#wechat_redirect`,
    )
    expect(r.stdout).toContain('desktop browser')
  })

  it('defaults from the environment; a fresh random state each time', async () => {
    const env = {
      WECHAT_APP_ID: official,
      WECHAT_WEBSITE_APP_ID: website,
      BASE_URL: 'https://example.com',
      WXAUTH_BASE_PATH: '/login/wx',
      WECHAT_OPEN_BASE_URL: emu,
    }
    const first = await url(['--no-qr'], env)
    const second = await url(['--no-qr'], env)
    expect(first.code, first.stderr).toBe(0)
    const pattern = new RegExp(
      `^${emu.replace(/[.]/g, '\\.')}/connect/oauth2/authorize\\?appid=${official}&redirect_uri=https%3A%2F%2Fexample\\.com%2Flogin%2Fwx%2Fcallback&response_type=code&scope=snsapi_userinfo&state=([A-Za-z0-9]{32})#wechat_redirect$`,
    )
    const a = pattern.exec(first.url)?.[1]
    const b = pattern.exec(second.url)?.[1]
    expect(a, first.url).toBeDefined()
    expect(b, second.url).toBeDefined()
    expect(a).not.toBe(b)
    // snsapi_login picks the website app from the environment.
    const qr = await url(['--scope', 'snsapi_login', '--no-qr'], env)
    expect(qr.url).toMatch(new RegExp(`/connect/qrconnect\\?appid=${website}&`))
  })

  it('the printed link is accepted by the emulator: silent snsapi_base back to the callback', async () => {
    const r = await url([
      '--app-id',
      official,
      '--redirect-uri',
      'http://localhost:3000/cb',
      '--scope',
      'snsapi_base',
      '--open-base-url',
      emu,
      '--no-qr',
    ])
    expect(r.code, r.stderr).toBe(0)
    const response = await fetch(r.url, {
      redirect: 'manual',
      headers: { 'user-agent': WECHAT_UA },
    })
    expect(response.status).toBe(302)
    const location = new URL(response.headers.get('location') ?? '')
    expect(`${location.origin}${location.pathname}`).toBe('http://localhost:3000/cb')
    expect(location.searchParams.get('code')).toMatch(/^[A-Za-z0-9]+$/)
    expect(location.searchParams.get('state')).toBe(/state=([A-Za-z0-9]+)/.exec(r.url)?.[1])
  })

  it('prints the QR code of the link (compact Unicode, no ANSI when not a TTY); --no-qr omits it', async () => {
    const args = ['--app-id', official, '--redirect-uri', 'https://example.com/cb', '--state', 's1']
    const r = await url(args, { NO_COLOR: undefined, TERM: 'xterm-256color' })
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toContain(renderUnicodeCompact(r.url, { border: 2 }))
    expect(r.stdout).not.toMatch(ansi)
    const without = await url([...args, '--no-qr'])
    expect(without.url).toBe(r.url)
    expect(without.stdout).not.toMatch(blocks)
  })

  it('a bad scope → exit 2 with the library message', async () => {
    const r = await url([
      '--app-id',
      official,
      '--redirect-uri',
      'https://example.com/cb',
      '--scope',
      'snsapi_everything',
    ])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain(
      'scope must be "snsapi_base" or "snsapi_userinfo" for official account authorization',
    )
    expect(r.stderr).toContain('wxauth url --help')
    expect(r.stdout).toBe('')
  })

  it.each([
    ['a state with symbols', ['--state', 'a+b'], /state must be at most 128 characters/],
    ['a relative redirect URI', ['--redirect-uri', '/cb'], /redirectUri must be an absolute/],
    ['a fragment in the redirect URI', ['--redirect-uri', 'https://e.com/#x'], /fragment/],
    ['a bad AppID', ['--app-id', 'wx 1'], /appId must be a WeChat AppID/],
    ['an unknown option', ['--frobnicate'], /frobnicate/],
  ])('%s → exit 2', async (_name, extra, message) => {
    const base = ['--app-id', official, '--redirect-uri', 'https://example.com/cb']
    const r = await url([...base, ...extra])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(message)
    expect(r.stdout).toBe('')
  })

  it('no AppID or no redirect URI anywhere → exit 2 naming the variable', async () => {
    const noId = await url(['--redirect-uri', 'https://example.com/cb'])
    expect(noId.code).toBe(2)
    expect(noId.stderr).toContain('WECHAT_APP_ID')
    const noRedirect = await url(['--app-id', official])
    expect(noRedirect.code).toBe(2)
    expect(noRedirect.stderr).toContain('BASE_URL')
  })
})
