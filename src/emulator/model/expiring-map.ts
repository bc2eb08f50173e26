/** A map whose entries carry an expiry; expired entries are swept lazily so memory stays bounded. */

/** An entry that can be purged once `purgeAt` (ms) has passed. */
export interface Expiring {
  purgeAt: number
}

/**
 * Map with lazy sweeping (at most once a minute of emulator time, or when it doubles in size) and
 * a hard cap: past `maxEntries` the oldest entries are dropped.
 */
export class ExpiringMap<V extends Expiring> {
  readonly #entries = new Map<string, V>()
  readonly #maxEntries: number
  #lastSweep = Number.NEGATIVE_INFINITY
  #sweepAtSize = 1024

  constructor(maxEntries = 100_000) {
    this.#maxEntries = maxEntries
  }

  get size(): number {
    return this.#entries.size
  }

  get(key: string): V | undefined {
    return this.#entries.get(key)
  }

  set(key: string, value: V, now: number): void {
    this.#entries.set(key, value)
    if (now - this.#lastSweep >= 60_000 || this.#entries.size >= this.#sweepAtSize) {
      this.sweep(now)
    }
    for (const oldest of this.#entries.keys()) {
      if (this.#entries.size <= this.#maxEntries) break
      this.#entries.delete(oldest)
    }
  }

  delete(key: string): void {
    this.#entries.delete(key)
  }

  values(): IterableIterator<V> {
    return this.#entries.values()
  }

  /** Removes every entry whose `purgeAt` has passed. */
  sweep(now: number): void {
    for (const [key, value] of this.#entries) {
      if (value.purgeAt <= now) this.#entries.delete(key)
    }
    this.#lastSweep = now
    this.#sweepAtSize = Math.max(1024, this.#entries.size * 2)
  }

  clear(): void {
    this.#entries.clear()
    this.#lastSweep = Number.NEGATIVE_INFINITY
    this.#sweepAtSize = 1024
  }
}
