/** component_access_token: the third-party platform's own credential. */
import { newToken } from '../ids.js'
import { ExpiringMap } from './expiring-map.js'

interface ComponentToken {
  token: string
  componentAppId: string
  expiresAt: number
  purgeAt: number
}

/** Overlap during which the previous token still works after a new one is issued. */
const overlapMs = 300_000

/** Live component tokens. */
export class ComponentTokens {
  readonly #tokens = new ExpiringMap<ComponentToken>()
  readonly #canary: string

  /** `canary`: a marker every token carries ('' for none). */
  constructor(canary = '') {
    this.#canary = canary
  }

  issue(
    componentAppId: string,
    ttlSeconds: number,
    now: number,
  ): { token: string; expiresIn: number } {
    // Like cgi-bin tokens: a new token makes the older ones "not latest" after a short overlap.
    for (const rec of this.#tokens.values()) {
      if (rec.componentAppId !== componentAppId) continue
      rec.expiresAt = Math.min(rec.expiresAt, now + overlapMs)
      rec.purgeAt = rec.expiresAt
    }
    const token = newToken(this.#canary)
    const expiresAt = now + ttlSeconds * 1000
    this.#tokens.set(token, { token, componentAppId, expiresAt, purgeAt: expiresAt }, now)
    return { token, expiresIn: ttlSeconds }
  }

  /** Whether `token` was issued and is still known. */
  has(token: string): boolean {
    return this.#tokens.get(token) !== undefined
  }

  /** Whether `token` is a live token of `componentAppId`. */
  valid(token: string, componentAppId: string, now: number): boolean {
    const rec = this.#tokens.get(token)
    return rec !== undefined && rec.componentAppId === componentAppId && rec.expiresAt > now
  }

  sweep(now: number): void {
    this.#tokens.sweep(now)
  }

  clear(): void {
    this.#tokens.clear()
  }
}
