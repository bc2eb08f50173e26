/** Remembered snsapi_userinfo consents: within N days, re-authorization is silent. */

const key = (appId: string, userId: string) => `${appId}\u0000${userId}`
const fresh = (at: number, days: number, now: number) => now - at < days * 86_400_000

/** When each (app, user) pair last consented. */
export class Consents {
  readonly #at = new Map<string, number>()

  record(appId: string, userId: string, now: number): void {
    this.#at.set(key(appId, userId), now)
  }

  /** How many consents are less than `days` days old (re-authorization is silent for them). */
  countWithin(days: number, now: number): number {
    let count = 0
    for (const at of this.#at.values()) if (fresh(at, days, now)) count++
    return count
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
    return at !== undefined && fresh(at, days, now)
  }

  clear(): void {
    this.#at.clear()
  }
}
