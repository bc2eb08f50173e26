/** A sliding one-minute call counter per key (jscode2session's per-user limit). */

/** Counts calls per key within the last minute. */
export class MinuteRate {
  readonly #calls = new Map<string, number[]>()

  /** Records a call unless `limit` calls happened in the last minute; false when over. */
  take(key: string, limit: number, now: number): boolean {
    const recent = (this.#calls.get(key) ?? []).filter((t) => now - t < 60_000)
    if (recent.length >= limit) {
      this.#calls.set(key, recent)
      return false
    }
    recent.push(now)
    this.#calls.set(key, recent)
    return true
  }

  clear(): void {
    this.#calls.clear()
  }
}
