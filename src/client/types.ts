/** Scopes of official account web authorization (`connect/oauth2/authorize`). */
export type OfficialAccountScope = 'snsapi_base' | 'snsapi_userinfo'

/** The scope of website QR login (`connect/qrconnect`). */
export type WebsiteScope = 'snsapi_login'

/** Languages `sns/userinfo` accepts. */
export type UserInfoLang = 'zh_CN' | 'zh_TW' | 'en'

/** The parsed JSON body as WeChat sent it, unknown fields included. */
export type RawBody = Record<string, unknown>

/** `sns/oauth2/access_token` and `sns/oauth2/refresh_token` (and their component variants), on the wire. */
export interface AccessTokenResponse {
  access_token: string
  /** Seconds; 7200. */
  expires_in: number
  refresh_token: string
  openid: string
  /** Granted scopes, comma-separated. */
  scope: string
  /** Only when the app is bound to an open-platform account (and, for official accounts, only with `snsapi_userinfo`). */
  unionid?: string
  /** `1` for a snapshot-page (快照页) virtual user, whose openid and unionid are not the real user's. */
  is_snapshotuser?: 1
}

/** `sns/userinfo` on the wire. Since 2021 WeChat sends `sex` 0 and empty regions. */
export interface UserInfoResponse {
  openid: string
  nickname: string
  /** 1 male, 2 female, 0 unknown (WeChat has sent it as a string too; it is always a number here). */
  sex: number
  province: string
  city: string
  country: string
  /** Avatar URL; the last path segment picks the size (0, 46, 64, 96, 132). Empty if none. */
  headimgurl: string
  privilege: string[]
  unionid?: string
  /** Undocumented but present in real responses. */
  language?: string
}

/** `sns/jscode2session` (mini program login) on the wire. */
export interface Code2SessionResponse {
  openid: string
  /** Secret: the key to decrypt the mini program's user data. Never send it to the client. */
  session_key: string
  unionid?: string
}

/** A wire response plus the raw parsed body, so fields WeChat adds later stay reachable. */
export type WithRaw<T> = T & {
  /** The body exactly as parsed from WeChat's JSON. */
  raw: RawBody
}

/** Result of a code exchange or a refresh. */
export type TokenResult = WithRaw<AccessTokenResponse>

/** Result of `getUserInfo`. */
export type UserInfoResult = WithRaw<UserInfoResponse>

/** Result of `code2Session`. */
export type Code2SessionResult = WithRaw<Code2SessionResponse>
