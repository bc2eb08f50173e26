import type { Endpoint } from './endpoints.js'
import type { ErrorCategory } from './errcodes.js'

/** `code` of a {@link WeChatApiError}. */
export const WECHAT_API_ERROR = 'WECHAT_API_ERROR'
/** `code` of a {@link WeChatTransportError}: the request could not be completed. */
export const WECHAT_TRANSPORT_ERROR = 'WECHAT_TRANSPORT_ERROR'
/** `code` of a {@link WeChatTransportError} for a request the caller aborted. */
export const WECHAT_ABORTED = 'WECHAT_ABORTED'
/** `code` of a {@link WeChatTimeoutError}. */
export const WECHAT_TIMEOUT = 'WECHAT_TIMEOUT'
/** `code` of a {@link WeChatResponseError}: the body is not JSON. */
export const WECHAT_PARSE_ERROR = 'WECHAT_PARSE_ERROR'
/** `code` of a {@link WeChatResponseError}: the response is not what the endpoint answers. */
export const WECHAT_INVALID_RESPONSE = 'WECHAT_INVALID_RESPONSE'

/** Every `code` a {@link WeChatError} can carry. */
export type WeChatErrorCode =
  | typeof WECHAT_API_ERROR
  | typeof WECHAT_TRANSPORT_ERROR
  | typeof WECHAT_ABORTED
  | typeof WECHAT_TIMEOUT
  | typeof WECHAT_PARSE_ERROR
  | typeof WECHAT_INVALID_RESPONSE

interface WeChatErrorInit {
  code: WeChatErrorCode
  endpoint: Endpoint
  category: ErrorCategory
  retryable: boolean
  cause?: Error
}

/**
 * Base class of every error the client throws after a call to WeChat. Messages, `cause` and
 * `toJSON()` never contain the app secret, a code, a token or a request URL.
 */
export class WeChatError extends Error {
  /** Stable machine-readable code. */
  readonly code: WeChatErrorCode
  /** The endpoint that was called, e.g. `sns/oauth2/access_token`. */
  readonly endpoint: Endpoint
  /** What the application should do about it. */
  readonly category: ErrorCategory
  /** Whether repeating the same call is safe and may succeed. */
  readonly retryable: boolean

  /** @internal */
  constructor(message: string, init: WeChatErrorInit) {
    super(message, init.cause ? { cause: init.cause } : undefined)
    this.name = new.target.name
    this.code = init.code
    this.endpoint = init.endpoint
    this.category = init.category
    this.retryable = init.retryable
    Error.captureStackTrace?.(this, new.target)
  }

  /** A plain, secret-free description for structured logs. */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      endpoint: this.endpoint,
      category: this.category,
      retryable: this.retryable,
    }
  }
}

/** WeChat answered with a non-zero `errcode` (usually with HTTP 200). */
export class WeChatApiError extends WeChatError {
  /** WeChat's error code, e.g. `40029`. */
  readonly errcode: number
  /** WeChat's message without its `rid` suffix, e.g. `invalid code`. */
  readonly errmsg: string
  /** WeChat's request id (from `rid: …` or the older `hints: [ req_id: … ]`), for support tickets. */
  readonly rid: string | undefined
  /** The HTTP status (WeChat sends errors with 200). */
  readonly status: number

  /** @internal */
  constructor(
    init: Omit<WeChatErrorInit, 'code'> & {
      errcode: number
      errmsg: string
      rid: string | undefined
      status: number
    },
  ) {
    const rid = init.rid ? ` (rid ${init.rid})` : ''
    super(`WeChat ${init.endpoint} failed: ${init.errcode} ${init.errmsg}${rid}`, {
      ...init,
      code: WECHAT_API_ERROR,
    })
    this.errcode = init.errcode
    this.errmsg = init.errmsg
    this.rid = init.rid
    this.status = init.status
  }

  override toJSON(): Record<string, unknown> {
    return {
      ...super.toJSON(),
      errcode: this.errcode,
      errmsg: this.errmsg,
      rid: this.rid,
      status: this.status,
    }
  }
}

/** The request failed before a complete response arrived: connection refused or reset, DNS, abort. */
export class WeChatTransportError extends WeChatError {
  /** Whether the request may have reached WeChat (then a code may already be spent). */
  readonly sent: boolean

  /** @internal */
  constructor(
    message: string,
    init: Omit<WeChatErrorInit, 'code'> & { sent: boolean; aborted?: boolean },
  ) {
    super(message, { ...init, code: init.aborted ? WECHAT_ABORTED : WECHAT_TRANSPORT_ERROR })
    this.sent = init.sent
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), sent: this.sent }
  }
}

/** No complete response within the client's `timeout`. */
export class WeChatTimeoutError extends WeChatError {
  /** The timeout that expired, in milliseconds. */
  readonly timeout: number

  /** @internal */
  constructor(init: Omit<WeChatErrorInit, 'code'> & { timeout: number }) {
    super(`WeChat ${init.endpoint} timed out after ${init.timeout} ms`, {
      ...init,
      code: WECHAT_TIMEOUT,
    })
    this.timeout = init.timeout
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), timeout: this.timeout }
  }
}

/** The response is not what the endpoint answers: an HTTP error page, malformed JSON, a missing field. */
export class WeChatResponseError extends WeChatError {
  /** The HTTP status of the response. */
  readonly status: number
  /** How long the server asked to wait (`Retry-After`), in ms, if it did. */
  readonly retryAfter: number | undefined

  /** @internal */
  constructor(
    message: string,
    init: Omit<WeChatErrorInit, 'code'> & {
      status: number
      parse?: boolean
      retryAfter?: number | undefined
    },
  ) {
    super(message, { ...init, code: init.parse ? WECHAT_PARSE_ERROR : WECHAT_INVALID_RESPONSE })
    this.status = init.status
    this.retryAfter = init.retryAfter
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), status: this.status, retryAfter: this.retryAfter }
  }
}

/**
 * A `TypeError` for a bad argument, with a Node-style `code`. Never quotes a secret value.
 * @internal
 */
export function invalidArgument(message: string): TypeError {
  const error = new TypeError(message)
  Object.defineProperty(error, 'code', { value: 'ERR_INVALID_ARG_VALUE', enumerable: true })
  return error
}
