import { parse, serialize } from 'cookie'
import { invalidArgument } from '../client/errors.js'
import type { HeaderReader } from './http.js'

/** The names of wxauth's cookies. */
export interface CookieNames {
  /** The sealed session: `__Host-<prefix>_session` when secure, else `<prefix>_session`. */
  session: string
  /** The login transaction's browser binding: `<prefix>_tx`. */
  binding: string
}

/** Options of {@link setCookie}. */
export interface SetCookieOptions {
  /** Lifetime in seconds (a whole number); `0` deletes the cookie. */
  maxAge: number
  /** The cookie's path, starting with `/`. */
  path: string
  /** Adds `Secure`; required for `__Host-` and `__Secure-` names. */
  secure: boolean
}

// RFC 6265 §4.1.1 token and cookie-octet, minus `%`: values are written verbatim, and one holding
// `%` would come back changed by the percent-decoding of `readCookies`.
const NAME = /^[!#$&'*+.^_`|~0-9A-Za-z-]+$/
const VALUE = /^[\x21\x23-\x24\x26-\x2B\x2D-\x3A\x3C-\x5B\x5D-\x7E]*$/
const PREFIX = /^[A-Za-z0-9_-]{1,64}$/
const PATH = /^\/[\x20-\x3A\x3D-\x7E]*$/
const verbatim = (value: string): string => value

/**
 * The cookies a request carries, by name (first occurrence wins, values percent-decoded when the
 * escape is valid). Never throws: an absent, empty or malformed `Cookie` header yields `{}`. The
 * object has no prototype, so a cookie named `__proto__` is just a name.
 */
export function readCookies(request: { headers: HeaderReader }): Record<string, string> {
  const cookies: Record<string, string> = Object.create(null)
  let header: string | null
  try {
    header = request.headers.get('cookie')
  } catch {
    return cookies
  }
  if (!header) return cookies
  try {
    const parsed = parse(header)
    for (const name of Object.keys(parsed)) {
      const value = parsed[name]
      if (value !== undefined) cookies[name] = value
    }
  } catch {
    // The parser is tolerant by design; this is only a last guard so a request can never crash.
  }
  return cookies
}

/**
 * wxauth's cookie names for a prefix (letters, digits, `_` and `-`, e.g. `wxauth`). When `secure`,
 * the session cookie takes the `__Host-` prefix, so the browser accepts it only from this exact
 * host over HTTPS with `Path=/` and no `Domain`: a sibling subdomain cannot plant one.
 */
export function cookieNames(options: { prefix: string; secure: boolean }): CookieNames {
  const { prefix, secure } = options
  if (typeof prefix !== 'string' || !PREFIX.test(prefix)) {
    throw invalidArgument('cookie prefix must be 1 to 64 letters, digits, _ or -')
  }
  // Browsers give these name prefixes special rules; wxauth adds `__Host-` itself where it applies.
  if (/^__(host|secure)-/i.test(prefix)) {
    throw invalidArgument('cookie prefix must not start with __Host- or __Secure-')
  }
  // `__Host-` on both: a sibling subdomain could otherwise plant its own binding cookie in the
  // victim's browser and have the victim complete the attacker's login (login CSRF).
  return {
    session: secure ? `__Host-${prefix}_session` : `${prefix}_session`,
    binding: secure ? `__Host-${prefix}_tx` : `${prefix}_tx`,
  }
}

/**
 * A `Set-Cookie` header value: always `HttpOnly` and `SameSite=Lax`, `Secure` when `secure`, never
 * a `Domain` (host-only). Lax rather than Strict because WeChat returns the user with a top-level
 * navigation from open.weixin.qq.com, which Strict would send without the cookie.
 *
 * @throws {TypeError} `ERR_INVALID_ARG_VALUE` for a bad name, value, `maxAge` or `path`, or a
 *   `__Host-`/`__Secure-` name whose rules the options break. Messages never quote the value.
 */
export function setCookie(name: string, value: string, options: SetCookieOptions): string {
  checkName(name, options)
  if (typeof value !== 'string' || !VALUE.test(value)) {
    throw invalidArgument(
      `cookie ${name} value must be printable ASCII without space, ", %, comma, ; or \\`,
    )
  }
  const { maxAge } = options
  if (typeof maxAge !== 'number' || !Number.isSafeInteger(maxAge) || maxAge < 0) {
    throw invalidArgument('cookie maxAge must be a whole number of seconds, at least 0')
  }
  return serialize(name, value, {
    encode: verbatim,
    maxAge,
    path: options.path,
    httpOnly: true,
    secure: options.secure,
    sameSite: 'lax',
  })
}

/**
 * A `Set-Cookie` header value that deletes the cookie: empty value, `Max-Age=0` and an `Expires`
 * in 1970 for clients that ignore `Max-Age`. `path` and `secure` must match those it was set with.
 */
export function clearCookie(name: string, options: { path: string; secure: boolean }): string {
  checkName(name, options)
  return serialize(name, '', {
    maxAge: 0,
    expires: new Date(0),
    path: options.path,
    httpOnly: true,
    secure: options.secure,
    sameSite: 'lax',
  })
}

function checkName(name: string, options: { path: string; secure: boolean }): void {
  if (typeof name !== 'string' || !NAME.test(name)) {
    throw invalidArgument('cookie name must be an RFC 6265 token')
  }
  if (typeof options.path !== 'string' || !PATH.test(options.path)) {
    throw invalidArgument(
      `cookie ${name} path must start with / and hold no ; or control character`,
    )
  }
  if (typeof options.secure !== 'boolean') {
    throw invalidArgument(`cookie ${name} secure must be a boolean`)
  }
  // Browsers match these prefixes case-insensitively (rfc6265bis) and drop cookies that break them,
  // which would fail silently later: refuse them here instead.
  const lower = name.toLowerCase()
  if (lower.startsWith('__host-') && !(options.secure && options.path === '/')) {
    throw invalidArgument(`cookie ${name} needs secure and path / (the __Host- rules)`)
  }
  if (lower.startsWith('__secure-') && !options.secure) {
    throw invalidArgument(`cookie ${name} needs secure (the __Secure- rules)`)
  }
}
