/** Remembered snsapi_userinfo consents: within N days, re-authorization is silent. */

const key = (appId: string, userId: string) => `${appId}\u0000${userId}`

/** When each (app, user) pair last consented. */
export class Consents {
  readonly #at = new Map<string, number>()

  record(appId: string, userId: string, now: number): void {
    this.#at.set(key(appId, userId), now)
  }

  /** How many (app, user) pairs have a remembered consent (expired ones included). */
  get size(): number {
    return this.#at.size
  }

  /** Forgets the consents of one app, one user, both, or all; returns how many it forgot. */
  forget(filter: { appId?: string; userId?: string } = {}): number {
    let forgotten = 0
    for (const pair of [...this.#at.keys()]) {
      const [appId, userId] = pair.split('\u0000')
      if (filter.appId !== undefined && appId !== filter.appId) continue
      if (filter.userId !== undefined && userId !== filter.userId) continue
      this.#at.delete(pair)
      forgotten++
    }
    return forgotten
  }

  /** Whether the user consented to the app less than `days` days ago. */
  within(appId: string, userId: string, days: number, now: number): boolean {
    const at = this.#at.get(key(appId, userId))
    return at !== undefined && now - at < days * 86_400_000
  }

  clear(): void {
    this.#at.clear()
  }
}
