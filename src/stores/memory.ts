import { invalidArgument } from '../client/errors.js'
import { checkKey, checkTtl, checkValue } from './arguments.js'
import type { Lock, Store } from './store.js'

/** Options of {@link memoryStore}. */
export interface MemoryStoreOptions {
  /** Most entries kept (locks included); the oldest written are evicted first. Default `100_000`. */
  maxEntries?: number
  /** The clock, in ms since the epoch. Default `Date.now`; tests pass their own. */
  now?: () => number
}

/** A {@link Store} in this process's memory, with a few extras for tests and monitoring. */
export interface MemoryStore extends Store {
  /** Entries held now, expired ones not yet swept included. */
  readonly size: number
  /** Removes everything. */
  clear(): void
}

interface Entry {
  value: string
  expiresAt: number
}

// Lock names get a prefix no Store key can start with, so the two never collide.
const LOCK = '\u0000lock:'
// Entries examined for expiry on each write: enough to keep pace with writes, without timers.
const SWEEP_PER_WRITE = 8

/**
 * The default store: a bounded map in this process's memory. Expired entries are removed lazily on
 * access and a few at a time on each write (no timer per key), and the entry count never exceeds
 * `maxEntries`, so a flood of logins that never come back cannot grow it. For one process only:
 * use `wxauth/redis` when the app runs on several.
 *
 * @example
 * const store = memoryStore({ maxEntries: 50_000 })
 */
export function memoryStore(options: MemoryStoreOptions = {}): MemoryStore {
  const maxEntries = options.maxEntries ?? 100_000
  if (!Number.isInteger(maxEntries) || maxEntries < 1) {
    throw invalidArgument('maxEntries must be a positive integer')
  }
  const now = options.now ?? Date.now
  if (typeof now !== 'function') throw invalidArgument('now must be a function returning ms')

  // Map iteration follows insertion order, and a re-set moves a key to the end: the first entry is
  // always the oldest written, which is the one to evict.
  const entries = new Map<string, Entry>()
  let cursor = entries.keys()

  function live(key: string, at: number): Entry | undefined {
    const entry = entries.get(key)
    if (!entry) return undefined
    if (entry.expiresAt > at) return entry
    entries.delete(key)
    return undefined
  }

  function sweep(at: number): void {
    for (let i = 0; i < SWEEP_PER_WRITE && entries.size > 0; i++) {
      let next = cursor.next()
      if (next.done) {
        cursor = entries.keys()
        next = cursor.next()
        if (next.done) return
      }
      const entry = entries.get(next.value)
      if (entry && entry.expiresAt <= at) entries.delete(next.value)
    }
  }

  function write(key: string, entry: Entry, at: number): void {
    sweep(at)
    entries.delete(key)
    while (entries.size >= maxEntries) {
      const oldest = entries.keys().next()
      if (oldest.done) break
      entries.delete(oldest.value)
    }
    entries.set(key, entry)
  }

  return {
    get size() {
      return entries.size
    },
    clear() {
      entries.clear()
      cursor = entries.keys()
    },
    async set(key, value, ttl) {
      checkKey(key)
      checkValue(value)
      const at = now()
      write(key, { value, expiresAt: at + checkTtl(ttl) }, at)
    },
    async get(key) {
      return live(checkKey(key), now())?.value
    },
    async consume(key) {
      const entry = live(checkKey(key), now())
      if (!entry) return undefined
      entries.delete(key)
      return entry.value
    },
    async delete(key) {
      entries.delete(checkKey(key))
    },
    async lock(key, ttl) {
      const name = LOCK + checkKey(key)
      const at = now()
      const lifetime = checkTtl(ttl)
      if (live(name, at)) return undefined
      const token = crypto.randomUUID()
      const expiresAt = at + lifetime
      write(name, { value: token, expiresAt }, at)
      return memoryLock(token, expiresAt, () => {
        const held = live(name, now())
        if (held?.value !== token) return false
        entries.delete(name)
        return true
      })
    },
  }
}

function memoryLock(token: string, expiresAt: number, release: () => boolean): Lock {
  return { token, expiresAt, release: async () => release() }
}
