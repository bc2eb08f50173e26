/**
 * What the tests of `wxauth dev` and of the examples share: a child process whose output is
 * awaited (never fixed sleeps), a browser over real sockets with a cookie jar per origin, and one
 * scripted login with the emulator auto-approving.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect } from 'vitest'
import { captureResponse, captureStream, responderOf } from '../helpers/capture.js'

export const root = fileURLToPath(new URL('../../', import.meta.url))

export const WECHAT_UA =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.50(0x1800323c) NetType/WIFI Language/zh_CN'
export const DESKTOP_UA =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36'

/** Builds `dist/` when it is missing (a fresh clone that skipped `npm install`'s prepare). */
export function ensureBuilt(): void {
  if (existsSync(join(root, 'dist/cli/bin.js')) && existsSync(join(root, 'dist/index.js'))) return
  const build = spawnSync('npm', ['run', 'build'], { cwd: root, encoding: 'utf8' })
  if (build.status !== 0) throw new Error(`npm run build failed:\n${build.stdout}${build.stderr}`)
}

/** A free TCP port on 127.0.0.1 (for a child that must know its URL before it listens). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

/** A child process and everything it printed so far. */
export class Proc {
  readonly child: ChildProcess
  stdout = ''
  stderr = ''
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
  readonly #listeners = new Set<() => void>()
  readonly #name: string

  constructor(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv }) {
    this.#name = [command, ...args].join(' ')
    this.child = spawn(command, args, {
      cwd: options.cwd ?? root,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: undefined, ...options.env },
      // Its own process group, so that a stop reaches what it started (`next start`'s server).
      detached: true,
    })
    const append = (stream: 'stdout' | 'stderr') => {
      // The leak check: what the app or the CLI prints carries no secret.
      const scan = captureStream(`child ${stream}`, [command, ...args].join(' '))
      return (chunk: string) => {
        scan(chunk)
        this[stream] += chunk
        for (const listener of this.#listeners) listener()
      }
    }
    this.child.stdout?.setEncoding('utf8').on('data', append('stdout'))
    this.child.stderr?.setEncoding('utf8').on('data', append('stderr'))
    this.exited = new Promise((resolve, reject) => {
      this.child.once('error', reject)
      // 'close': the exit code is known and both pipes are drained.
      this.child.once('close', (code, signal) => {
        for (const listener of this.#listeners) listener()
        resolve({ code, signal })
      })
    })
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null
  }

  /** Resolves with the first match of `re` on `stream` (stdout); rejects after `ms` or on exit. */
  waitFor(
    re: RegExp,
    ms = 10_000,
    stream: 'stdout' | 'stderr' = 'stdout',
  ): Promise<RegExpMatchArray> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const m = re.exec(this[stream])
        if (m) done(() => resolve(m))
        else if (!this.running)
          done(() => reject(this.failure(`exited before printing ${re} on ${stream}`)))
      }
      const timer = setTimeout(
        () => done(() => reject(this.failure(`printed no ${re} on ${stream} within ${ms} ms`))),
        ms,
      )
      const done = (settle: () => void) => {
        clearTimeout(timer)
        this.#listeners.delete(check)
        settle()
      }
      this.#listeners.add(check)
      check()
    })
  }

  /** Resolves with the exit code; rejects after `ms`. */
  async exit(ms = 5000): Promise<number | null> {
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(this.failure(`still running after ${ms} ms`)), ms)
    })
    try {
      return (await Promise.race([this.exited, timeout])).code
    } finally {
      clearTimeout(timer)
    }
  }

  /** Sends `signal` to the process group (SIGKILL: no questions asked) and waits for the exit. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    if (!this.running || this.child.pid === undefined) return
    try {
      process.kill(-this.child.pid, signal)
    } catch {
      // Already gone.
    }
    await this.exited
  }

  failure(what: string): Error {
    return new Error(
      `${this.#name} ${what}\n--- stdout\n${this.stdout}\n--- stderr\n${this.stderr}`,
    )
  }
}

/** A browser: one User-Agent, cookies per origin, no redirects followed. */
export class Browser {
  readonly #jars = new Map<string, Map<string, string>>()
  readonly #ua: string
  readonly #lang: string

  constructor(ua: string, lang = 'zh-CN,zh;q=0.9,en;q=0.8') {
    this.#ua = ua
    this.#lang = lang
  }

  async fetch(url: string, init: RequestInit = {}): Promise<Response> {
    const { origin } = new URL(url)
    const jar = this.#jars.get(origin) ?? new Map<string, string>()
    this.#jars.set(origin, jar)
    const headers = new Headers(init.headers)
    headers.set('user-agent', this.#ua)
    headers.set('accept-language', this.#lang)
    if (jar.size > 0) {
      headers.set('cookie', [...jar].map(([name, value]) => `${name}=${value}`).join('; '))
    }
    const response = await fetch(url, { ...init, headers, redirect: 'manual' })
    await captureResponse(`${responderOf(url)} response`, url, response, responderOf(url))
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';')
      const at = pair.indexOf('=')
      const name = pair.slice(0, at).trim()
      if (attributes.some((a) => /^\s*max-age=0\s*$/i.test(a))) jar.delete(name)
      else jar.set(name, pair.slice(at + 1).trim())
    }
    return response
  }

  /** The cookies this browser holds for `origin`. */
  cookies(origin: string): ReadonlyMap<string, string> {
    return this.#jars.get(origin) ?? new Map()
  }
}

/** The `Location` of a redirect, absolute, without WeChat's `#wechat_redirect` fragment. */
export function location(response: Response, base: string): string {
  const value = response.headers.get('location')
  expect(value, `a Location header (status ${response.status})`).toBeTruthy()
  const url = new URL(value as string, base)
  url.hash = ''
  return url.href
}

/**
 * Logs in through the app at `appUrl` (the emulator must be auto-approving): the app's login
 * route → the emulator's authorize or qrconnect (`expectedPath`) → the callback → the home page.
 * Resolves with the home page's HTML.
 */
export async function logIn(
  browser: Browser,
  appUrl: string,
  expectedPath: 'oauth2/authorize' | 'qrconnect' = 'oauth2/authorize',
): Promise<string> {
  const login = await browser.fetch(`${appUrl}/auth/wechat/login`)
  expect(login.status).toBe(302)
  const authorize = location(login, appUrl)
  expect(new URL(authorize).pathname).toBe(`/connect/${expectedPath}`)

  const approved = await browser.fetch(authorize)
  expect(approved.status).toBe(302)
  const callback = location(approved, authorize)
  expect(callback.startsWith(`${appUrl}/auth/wechat/callback?code=`)).toBe(true)

  const back = await browser.fetch(callback)
  expect(back.status).toBe(303)
  const home = await browser.fetch(location(back, appUrl))
  expect(home.status).toBe(200)
  expect(home.headers.get('content-type')).toMatch(/^text\/html/)
  return home.text()
}

/** Logs out with the home page's form (a same-origin POST); resolves with the home page after. */
export async function logOut(browser: Browser, appUrl: string): Promise<string> {
  const logout = await browser.fetch(`${appUrl}/auth/wechat/logout`, {
    method: 'POST',
    headers: { origin: new URL(appUrl).origin },
  })
  expect(logout.status).toBe(303)
  const home = await browser.fetch(location(logout, appUrl))
  expect(home.status).toBe(200)
  return home.text()
}
