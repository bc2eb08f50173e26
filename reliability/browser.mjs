// A virtual browser for the load-and-chaos run: a cookie jar per origin, redirects left to the
// caller (the login script reads each hop), and one public origin (the site) served by several
// processes: each request to the site goes to one of them at random, as behind a round-robin
// balancer, with the site's Host header. Everything else (the emulator) is reached directly.
import { parseSetCookie, stringifyCookie } from 'cookie'

/** @typedef {{ status: number, location: string | undefined, text: string, backend?: number }} Answer */

export class Browser {
  /** @type {Map<string, Map<string, string>>} */
  #jar = new Map()
  #agent
  #site
  #backends
  #random
  #userAgent

  /**
   * @param {{ agent: import('undici').Agent, site: string, backends: string[],
   *   random: () => number, userAgent: string }} options
   */
  constructor({ agent, site, backends, random, userAgent }) {
    this.#agent = agent
    this.#site = new URL(site)
    this.#backends = backends
    this.#random = random
    this.#userAgent = userAgent
  }

  /** Sets a cookie as if an earlier visit to `origin` had. */
  setCookie(origin, name, value) {
    this.#cookies(origin).set(name, value)
  }

  /** The value of a cookie of `origin`, if the jar holds one. */
  cookie(origin, name) {
    return this.#jar.get(origin)?.get(name)
  }

  /**
   * One request, no redirect followed. `backend` in the answer: which site process served it.
   * @param {URL} url
   * @param {{ method?: string, form?: Record<string, string>, accept?: string }} [options]
   * @returns {Promise<Answer>}
   */
  async request(url, { method = 'GET', form, accept = 'text/html,application/json' } = {}) {
    const headers = { 'user-agent': this.#userAgent, accept }
    const cookies = this.#jar.get(url.origin)
    if (cookies && cookies.size > 0) headers.cookie = stringifyCookie(Object.fromEntries(cookies))
    let body
    if (form) {
      body = new URLSearchParams(form).toString()
      headers['content-type'] = 'application/x-www-form-urlencoded'
    }
    let origin = url.origin
    let backend
    if (url.origin === this.#site.origin) {
      backend = Math.floor(this.#random() * this.#backends.length)
      origin = /** @type {string} */ (this.#backends[backend])
      headers.host = this.#site.host
    }
    const response = await this.#agent.request({
      origin,
      path: url.pathname + url.search,
      method,
      headers,
      body,
    })
    this.#store(url.origin, response.headers['set-cookie'])
    const text = await response.body.text()
    const location = response.headers.location
    return {
      status: response.statusCode,
      location: Array.isArray(location) ? location[0] : location,
      text,
      backend,
    }
  }

  #cookies(origin) {
    let cookies = this.#jar.get(origin)
    if (!cookies) {
      cookies = new Map()
      this.#jar.set(origin, cookies)
    }
    return cookies
  }

  #store(origin, setCookie) {
    if (setCookie === undefined) return
    const cookies = this.#cookies(origin)
    for (const line of [setCookie].flat()) {
      const cookie = parseSetCookie(line)
      if (!cookie.name) continue
      const gone =
        (cookie.maxAge !== undefined && cookie.maxAge <= 0) ||
        (cookie.expires !== undefined && cookie.expires.getTime() < Date.now())
      if (gone) cookies.delete(cookie.name)
      else cookies.set(cookie.name, cookie.value ?? '')
    }
  }
}

/** A small seeded generator (mulberry32): the same seed gives the same choices. */
export function seeded(seed) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
