/** Authorization codes (OAuth codes and mini-program js_codes): single use, short-lived, bound to an app. */
import { newCode } from '../ids.js'
import { ExpiringMap } from './expiring-map.js'

/** What a code stands for. */
export interface CodeGrant {
  appId: string
  userId: string
  scope: string
  snapshot: boolean
  componentAppId?: string
}

interface CodeRecord extends CodeGrant {
  expiresAt: number
  purgeAt: number
  used: boolean
}

/** Outcome of looking a code up: the grant, or WeChat's errcode. */
export type CodeCheck = { ok: true; grant: CodeGrant } | { ok: false; errcode: 40029 | 40163 }

/** A set of live codes. */
export class Codes {
  readonly #codes = new ExpiringMap<CodeRecord>()
  readonly #canary: string

  /** `canary`: a marker every code starts with ('' for none). */
  constructor(canary = '') {
    this.#canary = canary
  }

  issue(grant: CodeGrant, ttlSeconds: number, now: number): string {
    const code = newCode(this.#canary)
    const expiresAt = now + ttlSeconds * 1000
    this.#codes.set(code, { ...grant, expiresAt, purgeAt: expiresAt, used: false }, now)
    return code
  }

  /**
   * Checks a code for `appId` (and component) without using it. Expired, unknown and
   * other-app codes are all 40029; a used one is 40163.
   */
  check(code: string, appId: string, componentAppId: string | undefined, now: number): CodeCheck {
    const rec = this.#codes.get(code)
    if (!rec || rec.appId !== appId || rec.componentAppId !== componentAppId) {
      return { ok: false, errcode: 40029 }
    }
    if (rec.expiresAt <= now) {
      this.#codes.delete(code)
      return { ok: false, errcode: 40029 }
    }
    if (rec.used) return { ok: false, errcode: 40163 }
    const grant: CodeGrant = {
      appId: rec.appId,
      userId: rec.userId,
      scope: rec.scope,
      snapshot: rec.snapshot,
    }
    if (rec.componentAppId !== undefined) grant.componentAppId = rec.componentAppId
    return { ok: true, grant }
  }

  /** Marks a checked code used; it answers 40163 until it expires. */
  use(code: string): void {
    const rec = this.#codes.get(code)
    if (rec) rec.used = true
  }

  get size(): number {
    return this.#codes.size
  }

  /** Whether `code` was issued and is still known (expired codes are known until swept). */
  has(code: string): boolean {
    return this.#codes.get(code) !== undefined
  }

  sweep(now: number): void {
    this.#codes.sweep(now)
  }

  clear(): void {
    this.#codes.clear()
  }
}
