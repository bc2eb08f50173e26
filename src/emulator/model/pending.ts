/** Authorization requests waiting for the user on the consent or snapshot page. */
import { newHandle } from '../ids.js'
import { ExpiringMap } from './expiring-map.js'

/** A validated oauth2/authorize request. */
export interface AuthRequest {
  appId: string
  redirectUri: string
  scope: string
  state: string
  componentAppId?: string
}

interface PendingRecord extends AuthRequest {
  expiresAt: number
  purgeAt: number
}

const ttlMs = 600_000

/** Pending requests by opaque id. */
export class PendingRequests {
  readonly #requests = new ExpiringMap<PendingRecord>()

  add(request: AuthRequest, now: number): string {
    const id = newHandle()
    const expiresAt = now + ttlMs
    this.#requests.set(id, { ...request, expiresAt, purgeAt: expiresAt }, now)
    return id
  }

  get(id: string, now: number): AuthRequest | undefined {
    const rec = this.#requests.get(id)
    return rec && rec.expiresAt > now ? rec : undefined
  }

  delete(id: string): void {
    this.#requests.delete(id)
  }

  clear(): void {
    this.#requests.clear()
  }
}
