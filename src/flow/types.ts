import type { RetryOptions } from '../client/http.js'
import type { FetchLike } from '../client/transport.js'
import type { OfficialAccountScope } from '../client/types.js'
import type { Store } from '../stores/store.js'

/** An app's credentials. */
export interface AppCredentials {
  appId: string
  appSecret: string
}

/** Configuration of {@link createWxAuth}. */
export interface WxAuthConfig {
  /**
   * The WeChat apps to log in with. `official` (公众号/服务号) logs users in inside WeChat;
   * `website` (网站应用) by QR code on desktop browsers. Either may be absent, not both.
   */
  apps: { official?: AppCredentials; website?: AppCredentials }
  /**
   * The app's public origin, e.g. `https://example.com`. The callback URL WeChat redirects to is
   * derived from it and pinned: `baseUrl + basePath + '/callback'`.
   */
  baseUrl: string
  /** Where wxauth's routes live. Default `/auth/wechat`. */
  basePath?: string
  /**
   * Keys that seal cookies and stored tokens, at least 32 characters each. The first seals; all
   * unseal, so a new key goes first and an old one stays until its cookies have expired.
   */
  secrets: string | string[]
  /** Where transactions, sessions and tokens live. Default: a {@link memoryStore} (one process). */
  store?: Store
  /** Login attempts: anyone can start one, so their number is bounded. */
  logins?: {
    /**
     * Most login starts accepted within 10 minutes (the time a login may take), across every
     * instance sharing the store; beyond, a start gets a 503 "busy, try again in a minute" page
     * (JSON `{ "error": "busy" }`) and the logins under way and every session stay as they are.
     * Size it as the peak login starts per second times 600. Default `60_000` (100 a second).
     */
    maxPending?: number
  }
  /** Scope for the official account inside WeChat. Default `snsapi_userinfo` (profile). */
  scope?: OfficialAccountScope
  /** Session options. */
  session?: {
    /** Lifetime in seconds. Default 7 days. */
    maxAge?: number
    /** Also keep sessions in the store, so that they can be revoked. Default `false`. */
    revocable?: boolean
  }
  /** Cookie options. */
  cookies?: {
    /** Default: `true` unless `baseUrl` is plain-http localhost. */
    secure?: boolean
    /** Cookie name prefix. Default `wxauth`. */
    prefix?: string
  }
  /**
   * Default path to return to after login, checked and normalised like a requested `returnTo`
   * (a path on this site; non-ASCII characters percent-encoded). Default `/`.
   */
  defaultReturnTo?: string
  /** The WeChat API base URL; the emulator's in development. */
  apiBaseUrl?: string
  /** WeChat's authorize page base URL; the emulator's in development. */
  openBaseUrl?: string
  /** A `fetch` for WeChat calls, e.g. the emulator's in-process `fetch` in tests. */
  fetch?: FetchLike
  /** How the callback calls WeChat's API. */
  wechat?: {
    /** Per-attempt timeout, in ms. Default `5000`. */
    timeout?: number
    /** Retries of the calls that are safe to repeat, or `false` for none. Default: 2, jittered. */
    retry?: RetryOptions | false
    /**
     * Time one callback may spend on WeChat in all, attempts and backoff included, in ms; past it
     * the user sees a clear page instead of waiting. Default `10000`.
     */
    budget?: number
  }
  /**
   * Maps a WeChat identity to the application's own user, after WeChat proved it and before the
   * session is created. Its return value (JSON-serialisable) is kept in the session as `user`. If
   * it throws, no session is created and the user sees an error page: "login not accepted" (403),
   * or "try again in a few minutes" (503) when the error is a `StoreError` or has
   * `retryable: true` (e.g. the application's database is down).
   */
  onLogin?: (identity: Identity, tokens: TokenSet) => unknown | Promise<unknown>
  /**
   * Receives secret-free events (login outcomes, restarts, refreshes) for logs and metrics. It may
   * be async; what it throws or rejects with is ignored, never the user's problem.
   */
  log?: (event: FlowEvent) => void
  /** The clock, in ms since the epoch. Default `Date.now`; tests move it with the emulator's. */
  now?: () => number
}

/** What a login proves about a WeChat user. */
export interface Identity {
  /**
   * The stable user key: the `unionid` when one is known for this openid, else `appId:openid`.
   * Known means WeChat gave it in this login, or in an earlier one of the same openid (an
   * official account's `snsapi_base` login never carries it; one with `snsapi_userinfo` does).
   */
  subject: string
  appId: string
  openid: string
  /** The user's unionid, from this login or an earlier one of the same openid. */
  unionid?: string
  /** The scope WeChat granted. */
  scope: string
  /** The user's profile, when the scope allowed fetching it. */
  profile?: Profile
}

/** A WeChat profile (`sns/userinfo`), camelCased. */
export interface Profile {
  nickname: string
  /** Avatar URL; may be empty. */
  avatarUrl: string
  /** 1 male, 2 female, 0 unknown (WeChat sends 0 since 2021). */
  sex: number
  country: string
  province: string
  city: string
}

/** The user's WeChat tokens, as given to `onLogin` (never put in a session or a response). */
export interface TokenSet {
  accessToken: string
  refreshToken: string
  /** When the access token expires, ms since the epoch. */
  expiresAt: number
  scope: string
}

/** The current session, as `getSession` returns it and `/session` serves it. */
export interface Session {
  identity: Identity
  /** What `onLogin` returned. */
  user?: unknown
  /** When the session was created and when it expires, ms since the epoch. */
  createdAt: number
  expiresAt: number
}

/** A secret-free event from the flow. */
export interface FlowEvent {
  type:
    | 'login-start'
    | 'login-success'
    | 'login-failure'
    | 'login-restart'
    | 'logout'
    | 'refresh'
    | 'refresh-failure'
  /** A stable outcome code, e.g. `state_mismatch`, `code_reused`, `snapshot_user`. */
  code?: string
  appId?: string
}

/** What {@link createWxAuth} returns: a Web-standard handler plus helpers for the application. */
export interface WxAuth {
  /** The app's public origin, e.g. `https://example.com`. */
  readonly baseUrl: string
  /** Where the routes live, e.g. `/auth/wechat`. */
  readonly basePath: string
  /**
   * Serves `login`, `callback`, `logout` and `session` under `basePath`; resolves `undefined` for
   * any other path, so that middleware can pass the request on.
   */
  handle(request: Request): Promise<Response | undefined>
  /** The session of the request's browser, or `null`. */
  getSession(request: Request): Promise<Session | null>
  /**
   * A valid access token for a user (refreshed when it is about to expire; one refresh at a time
   * across instances). Takes a subject, or an app id and openid.
   * @throws {ReauthorizeError} when WeChat no longer accepts the refresh token.
   */
  getAccessToken(user: string | { appId: string; openid: string }): Promise<string>
}
