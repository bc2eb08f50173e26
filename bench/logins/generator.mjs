// The load generator of the login benchmark, in its own process: virtual users, each a browser
// with its own cookie jar, run complete logins one after another (login → authorize → callback →
// session check) for a fixed time or count, then report logins, errors and latencies over IPC.
//
// Every login is a new browser (a new cookie jar), as in a campaign where each login is a new
// user. Redirects (302/303) are followed here, by hand, with the jar's cookies for each origin.
// Targets: only 127.0.0.1 (the benchmark's own servers); the run stops by itself.
import { Agent } from 'undici'

/** WeChat's in-app browser on Android: wxauth sends it to the official account's authorize page. */
export const WECHAT_UA =
  'Mozilla/5.0 (Linux; Android 14; Pixel 8 Build/UQ1A.240205.004; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/122.0.6261.120 Mobile Safari/537.36 XWEB/1220099 MMWEBSDK/20240404 MMWEBID/1234 MicroMessenger/8.0.49.2600(0x28003133) WeChat/arm64 Weixin NetType/WIFI Language/zh_CN ABI/arm64'

const REDIRECTS = new Set([301, 302, 303, 307, 308])
const MAX_HOPS = 6
const MAX_ERROR_SAMPLES = 5

/** A tiny cookie jar: name → value per origin; honours Max-Age=0 and past Expires (deletion). */
class Jar {
  #byOrigin = new Map()

  header(origin) {
    const cookies = this.#byOrigin.get(origin)
    if (!cookies || cookies.size === 0) return undefined
    let out = ''
    for (const [name, value] of cookies) out += `${out ? '; ' : ''}${name}=${value}`
    return out
  }

  store(origin, setCookie) {
    if (setCookie === undefined) return
    let cookies = this.#byOrigin.get(origin)
    if (!cookies) {
      cookies = new Map()
      this.#byOrigin.set(origin, cookies)
    }
    for (const line of Array.isArray(setCookie) ? setCookie : [setCookie]) {
      const [pair, ...attributes] = line.split(';')
      const eq = pair.indexOf('=')
      if (eq <= 0) continue
      const name = pair.slice(0, eq).trim()
      const value = pair.slice(eq + 1).trim()
      const gone = attributes.some((attribute) => {
        const [key, v = ''] = attribute.trim().split('=')
        const k = key.toLowerCase()
        return (
          (k === 'max-age' && Number(v) <= 0) || (k === 'expires' && Date.parse(v) < Date.now())
        )
      })
      if (gone) cookies.delete(name)
      else cookies.set(name, value)
    }
  }
}

/** The readable text of an answer (an error page's words without its markup), shortened. */
function textOf(body) {
  return body
    .replace(/<(style|script)[^>]*>.*?<\/\1>/gs, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 300)
}

/**
 * Runs the load. `target`: { origin, loginPath, sessionPath, flow ('get' | 'authjs'), expect
 * (strings one of which the session body must contain) }.
 */
export async function generate({
  target,
  concurrency = 32,
  durationMs = 5000,
  maxLogins = 1_000_000,
  timeoutMs = 10_000,
  userAgent = WECHAT_UA,
}) {
  const dispatcher = new Agent({
    connections: concurrency * 2,
    keepAliveTimeout: 30_000,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  })
  const home = `${target.origin}/`
  const latencies = []
  const errorSamples = []
  let errors = 0
  let started = 0

  async function send(jar, url, { method = 'GET', body, contentType } = {}) {
    const { origin } = url
    const headers = { 'user-agent': userAgent, accept: 'text/html,application/json' }
    const cookie = jar.header(origin)
    if (cookie) headers.cookie = cookie
    if (contentType) headers['content-type'] = contentType
    const response = await dispatcher.request({
      origin,
      path: url.pathname + url.search,
      method,
      headers,
      body,
    })
    jar.store(origin, response.headers['set-cookie'])
    const text = await response.body.text()
    return { status: response.statusCode, location: response.headers.location, text }
  }

  // The first response of a login: a GET of the login path, or Auth.js's CSRF token and sign-in POST.
  async function begin(jar) {
    if (target.flow !== 'authjs') {
      return send(jar, new URL(target.loginPath, target.origin))
    }
    const csrf = await send(jar, new URL(target.csrfPath, target.origin))
    const { csrfToken } = JSON.parse(csrf.text)
    return send(jar, new URL(target.loginPath, target.origin), {
      method: 'POST',
      body: new URLSearchParams({ csrfToken, callbackUrl: home }).toString(),
      contentType: 'application/x-www-form-urlencoded',
    })
  }

  async function login() {
    const jar = new Jar()
    let url = new URL(target.loginPath, target.origin)
    let response = await begin(jar)
    let hops = 0
    // Follow the redirects (to the authorize page, the callback, …) until the app's home page.
    while (REDIRECTS.has(response.status)) {
      const next = new URL(response.location, url)
      next.hash = ''
      hops++
      if (next.href === home) break
      if (hops >= MAX_HOPS) throw new Error(`more than ${MAX_HOPS} redirects (at ${next.pathname})`)
      url = next
      response = await send(jar, url)
    }
    if (!REDIRECTS.has(response.status)) {
      throw new Error(`HTTP ${response.status} at ${url.pathname}: ${textOf(response.text)}`)
    }
    if (hops !== 3) throw new Error(`${hops} redirects instead of 3 (login, authorize, callback)`)
    const session = await send(jar, new URL(target.sessionPath, target.origin))
    if (session.status !== 200 || !target.expect.some((s) => session.text.includes(s))) {
      throw new Error(`session check: HTTP ${session.status} ${textOf(session.text)}`)
    }
  }

  const startedAt = performance.now()
  const deadline = startedAt + durationMs
  async function virtualUser() {
    while (performance.now() < deadline && started < maxLogins) {
      started++
      const t0 = performance.now()
      try {
        await login()
        latencies.push(performance.now() - t0)
      } catch (error) {
        errors++
        if (errorSamples.length < MAX_ERROR_SAMPLES)
          errorSamples.push(String(error?.message ?? error))
      }
    }
  }
  await Promise.all(Array.from({ length: concurrency }, virtualUser))
  const elapsedMs = performance.now() - startedAt
  await dispatcher.close()

  latencies.sort((a, b) => a - b)
  const quantile = (q) =>
    latencies.length === 0
      ? null
      : latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]
  return {
    logins: latencies.length,
    errors,
    errorSamples,
    elapsedMs,
    perSecond: latencies.length / (elapsedMs / 1000),
    p50: quantile(0.5),
    p99: quantile(0.99),
  }
}

// As a child process: one message with the options in, one message with the result out.
if (process.send) {
  process.once('message', async (options) => {
    let message
    try {
      message = { result: await generate(options) }
    } catch (error) {
      message = { error: String(error?.stack ?? error) }
    }
    process.send(message, () => process.disconnect())
  })
  process.on('disconnect', () => process.exit(0))
}
