/** QR login sessions (connect/qrconnect): waiting → scanned → confirmed | denied, or expired. */
import { newHandle } from '../ids.js'
import { ExpiringMap } from './expiring-map.js'

/** Where a QR session stands. */
export type QrStatus = 'waiting' | 'scanned' | 'confirmed' | 'denied' | 'expired'

/** A QR login session. */
export interface QrSession {
  uuid: string
  appId: string
  redirectUri: string
  scope: string
  state: string
  lang: 'zh' | 'en'
  status: QrStatus
  /** Where the QR page navigates once decided. */
  redirect?: string
  expiresAt: number
  purgeAt: number
}

/** Live QR sessions by uuid. */
export class QrSessions {
  readonly #sessions = new ExpiringMap<QrSession>()

  create(
    init: Pick<QrSession, 'appId' | 'redirectUri' | 'scope' | 'state' | 'lang'>,
    ttlSeconds: number,
    now: number,
  ): QrSession {
    const uuid = newHandle(16)
    const expiresAt = now + ttlSeconds * 1000
    // Kept a while after expiry so the page can still learn it expired.
    const session: QrSession = {
      ...init,
      uuid,
      status: 'waiting',
      expiresAt,
      purgeAt: expiresAt + 600_000,
    }
    this.#sessions.set(uuid, session, now)
    return session
  }

  /** The session with its status brought up to date, if known. */
  get(uuid: string, now: number): QrSession | undefined {
    const s = this.#sessions.get(uuid)
    if (s && s.expiresAt <= now && (s.status === 'waiting' || s.status === 'scanned')) {
      s.status = 'expired'
    }
    return s
  }

  clear(): void {
    this.#sessions.clear()
  }
}
