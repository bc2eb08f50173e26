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
  // Kept across calls, and everything it yields is deleted, so it always stands at the oldest key:
  // a new keys() iterator per eviction would walk every slot deleted since the map's last
  // compaction, which at the cap (one eviction per set) makes each set cost up to the map's size.
  #evictor: Iterator<string> = this.#entries.keys()

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
    while (this.#entries.size > this.#maxEntries) this.#evictOldest()
  }

  #evictOldest(): void {
    let next = this.#evictor.next()
    if (next.done) {
      this.#evictor = this.#entries.keys()
      next = this.#evictor.next()
      if (next.done) return
    }
    this.#entries.delete(next.value)
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
    this.#evictor = this.#entries.keys()
    this.#lastSweep = Number.NEGATIVE_INFINITY
    this.#sweepAtSize = 1024
  }
}
