/** User access tokens and refresh tokens (sns/oauth2), with WeChat's refresh semantics. */
import { newToken } from '../ids.js'
import { ExpiringMap } from './expiring-map.js'

/** Who and what a token was issued for. */
export interface TokenGrant {
  appId: string
  userId: string
  openid: string
  scope: string
  snapshot: boolean
  componentAppId?: string
}

/** A user access token. */
export interface AccessToken extends TokenGrant {
  token: string
  expiresAt: number
  purgeAt: number
  revoked: boolean
}

/** A refresh token; its expiry is absolute (refreshing does not extend it). */
export interface RefreshToken extends TokenGrant {
  token: string
  expiresAt: number
  purgeAt: number
  revoked: boolean
  accessToken: string
}

const day = 86_400_000

/** Lifetimes in seconds / days. */
export interface TokenTtl {
  accessSeconds: number
  refreshDays: number
}

/** All live user tokens. */
export class Tokens {
  readonly #access = new ExpiringMap<AccessToken>()
  readonly #refresh = new ExpiringMap<RefreshToken>()
  readonly #canary: string

  /** `canary`: a marker every token carries ('' for none). */
  constructor(canary = '') {
    this.#canary = canary
  }

  /** Issues a fresh access + refresh token pair. */
  issue(
    grant: TokenGrant,
    ttl: TokenTtl,
    now: number,
  ): { access: AccessToken; refresh: RefreshToken } {
    const access = this.#newAccess(grant, ttl.accessSeconds, now)
    const refreshToken = newToken(this.#canary)
    const expiresAt = now + ttl.refreshDays * day
    const refresh: RefreshToken = {
      ...grant,
      token: refreshToken,
      expiresAt,
      purgeAt: expiresAt,
      revoked: false,
      accessToken: access.token,
    }
    this.#refresh.set(refreshToken, refresh, now)
    return { access, refresh }
  }

  /** Whether `token` is an access or refresh token issued and still known. */
  has(token: string): boolean {
    return this.#access.get(token) !== undefined || this.#refresh.get(token) !== undefined
  }

  access(token: string): AccessToken | undefined {
    return this.#access.get(token)
  }

  refresh(token: string, now: number): RefreshToken | undefined {
    const rec = this.#refresh.get(token)
    if (rec && rec.expiresAt <= now) {
      this.#refresh.delete(token)
      return undefined
    }
    return rec
  }

  /**
   * WeChat's refresh: an unexpired access token is kept and its expiry extended; an expired one
   * is replaced by a new token.
   */
  renew(refresh: RefreshToken, accessSeconds: number, now: number): AccessToken {
    const current = this.#access.get(refresh.accessToken)
    if (current && current.expiresAt > now && !current.revoked) {
      current.expiresAt = now + accessSeconds * 1000
      current.purgeAt = current.expiresAt + day
      return current
    }
    if (current) this.#access.delete(current.token)
    const next = this.#newAccess(refresh, accessSeconds, now)
    refresh.accessToken = next.token
    return next
  }

  /** Invalidates a user's tokens (for one app or all): they answer 42007 from now on. */
  revoke(userId: string, appId?: string): number {
    let n = 0
    for (const map of [this.#access, this.#refresh]) {
      for (const rec of map.values()) {
        if (rec.userId === userId && (appId === undefined || rec.appId === appId)) {
          rec.revoked = true
          n++
        }
      }
    }
    return n
  }

  sweep(now: number): void {
    this.#access.sweep(now)
    this.#refresh.sweep(now)
  }

  clear(): void {
    this.#access.clear()
    this.#refresh.clear()
  }

  #newAccess(grant: TokenGrant, seconds: number, now: number): AccessToken {
    const expiresAt = now + seconds * 1000
    const access: AccessToken = {
      appId: grant.appId,
      userId: grant.userId,
      openid: grant.openid,
      scope: grant.scope,
      snapshot: grant.snapshot,
      token: newToken(this.#canary),
      expiresAt,
      // Expired tokens stay known for a day so they answer 42001 rather than 40001.
      purgeAt: expiresAt + day,
      revoked: false,
    }
    if (grant.componentAppId !== undefined) access.componentAppId = grant.componentAppId
    this.#access.set(access.token, access, now)
    return access
  }
}
