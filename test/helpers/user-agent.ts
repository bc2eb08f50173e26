/** A browser for tests: a cookie jar and redirect following across the app and the emulator. */
import type { Emulator } from '../../src/emulator/index.js'
import { captureSnapshot } from './capture.js'

export const WECHAT_UA =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.47(0x18002f2c) NetType/WIFI Language/zh_CN'
export const DESKTOP_UA =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36'
export const PHONE_UA =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1'
export const WECOM_UA =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 10_2 like Mac OS X) AppleWebKit/602.3.12 (KHTML, like Gecko) Mobile/14C92 wxwork/2.4.2 MicroMessenger/6.3.22 Language/zh'

export interface Hop {
  url: string
  status: number
  location?: string
  setCookies: string[]
  /** Every response header, for leak checks. */
  headers: [string, string][]
  /** The body as text (read from a clone, so the caller can still read the response). */
  body: string
}

/**
 * Sends requests to `app` (any function from Request to Response, such as `auth.handle` behind a
 * server, or a real socket via fetch) for URLs on `appOrigin`, and to the emulator for WeChat's
 * hosts; keeps cookies per origin like a browser (path-aware enough for these tests).
 */
export class TestBrowser {
  readonly cookies = new Map<string, Map<string, { value: string; path: string }>>()
  readonly hops: Hop[] = []

  constructor(
    private readonly app: (request: Request) => Promise<Response>,
    private readonly appOrigin: string,
    private readonly emulator: Emulator,
    readonly userAgent: string,
  ) {}

  cookieHeader(url: URL): string {
    const jar = this.cookies.get(url.origin)
    if (!jar) return ''
    return [...jar]
      .filter(([, c]) => url.pathname.startsWith(c.path))
      .map(([name, c]) => `${name}=${c.value}`)
      .join('; ')
  }

  cookie(name: string): string | undefined {
    return this.cookies.get(this.appOrigin)?.get(name)?.value
  }

  private store(url: URL, setCookies: string[]) {
    const jar = this.cookies.get(url.origin) ?? new Map()
    this.cookies.set(url.origin, jar)
    for (const header of setCookies) {
      const [pair = '', ...attributes] = header.split(';').map((part) => part.trim())
      const eq = pair.indexOf('=')
      const name = pair.slice(0, eq)
      const value = pair.slice(eq + 1)
      const path = attributes.find((a) => a.toLowerCase().startsWith('path='))?.slice(5) ?? '/'
      const maxAge = attributes.find((a) => a.toLowerCase().startsWith('max-age='))
      if (value === '' || maxAge?.toLowerCase() === 'max-age=0') jar.delete(name)
      else jar.set(name, { value, path })
    }
  }

  /** One request, no redirect following. */
  async request(target: string, init: RequestInit = {}): Promise<Response> {
    const url = new URL(target, this.appOrigin)
    const headers = new Headers(init.headers)
    headers.set('user-agent', this.userAgent)
    const cookie = this.cookieHeader(url)
    if (cookie) headers.set('cookie', cookie)
    const request = new Request(url, { ...init, headers, redirect: 'manual' })
    const response =
      url.origin === this.appOrigin ? await this.app(request) : await this.emulator.fetch(request)
    const setCookies = response.headers.getSetCookie()
    this.store(url, setCookies)
    const location = response.headers.get('location') ?? undefined
    const hop: Hop = {
      url: url.href,
      status: response.status,
      ...(location ? { location } : {}),
      setCookies,
      headers: [...response.headers],
      body: await response.clone().text(),
    }
    this.hops.push(hop)
    // The leak check: what the app answers, and what the emulator shows, carries no secret.
    const from = url.origin === this.appOrigin ? 'app' : 'emulator'
    captureSnapshot(`${from} response`, { ...hop, statusText: response.statusText }, from)
    return response
  }

  /** Follows redirects (at most `max`) and returns the final response. */
  async navigate(target: string, init: RequestInit = {}, max = 10): Promise<Response> {
    let response = await this.request(target, init)
    let url = new URL(target, this.appOrigin)
    for (let i = 0; i < max && response.status >= 300 && response.status < 400; i++) {
      const location = response.headers.get('location')
      if (!location) break
      url = new URL(location, url)
      response = await this.request(url.href)
    }
    return response
  }
}
