/** `code` of a {@link ReauthorizeError}. */
export const WXAUTH_REAUTHORIZE = 'WXAUTH_REAUTHORIZE'
/** `code` of a {@link NoTokensError}. */
export const WXAUTH_NO_TOKENS = 'WXAUTH_NO_TOKENS'

/**
 * The user's WeChat authorization is gone (refresh token expired or revoked, password changed:
 * 40030, 42002, 42007): the user must log in again. The stored tokens have been deleted.
 */
export class ReauthorizeError extends Error {
  readonly code = WXAUTH_REAUTHORIZE
  /** @internal */
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = new.target.name
  }
}

/** No tokens are stored for this user (never logged in here, or they expired). */
export class NoTokensError extends Error {
  readonly code = WXAUTH_NO_TOKENS
  /** @internal */
  constructor(message: string) {
    super(message)
    this.name = new.target.name
  }
}
