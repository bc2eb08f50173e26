export {
  type AuthorizeTarget,
  type AuthorizeUrlOptions,
  buildAuthorizeUrl,
  buildQrConnectUrl,
  DEFAULT_OPEN_BASE_URL,
  type QrConnectUrlOptions,
} from './authorize.js'
export {
  type ClientOptions,
  createClient,
  DEFAULT_API_BASE_URL,
  type WeChatClient,
} from './client.js'
export type { Endpoint } from './endpoints.js'
export { describeErrcode, type ErrcodeInfo, type ErrorCategory, knownErrcodes } from './errcodes.js'
export {
  WECHAT_ABORTED,
  WECHAT_API_ERROR,
  WECHAT_INVALID_RESPONSE,
  WECHAT_PARSE_ERROR,
  WECHAT_TIMEOUT,
  WECHAT_TRANSPORT_ERROR,
  WeChatApiError,
  WeChatError,
  type WeChatErrorCode,
  WeChatResponseError,
  WeChatTimeoutError,
  WeChatTransportError,
} from './errors.js'
export type { ClientLogEvent, RetryOptions } from './http.js'
export { REDACTED } from './redact.js'
export type { ComponentOptions, RequestOptions } from './token.js'
export type { FetchLike } from './transport.js'
export type * from './types.js'
export type { UserInfoOptions } from './userinfo.js'
