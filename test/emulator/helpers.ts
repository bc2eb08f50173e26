/** Shared helpers for the emulator tests: talk to the emulator the way an application would. */
import {
  defaultMiniProgram,
  defaultOfficialAccount,
  defaultWebsiteApp,
  type Emulator,
} from '../helpers/emulator.js'

export const oa = defaultOfficialAccount
export const web = defaultWebsiteApp
export const mp = defaultMiniProgram

export const API = 'https://api.weixin.qq.com'
export const OPEN = 'https://open.weixin.qq.com'

/** A WeChat in-app browser User-Agent (iOS). */
export const wechatUA =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 14_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.0(0x1800002a) NetType/WIFI Language/zh_CN'
/** A WeCom (企业微信) User-Agent: says MicroMessenger too. */
export const wecomUA =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 10_2 like Mac OS X) AppleWebKit/602.3.12 (KHTML, like Gecko) Mobile/14C92 wxwork/2.4.2 MicroMessenger/6.3.22 Language/zh'

/** A WeChat JSON answer: status, content type and parsed body. */
export async function call(
  emu: Emulator,
  path: string,
  params: Record<string, string> | string = {},
  init?: RequestInit,
): Promise<{
  status: number
  contentType: string | null
  body: Record<string, unknown>
  text: string
}> {
  const q = typeof params === 'string' ? params : new URLSearchParams(params).toString()
  const res = await emu.fetch(`${API}${path}${q ? `?${q}` : ''}`, init)
  const text = await res.text()
  let body: Record<string, unknown> = {}
  try {
    body = JSON.parse(text)
  } catch {}
  return { status: res.status, contentType: res.headers.get('content-type'), body, text }
}

/** Exchanges a code with the app's credentials. */
export function exchange(emu: Emulator, code: string, app: { appId: string; secret: string } = oa) {
  return call(emu, '/sns/oauth2/access_token', {
    appid: app.appId,
    secret: app.secret,
    code,
    grant_type: 'authorization_code',
  })
}

/** Issues a code and exchanges it; returns the token body. */
export async function login(
  emu: Emulator,
  opts: {
    app?: { appId: string; secret: string }
    user?: string
    scope?: string
    snapshot?: boolean
  } = {},
) {
  const app = opts.app ?? oa
  const code = emu.issueCode({
    appId: app.appId,
    user: opts.user ?? 'zhangsan',
    ...(opts.scope && { scope: opts.scope }),
    ...(opts.snapshot !== undefined && { snapshot: opts.snapshot }),
  })
  const res = await exchange(emu, code, app)
  return res.body as {
    access_token: string
    refresh_token: string
    openid: string
    scope: string
    expires_in: number
    unionid?: string
    is_snapshotuser?: number
  }
}

/** The documented authorize URL, parameters in the documented order. */
export function authorizeUrl(
  p: { appid?: string; redirect_uri?: string; scope?: string; state?: string; extra?: string } = {},
  path = '/connect/oauth2/authorize',
): string {
  const parts: string[] = []
  if (p.appid !== '') parts.push(`appid=${encodeURIComponent(p.appid ?? oa.appId)}`)
  if (p.redirect_uri !== '') {
    parts.push(
      `redirect_uri=${encodeURIComponent(p.redirect_uri ?? 'http://localhost:3000/callback')}`,
    )
  }
  parts.push('response_type=code')
  if (p.scope !== '') parts.push(`scope=${encodeURIComponent(p.scope ?? 'snsapi_userinfo')}`)
  parts.push(`state=${encodeURIComponent(p.state ?? 'xyz123')}`)
  if (p.extra) parts.push(p.extra)
  return `${OPEN}${path}?${parts.join('&')}#wechat_redirect`
}

/** Opens a page inside "WeChat" (MicroMessenger User-Agent), not following redirects. */
export async function openInWeChat(emu: Emulator, url: string, init: RequestInit = {}) {
  const headers = new Headers(init.headers)
  if (!headers.has('user-agent')) headers.set('user-agent', wechatUA)
  const res = await emu.fetch(url, { ...init, headers, redirect: 'manual' })
  return { res, status: res.status, location: res.headers.get('location'), html: await res.text() }
}

/** The query of a redirect Location. */
export function queryOf(location: string | null): URLSearchParams {
  if (!location) throw new Error('no Location')
  return new URL(location).searchParams
}

/** Extracts the hidden `request` id from a consent page. */
export function requestIdOf(html: string): string {
  const m =
    /name="request"\s+value="([^"]+)"/.exec(html) ?? /value="([^"]+)"\s+name="request"/.exec(html)
  if (!m?.[1]) throw new Error('no request id in page')
  return m[1]
}

/** Extracts an attribute-escaped href target, e.g. of the snapshot links. */
export function hrefs(html: string): string[] {
  return [...html.matchAll(/href="([^"]+)"/g)].map((m) => (m[1] as string).replaceAll('&amp;', '&'))
}

/** POSTs a urlencoded form. */
export function postForm(
  emu: Emulator,
  path: string,
  fields: Record<string, string>,
  headers: HeadersInit = {},
) {
  return emu.fetch(`http://127.0.0.1:8900${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(fields).toString(),
    redirect: 'manual',
  })
}

/** POSTs JSON to the control API. */
export async function controlPost(emu: Emulator, name: string, body: unknown) {
  const res = await emu.fetch(`http://127.0.0.1:8900/__emulator/${name}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  })
  return { status: res.status, body: (await res.json()) as Record<string, unknown> }
}

/** The rid suffix format: hex unix seconds, then two groups of 8 hex. */
export const ridRe = /, rid: ([0-9a-f]{8})-[0-9a-f]{8}-[0-9a-f]{8}$/

/**
 * A timer started now, to check the order of events instead of measuring time: `settledFirst(p)`
 * (call it at once) resolves true if `p` settles before the timer fires, false otherwise. Node
 * fires timers in expiry order and runs promise callbacks between them, so against anything gated
 * by a timer started later with a longer delay (an injected `delay`) the answer does not depend on
 * how loaded the machine is.
 */
export function startTimer(ms: number): {
  settledFirst(promise: Promise<unknown>): Promise<boolean>
} {
  let fired = false
  let onFire = () => {}
  const timer = setTimeout(() => {
    fired = true
    onFire()
  }, ms)
  return {
    settledFirst: (promise) =>
      new Promise((resolve) => {
        if (fired) throw new Error('startTimer: the timer fired before settledFirst was called')
        onFire = () => resolve(false)
        const settled = () => {
          clearTimeout(timer)
          resolve(true)
        }
        promise.then(settled, settled)
      }),
  }
}
