/** Remembered snsapi_userinfo consents: within N days, re-authorization is silent. */

/** When each (app, user) pair last consented. */
export class Consents {
  readonly #at = new Map<string, number>()

  record(appId: string, userId: string, now: number): void {
    this.#at.set(`${appId}\u0000${userId}`, now)
  }

  /** Whether the user consented to the app less than `days` days ago. */
  within(appId: string, userId: string, days: number, now: number): boolean {
    const at = this.#at.get(`${appId}\u0000${userId}`)
    return at !== undefined && now - at < days * 86_400_000
  }

  clear(): void {
    this.#at.clear()
  }
}
