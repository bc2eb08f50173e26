// Shared by the stampede scenario and its worker processes: the app's configuration, a scripted
// login through wxauth's routes and the emulator, and the stampede itself (N concurrent callers of
// `getAccessToken` for one user, started at an agreed instant).
import { createWxAuth } from '../../dist/index.js'

export const SECRET = 'bench-stampede-secret-0123456789abcdef0123'
export const BASE_URL = 'http://localhost:3000'
/** Ahead of the login's clock by more than the access token's life (7200 s): it is expired. */
export const SHIFT_MS = 7_300_000
export const WECHAT_UA =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.47(0x18002f2c) NetType/WIFI Language/zh_CN'

/** Wall-clock time in ms with sub-ms resolution, comparable across processes on this machine. */
export const wallNow = () => performance.timeOrigin + performance.now()

/** One instance of the app; `shift` moves its clock (ms) ahead of the real one. */
export function makeAuth({ apiUrl, appId, appSecret, store, shift = 0 }) {
  return createWxAuth({
    apps: { official: { appId, appSecret } },
    baseUrl: BASE_URL,
    secrets: [SECRET],
    apiBaseUrl: apiUrl,
    openBaseUrl: apiUrl,
    store,
    ...(shift ? { now: () => Date.now() + shift } : {}),
  })
}

/**
 * Logs a user in the way a browser inside WeChat does: `/auth/wechat/login` → the emulator's
 * authorize page (auto-approve, over its socket) → `/auth/wechat/callback`, with a cookie jar; so
 * the tokens are stored exactly as in production. Resolves the session's identity.
 */
export async function login(auth) {
  const jar = new Map()
  const send = async (url) => {
    const headers = new Headers({ 'user-agent': WECHAT_UA })
    const cookies = jar.get(url.origin)
    if (cookies?.size) {
      headers.set('cookie', [...cookies].map(([name, value]) => `${name}=${value}`).join('; '))
    }
    const response =
      url.origin === BASE_URL
        ? ((await auth.handle(new Request(url, { headers, redirect: 'manual' }))) ??
          new Response('app', { status: 404 }))
        : await fetch(url, { headers, redirect: 'manual' })
    const kept = jar.get(url.origin) ?? new Map()
    jar.set(url.origin, kept)
    for (const header of response.headers.getSetCookie()) {
      const pair = header.split(';', 1)[0]
      const eq = pair.indexOf('=')
      const [name, value] = [pair.slice(0, eq).trim(), pair.slice(eq + 1).trim()]
      if (value === '' || /max-age=0\b/i.test(header)) kept.delete(name)
      else kept.set(name, value)
    }
    return response
  }
  let url = new URL('/auth/wechat/login?returnTo=/', BASE_URL)
  let response = await send(url)
  for (let hop = 0; hop < 10 && response.status >= 300 && response.status < 400; hop++) {
    await response.body?.cancel()
    url = new URL(response.headers.get('location'), url)
    response = await send(url)
  }
  await response.body?.cancel()
  const session = await send(new URL('/auth/wechat/session', BASE_URL))
  if (session.status !== 200) {
    throw new Error(`login failed: session answered ${session.status} (last hop ${url.pathname})`)
  }
  return (await session.json()).identity
}

/**
 * `callers` concurrent `getAccessToken(subject)` starting at wall-clock `startAt` (ms): waits with
 * a timer, then spins the last 2 ms so that every process starts within a fraction of a ms.
 * Resolves the distinct tokens with their counts, the errors, and when the callers finished.
 */
export async function stampede(auth, subject, callers, startAt) {
  const wait = startAt - wallNow() - 2
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait))
  while (wallNow() < startAt) {
    // spin: a timer alone is late by up to a few ms
  }
  const started = wallNow()
  let lastDone = started
  const tokens = {}
  const errors = {}
  await Promise.all(
    Array.from({ length: callers }, () =>
      auth.getAccessToken(subject).then(
        (token) => {
          lastDone = wallNow()
          tokens[token] = (tokens[token] ?? 0) + 1
        },
        (error) => {
          lastDone = wallNow()
          const name = error?.code ?? error?.name ?? String(error)
          errors[name] = (errors[name] ?? 0) + 1
        },
      ),
    ),
  )
  return { callers, started, lag: started - startAt, lastDone, tokens, errors }
}
