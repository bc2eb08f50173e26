/**
 * What every adapter shares: which paths belong to wxauth, and a Request the core may finish even
 * after the browser has gone. Internal: no subpath exports it.
 *
 * @module
 */
import type { WxAuth } from '../flow/types.js'

// Methods a Web Request cannot carry; no wxauth route uses them.
const forbiddenMethods = new Set(['CONNECT', 'TRACE', 'TRACK'])

/** Whether a request (its method and URL pathname) may be wxauth's: `basePath` or below it. */
export function isWxAuthPath(pathname: string, basePath: string, method = 'GET'): boolean {
  if (forbiddenMethods.has(method.toUpperCase())) return false
  const base = basePath.endsWith('/') ? basePath.slice(0, -1) : basePath
  return pathname === base || pathname.startsWith(`${base}/`)
}

/**
 * The same request with a signal that never aborts, when it has no body. WeChat's in-app browser
 * drops the first of two identical callbacks (a GET); the code exchange it started must finish to
 * serve the second, so a client disconnect must not reach the core. A request with a body is
 * passed as it is, so that its body stays readable by the app if wxauth passes it on.
 */
export function detachSignal(request: Request): Request {
  if (request.method !== 'GET' && request.method !== 'HEAD') return request
  return new Request(request, { signal: null })
}

/**
 * The public origin for Requests built from a framework's request: the adapter's `baseUrl`, else
 * the core's own when it exposes one, else `http://localhost`.
 */
export function originOf(baseUrl: string | URL | undefined, auth?: WxAuth): string {
  const configured = baseUrl ?? (auth as { readonly baseUrl?: unknown } | undefined)?.baseUrl
  if (configured === undefined) return 'http://localhost'
  if (typeof configured !== 'string' && !(configured instanceof URL)) {
    throw new TypeError('"baseUrl" must be a string or a URL')
  }
  const url = new URL(configured)
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TypeError('"baseUrl" must be an http: or https: URL')
  }
  return url.origin
}
