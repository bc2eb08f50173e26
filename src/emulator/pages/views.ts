/**
 * View models for the emulator's HTML pages. The behaviour layer (`src/emulator/*`) decides what
 * happens and fills one of these; the page layer (`src/emulator/pages/*`) only renders it.
 * Every render function is pure: `(view) => string` (a complete HTML document).
 *
 * URLs in a view are ready to use as-is (already built and encoded by the behaviour layer).
 * @internal
 */

/** Page language: Chinese (default, as WeChat) or English. */
export type PageLang = 'zh' | 'en'

/** A WeChat user as shown on a page. Never carries tokens or secrets. */
export interface UserView {
  id: string
  nickname: string
  /** Absolute URL of the avatar image. */
  avatarUrl: string
  /** A snapshot (快照页) virtual user. */
  snapshot: boolean
}

/** An app as shown on a page. */
export interface AppView {
  appId: string
  name: string
  kind: 'official' | 'website' | 'miniprogram' | 'component'
}

/** Fields every page view carries. */
export interface BaseView {
  lang: PageLang
}

/** "请在微信客户端打开链接": the authorize link was opened outside WeChat. */
export interface OpenInWeChatView extends BaseView {
  /** GET link that lets a developer continue in this browser anyway (local development only). */
  continueUrl: string
  /** True when the user agent is WeCom (wxwork), where WeChat web authorization is unsupported. */
  wecom: boolean
}

/** The consent page for `snsapi_userinfo` (and the user picker for who "is" the WeChat user). */
export interface ConsentView extends BaseView {
  app: AppView
  scope: string
  users: UserView[]
  selectedUserId: string
  /** Form target; POST with fields `request` (below), `user` (a user id) and `decision` (`allow` | `deny`). */
  action: string
  /** Opaque id of the pending authorization request, posted back as the `request` field. */
  requestId: string
}

/**
 * The snapshot page (快照页): the page is shown in "browse only" mode with the banner
 * "该网页需获取个人信息才可使用完整服务，当前仅可浏览部分内容" and a "使用完整服务" button.
 */
export interface SnapshotView extends BaseView {
  app: AppView
  /** GET link that continues to the page as the snapshot (virtual) user. */
  browseUrl: string
  /** GET link for "使用完整服务": the real consent page. */
  fullServiceUrl: string
}

/** Desktop QR login (`connect/qrconnect`). */
export interface QrConnectView extends BaseView {
  app: AppView
  /** A complete `<svg>` element of the QR code (encodes `confirmUrl`). */
  qrSvg: string
  /** Absolute URL the QR code points at: the emulator's confirm page for a phone. */
  confirmUrl: string
  /** GET, JSON `{ status: 'waiting' | 'scanned' | 'confirmed' | 'denied' | 'expired', redirect?: string }`; the page polls it every second and navigates to `redirect` when present. */
  statusUrl: string
  /** Form target for the one-click "simulate scan" button (POST, no fields needed). */
  simulateScanUrl: string
}

/** The phone-side confirm page a QR code points at. */
export interface QrConfirmView extends BaseView {
  app: AppView
  users: UserView[]
  selectedUserId: string
  /** Form target; POST with fields `user` and `decision` (`allow` | `deny`). */
  action: string
  /** 'pending' shows the form; other states show a short result message. */
  state: 'pending' | 'confirmed' | 'denied' | 'expired'
}

/** An authorize-page error, as WeChat shows it (not JSON); every text in the page language. */
export interface ErrorView extends BaseView {
  /** WeChat's page error code (10003, 10005, …), if any. */
  errcode?: number
  /** What the page says: in Chinese as WeChat words it ("redirect_uri域名与后台配置不一致"). */
  message: string
  /** Optional explanation of this case (plain text). */
  detail?: string
  /** Optional hint for the developer on how to fix it (plain text). */
  hint?: string
}

/** Shown when the user refused and the emulator is configured not to redirect on refusal. */
export interface DeniedView extends BaseView {
  app: AppView
}

/** One row of the request log as shown on the home page; already redacted. */
export interface RequestView {
  time: string
  method: string
  /** Path and query with secrets, codes and tokens replaced by `[REDACTED]`. */
  target: string
  status: number
  errcode?: number
}

/** The emulator's home page. */
export interface HomeView extends BaseView {
  /** Absolute base URL of the emulator, e.g. `http://127.0.0.1:8900`. */
  baseUrl: string
  apps: (AppView & {
    /** Authorized callback domains. */
    domains: string[]
    /** Allowed scopes. */
    scopes: string[]
    /** Bound to an open-platform account (decides `unionid`). */
    unionid: boolean
    /** The secret, masked except its last 4 characters. */
    secretHint: string
  })[]
  users: UserView[]
  /** The user who "is" the WeChat user of this browser (silent `snsapi_base` logins use it). */
  currentUserId: string
  /** Form target to change the current user; POST with field `user`. */
  currentUserAction: string
  /** How many snsapi_userinfo consents the emulator remembers (silent re-authorization). */
  consents: number
  /** For how many days a consent is remembered. */
  consentDays: number
  /** Form target that forgets every remembered consent (POST, no fields). */
  forgetConsentsAction: string
  requests: RequestView[]
  /** Ready-made login links that come back to the emulator's own demo callback. */
  demos: { label: string; url: string }[]
}

/** The emulator's own demo callback: what a relying party would receive and do. */
export interface DemoCallbackView extends BaseView {
  /** The query the browser arrived with, code redacted to its first 4 characters. */
  received: { name: string; value: string }[]
  /** Result of exchanging the code (and fetching userinfo) server-side, with tokens redacted. */
  result?: { title: string; json: string }[]
  /** Set when the user refused or the exchange failed. */
  error?: string
  homeUrl: string
}
