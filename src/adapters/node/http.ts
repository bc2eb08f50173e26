/**
 * Translation between node:http and Web `Request`/`Response`, shared by the Node-based adapters.
 * Internal: `wxauth/node` exports what applications need.
 *
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { ReadableStream as NodeReadableStream } from 'node:stream/web'
import type { FlowRequest, HeaderReader } from '../../flow/http.js'
import { internalsOf } from '../../flow/internals.js'
import type { Session, WxAuth } from '../../flow/types.js'
import { isWxAuthPath, originOf } from '../shared.js'

/** How to build a Web `Request` from a node:http request. */
export interface ToWebRequestOptions {
  /**
   * The app's public origin, e.g. `https://example.com` (only the origin is used). Default: the
   * core's `baseUrl`, else `http://localhost`. The `Host` header is not used for this.
   */
  baseUrl?: string | URL
  /**
   * Take the origin from `X-Forwarded-Proto` and `X-Forwarded-Host` (else `Host`) instead. Only
   * behind a proxy that sets these headers itself. Default `false`.
   */
  trustHost?: boolean
}

/** What a framework knows about the request beyond node:http. */
export interface RequestSource {
  /** The request target before any mounting rewrote `req.url` (Express, Koa: `originalUrl`). */
  url?: string
  /** A body a body parser already read from the stream. */
  parsedBody?: unknown
}

const noBody = new Set(['GET', 'HEAD'])

/** The request target as the client sent it, as a path. */
export function targetOf(req: IncomingMessage, source: RequestSource = {}): string {
  const target =
    source.url ?? (req as IncomingMessage & { originalUrl?: string }).originalUrl ?? req.url ?? '/'
  if (target.startsWith('/')) return target
  // Absolute-form (`GET http://host/path`): keep the path only; the origin is ours to choose.
  try {
    const url = new URL(target)
    return `${url.pathname}${url.search}`
  } catch {
    return `/${target}`
  }
}

function firstValue(value: string | string[] | undefined): string | undefined {
  const first = Array.isArray(value) ? value[0] : value
  return first?.split(',')[0]?.trim() || undefined
}

function forwardedOrigin(req: IncomingMessage): string | undefined {
  const encrypted = (req.socket as { encrypted?: boolean } | null)?.encrypted === true
  const proto = firstValue(req.headers['x-forwarded-proto']) ?? (encrypted ? 'https' : 'http')
  const host = firstValue(req.headers['x-forwarded-host']) ?? firstValue(req.headers.host)
  if (host === undefined || (proto !== 'http' && proto !== 'https')) return undefined
  try {
    const url = new URL(`${proto}://${host}`)
    const onlyHost = url.username === '' && url.password === '' && url.pathname === '/'
    return onlyHost && url.search === '' && url.hash === '' ? url.origin : undefined
  } catch {
    return undefined
  }
}

/** The request's URL: the public origin, then the path and query exactly as sent. */
export function urlOf(
  req: IncomingMessage,
  options: ToWebRequestOptions = {},
  source: RequestSource = {},
  auth?: WxAuth,
): URL {
  const origin =
    (options.trustHost === true ? forwardedOrigin(req) : undefined) ??
    originOf(options.baseUrl, auth)
  // Concatenated, not resolved: a target like `//evil.example/x` stays a path on our origin.
  return new URL(`${origin}${targetOf(req, source)}`)
}

function headersOf(req: IncomingMessage, drop?: ReadonlySet<string>): Headers {
  const headers = new Headers()
  const raw = req.rawHeaders
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i] as string
    // HTTP/2 pseudo-headers (`:path`, …) are not headers.
    if (name.startsWith(':') || drop?.has(name.toLowerCase())) continue
    headers.append(name, raw[i + 1] as string)
  }
  return headers
}

/**
 * The body stream, read from `req` only when the core reads it: a body nobody reads stays in
 * `req`, where node:http discards it once the response is sent.
 */
function bodyOf(req: IncomingMessage): ReadableStream<Uint8Array> {
  let started = false
  let done = false
  // biome-ignore lint/suspicious/noExplicitAny: listeners of different events
  const listeners: Array<[string, (...args: any[]) => void]> = []
  const detach = () => {
    for (const [event, listener] of listeners) req.off(event, listener)
  }
  return new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (!started) {
          started = true
          const onData = (chunk: Buffer) => {
            controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength))
            if ((controller.desiredSize ?? 0) <= 0) req.pause()
          }
          const onEnd = () => {
            done = true
            detach()
            controller.close()
          }
          const onError = (error: Error) => {
            done = true
            detach()
            controller.error(error)
          }
          listeners.push(['data', onData], ['end', onEnd], ['error', onError])
          req.on('data', onData).once('end', onEnd).once('error', onError)
        }
        if (!done) req.resume()
      },
      cancel() {
        detach()
        // Drain what is left, so that a keep-alive connection can carry on.
        req.resume()
      },
    },
    { highWaterMark: 0 },
  )
}

const parsedBodyDrops = new Set(['content-length', 'content-encoding', 'transfer-encoding'])

/** A body that a body parser already took from the stream, encoded again as its content type. */
function encodeParsed(body: unknown, contentType: string | undefined): BodyInit | null {
  if (body === undefined || body === null) return null
  if (typeof body === 'string') return body
  if (body instanceof Uint8Array) return new Uint8Array(body)
  const type = contentType?.toLowerCase() ?? ''
  if (type.includes('application/x-www-form-urlencoded') && typeof body === 'object') {
    const form = new URLSearchParams()
    for (const [name, value] of Object.entries(body)) {
      for (const item of Array.isArray(value) ? value : [value]) form.append(name, String(item))
    }
    return form.toString()
  }
  if (type.includes('json')) return JSON.stringify(body)
  return null
}

/**
 * The Web `Request` for a node:http request (of any framework built on it). Used by the adapters;
 * exported for custom servers.
 */
export function createRequest(
  req: IncomingMessage,
  options: ToWebRequestOptions = {},
  source: RequestSource = {},
  auth?: WxAuth,
): Request {
  const url = urlOf(req, options, source, auth)
  const method = req.method ?? 'GET'
  if (noBody.has(method)) return new Request(url, { method, headers: headersOf(req) })
  // A body parser that ran first has consumed the stream; what it parsed is all there is.
  const parsed =
    source.parsedBody ?? (req as IncomingMessage & { body?: unknown }).body ?? undefined
  if (req.readableEnded) {
    return new Request(url, {
      method,
      headers: headersOf(req, parsedBodyDrops),
      body: encodeParsed(parsed, req.headers['content-type']),
    })
  }
  return new Request(url, {
    method,
    headers: headersOf(req),
    body: bodyOf(req),
    duplex: 'half',
  } as RequestInit)
}

/** A body-less GET with the request's headers (cookies), for `getSession`. */
export function sessionRequest(
  req: IncomingMessage,
  options: ToWebRequestOptions = {},
  source: RequestSource = {},
  auth?: WxAuth,
): Request {
  return new Request(urlOf(req, options, source, auth), { headers: headersOf(req) })
}

/** Status, headers (each `Set-Cookie` on its own) and streamed body of `response`, onto `res`. */
export async function writeResponse(res: ServerResponse, response: Response): Promise<void> {
  if (res.headersSent) throw new Error('Cannot send the response: headers were already sent')
  res.statusCode = response.status
  if (response.statusText !== '') res.statusMessage = response.statusText
  for (const [name, value] of response.headers) {
    if (name !== 'set-cookie') res.setHeader(name, value)
  }
  const cookies = response.headers.getSetCookie()
  // Appended, so that cookies other middleware set on `res` stay.
  if (cookies.length > 0) res.appendHeader('set-cookie', cookies)
  const body = response.body
  if (res.destroyed) {
    // The browser has gone (WeChat drops the first of two callbacks): no one left to answer.
    await body?.cancel().catch(() => {})
    return
  }
  if (body === null) {
    res.end()
    return
  }
  try {
    await pipeline(Readable.fromWeb(body as NodeReadableStream<Uint8Array>), res)
  } catch (error) {
    // The browser went away mid-body: nothing to report, and nothing left to do.
    if (res.destroyed && gone.has((error as { code?: unknown }).code)) return
    throw error
  }
}

const gone = new Set<unknown>([
  'ERR_STREAM_PREMATURE_CLOSE',
  'ERR_STREAM_DESTROYED',
  'ECONNRESET',
  'EPIPE',
])

/** A response as the Node adapters write it: status, header pairs (`Set-Cookie` may repeat), body. */
export interface NodeAnswer {
  status: number
  headers: [name: string, value: string][]
  body: string | Uint8Array | null
}

/** `req`'s headers by lower-case name, as node:http joined them (`Cookie` with `; `). */
function headerReader(req: IncomingMessage): HeaderReader {
  return {
    get(name) {
      const value = req.headers[name]
      if (value === undefined) return null
      return Array.isArray(value) ? value.join(', ') : value
    },
  }
}

/**
 * wxauth's answer to a node:http request, or `undefined` when the path or route is not wxauth's.
 * A core from `createWxAuth` is driven without Web `Request`/`Response` objects; any other object
 * with the {@link WxAuth} shape through its `handle`, its answer read whole.
 */
export async function answerFor(
  auth: WxAuth,
  req: IncomingMessage,
  options: ToWebRequestOptions = {},
  source: RequestSource = {},
): Promise<NodeAnswer | undefined> {
  const url = urlOf(req, options, source, auth)
  const method = req.method ?? 'GET'
  if (!isWxAuthPath(url.pathname, auth.basePath, method)) return undefined
  const internals = internalsOf(auth)
  if (internals) {
    const request: FlowRequest = { method, url, headers: headerReader(req) }
    return internals.handle(request)
  }
  const response = await auth.handle(createRequest(req, options, source, auth))
  if (response === undefined) return undefined
  const body = response.body === null ? null : new Uint8Array(await response.arrayBuffer())
  return { status: response.status, headers: [...response.headers], body }
}

/** The session of the browser that sent `req`, or `null`. */
export function sessionFor(
  auth: WxAuth,
  req: IncomingMessage,
  options: ToWebRequestOptions = {},
  source: RequestSource = {},
): Promise<Session | null> {
  const internals = internalsOf(auth)
  if (internals) return internals.getSession({ headers: headerReader(req) })
  return auth.getSession(sessionRequest(req, options, source, auth))
}

/**
 * The answer's headers grouped by name, in order: `Set-Cookie` values each on its own, any other
 * repeated name joined with `, ` (as `Headers` does).
 */
export function groupHeaders(headers: NodeAnswer['headers']): Map<string, string | string[]> {
  const grouped = new Map<string, string | string[]>()
  const names = new Map<string, string>()
  for (const [name, value] of headers) {
    const lower = name.toLowerCase()
    const first = names.get(lower)
    if (first === undefined) {
      names.set(lower, name)
      grouped.set(name, lower === 'set-cookie' ? [value] : value)
      continue
    }
    const current = grouped.get(first)
    if (Array.isArray(current)) current.push(value)
    else grouped.set(first, `${current}, ${value}`)
  }
  return grouped
}

/**
 * Writes an answer onto `res` in one piece (status, headers, body and its length in one write).
 * Cookies other middleware set on `res` stay: wxauth's are appended.
 */
export function writeAnswer(res: ServerResponse, answer: NodeAnswer): void {
  if (res.headersSent) throw new Error('Cannot send the response: headers were already sent')
  res.statusCode = answer.status
  for (const [name, value] of groupHeaders(answer.headers)) {
    if (Array.isArray(value)) res.appendHeader(name, value)
    else res.setHeader(name, value)
  }
  // The browser has gone (WeChat drops the first of two callbacks): no one left to answer.
  if (res.destroyed) return
  res.end(answer.body ?? undefined)
}
