import { type Endpoint, isIdempotent } from './endpoints.js'
import { categorize, type ErrorCategory } from './errcodes.js'
import {
  WeChatApiError,
  type WeChatError,
  WeChatResponseError,
  WeChatTimeoutError,
  WeChatTransportError,
} from './errors.js'
import { sanitizeError } from './redact.js'
import {
  BodyTooLargeError,
  type HttpResponse,
  type Transport,
  TransportTimeoutError,
} from './transport.js'
import { VERSION } from './version.js'

/** Retry policy for calls that are safe to repeat. */
export interface RetryOptions {
  /** Extra attempts after the first. Default `2`. */
  retries?: number
  /** Base of the exponential backoff, in ms. Default `200`. */
  baseDelay?: number
  /** Cap on one backoff delay (and on an honoured `Retry-After`), in ms. Default `2000`. */
  maxDelay?: number
}

/** A secret-free record of what the client did, for logs and metrics. */
export interface ClientLogEvent {
  type: 'response' | 'retry' | 'error'
  endpoint: Endpoint
  /** 1 for the first attempt. */
  attempt: number
  /** Duration of the attempt, in ms. */
  duration: number
  status?: number
  errcode?: number
  /** The error's `code`, for `retry` and `error`. */
  error?: string
  /** For `retry`: the delay before the next attempt, in ms. */
  delay?: number
}

/** Everything a call needs from the client. @internal */
export interface CallContext {
  transport: Transport
  apiBaseUrl: string
  timeout: number
  retry: Required<RetryOptions>
  maxBodySize: number
  log: ((event: ClientLogEvent) => void) | undefined
  /** Secret values of the client (the app secret), redacted from anything that escapes. */
  secrets: readonly string[]
}

/** @internal */
export interface CallOptions {
  /** Secret values carried by this call (code, tokens), redacted from anything that escapes. */
  secrets: readonly string[]
  signal?: AbortSignal | undefined
  /** When to give up, in ms since the epoch: no attempt or backoff goes past it. */
  deadline?: number | undefined
}

/** A parsed JSON object from WeChat with a zero or absent errcode. @internal */
export interface WeChatBody {
  body: Record<string, unknown>
  status: number
}

const HEADERS = Object.freeze({ accept: 'application/json', 'user-agent': `wxauth/${VERSION}` })

const NOT_SENT = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
])

/**
 * Calls one WeChat endpoint: builds the URL, applies the timeout, retries only what is safe to
 * retry, and returns the parsed body once its errcode says success.
 * @internal
 */
export async function callWeChat(
  ctx: CallContext,
  endpoint: Endpoint,
  params: Record<string, string>,
  options: CallOptions,
): Promise<WeChatBody> {
  // apiBaseUrl was checked and stripped of trailing slashes by createClient.
  let url = `${ctx.apiBaseUrl}/${endpoint}`
  let separator = '?'
  for (const name in params) {
    url += `${separator}${name}=${encodeURIComponent(params[name] as string)}`
    separator = '&'
  }
  const secrets = [...ctx.secrets, ...options.secrets]
  const { deadline } = options
  const left = () => (deadline === undefined ? Number.POSITIVE_INFINITY : deadline - Date.now())

  for (let attempt = 1; ; attempt++) {
    const started = performance.now()
    // The last attempt before the deadline gets only what is left of it.
    const timeout = Math.max(1, Math.min(ctx.timeout, left()))
    try {
      const result = await attemptOnce(ctx, endpoint, url, secrets, options.signal, timeout)
      ctx.log?.({
        type: 'response',
        endpoint,
        attempt,
        duration: performance.now() - started,
        status: result.status,
      })
      return result
    } catch (caught) {
      const error = caught as WeChatError
      const base = { endpoint, attempt, duration: performance.now() - started, error: error.code }
      const details = error instanceof WeChatApiError ? { errcode: error.errcode } : {}
      const retryAfter = error instanceof WeChatResponseError ? error.retryAfter : undefined
      // Retrying sooner than WeChat (or its proxy) asked only adds load: give up instead.
      const tooLong = retryAfter !== undefined && retryAfter > ctx.retry.maxDelay
      // REL-04: WeChat's "busy" on a code exchange is tried again once at most (the code may be
      // spent after all); a request that never left is safe to send again like any other.
      const once = !isIdempotent(endpoint) && error instanceof WeChatApiError
      const retries = once ? Math.min(1, ctx.retry.retries) : ctx.retry.retries
      const delay = backoff(ctx.retry, attempt, retryAfter)
      if (
        !error.retryable ||
        tooLong ||
        attempt > retries ||
        options.signal?.aborted ||
        delay >= left()
      ) {
        ctx.log?.({ type: 'error', ...base, ...details })
        throw error
      }
      ctx.log?.({ type: 'retry', ...base, ...details, delay })
      try {
        await sleep(delay, options.signal)
      } catch {
        throw new WeChatTransportError(`WeChat ${endpoint} request aborted`, {
          endpoint,
          category: error.category,
          retryable: false,
          sent: !(error instanceof WeChatTransportError) || error.sent,
          aborted: true,
          cause: error,
        })
      }
    }
  }
}

async function attemptOnce(
  ctx: CallContext,
  endpoint: Endpoint,
  url: string,
  secrets: readonly string[],
  callerSignal: AbortSignal | undefined,
  timeout: number,
): Promise<WeChatBody> {
  const idempotent = isIdempotent(endpoint)
  let response: HttpResponse
  try {
    response = await ctx.transport(url, {
      headers: HEADERS,
      signal: callerSignal,
      timeout,
      maxBodySize: ctx.maxBodySize,
    })
  } catch (error) {
    const cause = sanitizeError(error, secrets)
    if (error instanceof BodyTooLargeError) {
      throw new WeChatResponseError(
        `WeChat ${endpoint} answered a body over ${error.limit} bytes`,
        {
          endpoint,
          category: afterDelivery(endpoint),
          retryable: false,
          status: 200,
          cause,
        },
      )
    }
    if (callerSignal?.aborted) {
      throw new WeChatTransportError(`WeChat ${endpoint} request aborted`, {
        endpoint,
        category: afterDelivery(endpoint),
        retryable: false,
        sent: true,
        aborted: true,
        cause,
      })
    }
    if (error instanceof TransportTimeoutError) {
      throw new WeChatTimeoutError({
        endpoint,
        category: afterDelivery(endpoint),
        retryable: idempotent,
        timeout,
        cause,
      })
    }
    const code = errorCode(error)
    const sent = !(code && NOT_SENT.has(code))
    throw new WeChatTransportError(
      `WeChat ${endpoint} request failed${code ? ` (${code})` : ''}: ${cause.message}`,
      {
        endpoint,
        category: sent ? afterDelivery(endpoint) : 'retry',
        retryable: !sent || idempotent,
        sent,
        cause,
      },
    )
  }
  return parseResponse(endpoint, response, secrets)
}

/**
 * Reads a WeChat response the way WeChat answers: JSON whatever the Content-Type, errcode first
 * (errors come with HTTP 200), then the HTTP status.
 * @internal
 */
export function parseResponse(
  endpoint: Endpoint,
  response: HttpResponse,
  secrets: readonly string[] = [],
): WeChatBody {
  const { status } = response
  let json: unknown
  try {
    json = JSON.parse(response.body)
  } catch {
    json = undefined
  }
  if (isObject(json) && json.errcode !== undefined) {
    const errcode = toErrcode(json.errcode)
    if (errcode === undefined) {
      throw invalid(endpoint, status, '"errcode" must be an integer')
    }
    if (errcode !== 0) {
      const { errmsg, rid } = splitErrmsg(
        typeof json.errmsg === 'string' ? json.errmsg : '',
        secrets,
      )
      const category = categorize(errcode, endpoint)
      throw new WeChatApiError({
        endpoint,
        category,
        // "System busy" means WeChat did not process the call, so even a code exchange may try
        // again (once: callWeChat caps it; a spent code then answers 40163, a restart).
        retryable: errcode === -1,
        errcode,
        errmsg,
        rid,
        status,
      })
    }
  }
  if (status < 200 || status > 299) {
    const idempotent = isIdempotent(endpoint)
    const transient = status >= 500 || status === 429
    throw new WeChatResponseError(`WeChat ${endpoint} answered HTTP ${status}`, {
      endpoint,
      category: transient ? afterDelivery(endpoint) : 'config',
      retryable: transient && idempotent,
      status,
      retryAfter: parseRetryAfter(response.header('retry-after')),
    })
  }
  if (json === undefined) {
    throw new WeChatResponseError(`WeChat ${endpoint} answered a body that is not JSON`, {
      endpoint,
      category: afterDelivery(endpoint),
      // A cut or mangled answer: a call that can be repeated is worth another try.
      retryable: isIdempotent(endpoint),
      status,
      parse: true,
    })
  }
  if (!isObject(json)) throw invalid(endpoint, status, 'the body must be a JSON object')
  return { body: json, status }
}

/** @internal */
export function invalid(endpoint: Endpoint, status: number, problem: string): WeChatResponseError {
  return new WeChatResponseError(`WeChat ${endpoint} answered an invalid body: ${problem}`, {
    endpoint,
    category: afterDelivery(endpoint),
    retryable: false,
    status,
  })
}

/**
 * The category of a failure after the request reached WeChat: for a code exchange the code is
 * probably spent, so the login must restart; anything else may simply be tried again.
 */
function afterDelivery(endpoint: Endpoint): ErrorCategory {
  return isIdempotent(endpoint) ? 'retry' : 'restart-login'
}

const RID = /^(.*?)[,，]?\s*rid:\s*([0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8})\s*$/is
const HINTS = /^(.*?)[,，]?\s*hints?:\s*\[\s*(?:req_id:\s*)?([^\]\s]+)\s*\]\s*$/is

/**
 * Splits WeChat's errmsg into its text and request id: `invalid code, rid: 65c17d8c-…` (current),
 * `invalid appid rid: …` (no comma) and `code been used, hints: [ req_id: G_gMVa0151hc56 ]` (older).
 * @internal
 */
export function splitErrmsg(
  raw: string,
  secrets: readonly string[] = [],
): { errmsg: string; rid: string | undefined } {
  const clean = secrets.reduce(
    (text, s) => (s.length >= 4 ? text.split(s).join('[REDACTED]') : text),
    raw,
  )
  const match = RID.exec(clean) ?? HINTS.exec(clean)
  if (!match) return { errmsg: clean.trim(), rid: undefined }
  return { errmsg: (match[1] ?? '').trim(), rid: match[2] }
}

function toErrcode(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isInteger(value)) return value
  if (typeof value === 'string' && /^-?\d+$/.test(value.trim())) return Number(value)
  return undefined
}

/** @internal */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function errorCode(error: unknown): string | undefined {
  for (let current = error, depth = 0; current && depth < 4; depth++) {
    const code = (current as { code?: unknown }).code
    if (typeof code === 'string') return code
    current = (current as { cause?: unknown }).cause
  }
  return undefined
}

function parseRetryAfter(value: string | undefined): number | undefined {
  if (!value) return undefined
  const seconds = Number(value)
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000
  const date = Date.parse(value)
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now())
}

/** Full-jitter exponential backoff, or `Retry-After` when WeChat (or a proxy) sent one. @internal */
export function backoff(
  policy: Required<RetryOptions>,
  attempt: number,
  retryAfter: number | undefined,
): number {
  if (retryAfter !== undefined) return Math.min(retryAfter, policy.maxDelay)
  const ceiling = Math.min(policy.maxDelay, policy.baseDelay * 2 ** (attempt - 1))
  return Math.floor(Math.random() * ceiling)
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason)
    const timer = setTimeout(done, ms)
    function done() {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }
    function onAbort() {
      clearTimeout(timer)
      reject(signal?.reason)
    }
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}
